"""Updates reaching the bot: long polling, button presses, blocking, and webhooks."""

import asyncio

import pytest
from aiohttp import web
from telegram import Bot, ChatMemberBanned, ChatMemberMember, Update
from telegram.error import Conflict

TOKEN = "123:ABC"


async def test_long_polling_answers_as_soon_as_a_user_writes(emu, bot):
    aida = emu.add_user(first_name="Aida", language_code="ky")
    # A 30 s poll: if it did not wake on the message, wait_for below would time out.
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await emu.wait_for(lambda: emu.calls("getUpdates"))
    emu.send_text(aida, "/start@steminist_emulator_bot")
    (update,) = await asyncio.wait_for(poll, 5)
    assert update.message.text == "/start@steminist_emulator_bot"
    assert update.message.from_user.language_code == "ky"
    assert update.message.entities[0].type == "bot_command"
    assert update.message.entities[0].length == len("/start@steminist_emulator_bot")

    # Until confirmed by offset the update comes again; after, it is gone.
    assert [u.update_id for u in await bot.get_updates()] == [update.update_id]
    assert await bot.get_updates(offset=update.update_id + 1) == ()
    emu.send_text(aida, "one")
    emu.send_text(aida, "two")
    updates = await bot.get_updates(limit=1)
    assert [u.message.text for u in updates] == ["one"]
    assert [u.message.message_id for u in await bot.get_updates()] == [2, 3]


async def test_a_newer_poll_ends_the_older_with_conflict(emu, bot):
    first = asyncio.create_task(bot.get_updates(timeout=30))
    await emu.wait_for(lambda: emu.calls("getUpdates"))
    # A second instance of the same bot, as when two copies run by mistake.
    async with Bot(TOKEN, base_url=emu.api_base_url) as twin:
        assert await twin.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 5)


async def test_user_media_and_edits_arrive_as_updates(emu, bot):
    aida = emu.add_user()
    emu.send_sticker(aida)
    emu.send_photo(aida, caption="my robot")
    emu.send_contact(aida)
    sent = emu.send_text(aida, "helo")
    emu.edit_text(aida, sent["message_id"], "hello")
    sticker, photo, contact, _, edit = await bot.get_updates()
    assert sticker.message.sticker.emoji == "👍"
    assert photo.message.caption == "my robot"
    file = await bot.get_file(photo.message.photo[-1].file_id)
    assert file.file_path.endswith(".png")
    assert contact.message.contact.user_id == aida
    assert edit.edited_message.text == "hello"
    assert emu.chat(aida)[-1].edited


async def test_pressing_a_button_delivers_a_callback_query(emu, bot):
    aida = emu.add_user()
    await bot.send_message(aida, "Role?", reply_markup=_keyboard("Mentor", "v1:role:mentor"))
    later = await bot.send_message(aida, "Lang?", reply_markup=_keyboard("Русский", "v1:lang:ru"))
    await bot.send_message(aida, "No buttons here")

    query_id = emu.press_button(aida, "Русский")  # found in the latest message that has it
    emu.press_button(aida, "Mentor")
    first, second = await bot.get_updates()
    query = first.callback_query
    assert (query.id, query.data, query.from_user.id) == (query_id, "v1:lang:ru", aida)
    assert query.message.message_id == later.message_id
    assert query.message.reply_markup.inline_keyboard[0][0].text == "Русский"
    assert second.callback_query.data == "v1:role:mentor"

    await query.answer("Saved")
    assert emu.callback_answer(query_id)["text"] == "Saved"
    assert await emu.wait_callback_answer(query_id) == {
        "text": "Saved",
        "show_alert": False,
        "url": None,
    }
    with pytest.raises(LookupError, match="no button 'English'"):
        emu.press_button(aida, "English")
    # A forged press carries whatever data a test gives it.
    emu.press(aida, later.message_id, "v1:admin:approve:1")
    assert (await bot.get_updates(offset=second.update_id + 1))[0].callback_query.data == ("v1:admin:approve:1")


async def test_blocking_sends_my_chat_member_and_403(emu, bot):
    aida = emu.add_user()
    emu.block(aida)
    (update,) = await bot.get_updates()
    member = update.my_chat_member
    assert isinstance(member.old_chat_member, ChatMemberMember)
    assert isinstance(member.new_chat_member, ChatMemberBanned)
    assert member.new_chat_member.user.id == 123 and member.chat.id == aida

    emu.unblock(aida)
    (update,) = await bot.get_updates(offset=update.update_id + 1)
    assert update.my_chat_member.new_chat_member.status == "member"


async def test_waiting_on_the_record(emu, bot):
    aida = emu.add_user()
    cursor = emu.cursor()

    async def reply_later() -> None:
        await bot.send_message(aida, "first")
        await bot.edit_message_text("edited", aida, 1)

    task = asyncio.create_task(reply_later())
    sent, edit = await emu.next_bot_events(aida, after=cursor, count=2)
    await task
    assert (sent.kind, edit.kind) == ("bot_message", "bot_edit")
    assert edit.message["text"] == "edited" and edit.seq > sent.seq
    assert await emu.wait_for(lambda: emu.bot_messages(aida)) == emu.bot_messages(aida)
    with pytest.raises(TimeoutError, match=r"(?s)chat 100001 holds:.*#1 bot: 'edited'"):
        await emu.wait_for(lambda: False, timeout=0.01, chat_id=aida)
    with pytest.raises(TimeoutError, match="expected 1 bot event"):
        await emu.next_bot_events(aida, after=emu.cursor(), timeout=0.01)


async def test_webhook_posts_updates_with_the_secret(emu, bot):
    received: asyncio.Queue = asyncio.Queue()

    async def hook(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        await received.put((secret, await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        aida = emu.add_user()
        assert await bot.set_webhook(url, secret_token="s3cr3t")
        emu.send_text(aida, "via webhook")
        secret, payload = await asyncio.wait_for(received.get(), 5)
        assert secret == "s3cr3t"
        assert Update.de_json(payload, bot).message.text == "via webhook"
        info = await bot.get_webhook_info()
        assert (info.url, info.has_custom_certificate) == (url, False)
        await emu.wait_for(lambda: not emu.updates)  # delivered means no longer pending
        with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
            await bot.get_updates()

        assert await bot.delete_webhook()
        emu.send_text(aida, "via polling")
        (update,) = await bot.get_updates()
        assert update.message.text == "via polling"
        assert received.empty()
    finally:
        await runner.cleanup()


async def test_a_failing_webhook_keeps_the_update_and_says_why(emu, bot):
    statuses = iter([500, 200])
    delivered: asyncio.Queue = asyncio.Queue()

    async def hook(request: web.Request) -> web.Response:
        status = next(statuses)
        if status == 200:
            await delivered.put(await request.json())
        return web.Response(status=status)

    app = web.Application()
    app.router.add_post("/", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/")
        aida = emu.add_user()
        emu.send_text(aida, "retry me")
        payload = await asyncio.wait_for(delivered.get(), 5)
        assert payload["message"]["text"] == "retry me"
        info = await bot.get_webhook_info()
        assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    finally:
        await runner.cleanup()


def _keyboard(text: str, data: str):
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)]])
