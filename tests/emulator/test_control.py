"""The control API over HTTP, and EmulatorClient playing a user against a real PTB bot."""

import asyncio

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox.emulator import Emulator
from sandbox.emulator.client import EmulatorClient

TOKEN = "123:ABC"


@pytest.fixture
async def http(emu):
    async with httpx.AsyncClient(base_url=emu.control_url) as client:
        yield client


async def test_control_routes_drive_a_user_and_read_the_record(emu, http):
    created = await http.post("/users", json={"first_name": "Aida", "language_code": "ky"})
    assert created.status_code == 201
    aida = created.json()["id"]
    assert [u["first_name"] for u in (await http.get("/users")).json()] == ["Aida"]

    sent = (await http.post(f"/users/{aida}/send", json={"text": "/start"})).json()
    assert sent["message"]["text"] == "/start" and sent["seq"] == emu.cursor()
    assert (await http.post(f"/users/{aida}/sticker", json={})).status_code == 200

    async with Bot(TOKEN, base_url=emu.api_base_url) as bot:
        # The events long-poll answers with what came after `after`, waiting if need be.
        poll = asyncio.create_task(http.get(f"/chats/{aida}/events", params={"after": emu.cursor(), "timeout": 5}))
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Иә", callback_data="v1:yes")]])
        reply = await bot.send_message(aida, "<b>Саламатсызбы</b>", "HTML", reply_markup=keyboard)
        events = (await asyncio.wait_for(poll, 5)).json()
        assert [e["kind"] for e in events["events"]] == ["bot_message"]
        assert events["events"][0]["message"]["keyboard"] == [[{"text": "Иә", "callback_data": "v1:yes"}]]

        pressed = (await http.post(f"/users/{aida}/press", json={"text": "Иә"})).json()
        query_id = pressed["callback_query_id"]
        waiting = (await http.get(f"/callbacks/{query_id}")).json()
        assert waiting == {"answered": False, "answer": None}
        await bot.answer_callback_query(query_id, "OK")
        answered = (await http.get(f"/callbacks/{query_id}", params={"timeout": 1})).json()
        assert answered["answer"]["text"] == "OK"
        by_data = {"message_id": reply.message_id, "callback_data": "forged"}
        assert (await http.post(f"/users/{aida}/press", json=by_data)).status_code == 200

        await bot.set_my_commands([BotCommand("start", "Баштоо")], language_code="ky")
        photo = await bot.send_photo(aida, b"\x89PNG card")

    chat = (await http.get(f"/chats/{aida}")).json()
    assert [(m["from_bot"], m["text"]) for m in chat][:3] == [
        (False, "/start"),
        (False, None),
        (True, "Саламатсызбы"),
    ]
    assert chat[2]["html"] == "<b>Саламатсызбы</b>"
    calls = (await http.get("/calls", params={"method": "sendMessage"})).json()
    assert [c["params"]["text"] for c in calls] == ["<b>Саламатсызбы</b>"]
    assert (await http.get("/commands")).json() == [
        {
            "scope": {"type": "default"},
            "language_code": "ky",
            "commands": [{"command": "start", "description": "Баштоо"}],
        }
    ]
    image = await http.get(f"/files/{photo.photo[0].file_id}")
    assert (image.content, image.headers["content-type"]) == (b"\x89PNG card", "image/png")

    assert (await http.post(f"/users/{aida}/block")).status_code == 200
    assert emu.users[aida].blocked
    assert (await http.post(f"/users/{aida}/unblock")).status_code == 200


async def test_control_faults_and_errors(emu, http):
    aida = emu.add_user()
    await http.post("/fail", json={"method": "sendMessage", "count": 1, "retry_after": 2})
    await http.post("/rate", json={"per_second": 30})
    assert emu.rate_limit == 30
    async with httpx.AsyncClient() as raw:
        url = f"{emu.api_base_url}{TOKEN}/sendMessage"
        refused = await raw.post(url, json={"chat_id": aida, "text": "x"})
    assert (refused.status_code, refused.json()["parameters"]) == (429, {"retry_after": 2})

    assert (await http.post("/users/999/send", json={"text": "x"})).status_code == 404
    assert (await http.post(f"/users/{aida}/send", json={})).status_code == 400
    missing = await http.post(f"/users/{aida}/press", json={"text": "Nope"})
    assert missing.status_code == 404 and "no button 'Nope'" in missing.json()["error"]
    assert (await http.post("/fail", json={})).json() == {"error": "missing field 'method'"}
    assert (await http.get("/files/unknown")).status_code == 404


def _build_bot(emu: Emulator) -> Application:
    """A tiny bot: /start asks the language, the press answers and edits, stickers get a hint."""
    app = Application.builder().token(TOKEN).base_url(emu.api_base_url).build()
    app.bot_data["blocked"] = set()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        buttons = [[InlineKeyboardButton("Русский", callback_data="v1:lang:ru")]]
        await update.message.reply_text("Тилди тандаңыз", reply_markup=InlineKeyboardMarkup(buttons))

    async def pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Готово")
        await update.callback_query.edit_message_text("Язык: русский")

    async def sticker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("Напишите текстом, пожалуйста")

    async def member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.my_chat_member.new_chat_member.status == "kicked":
            context.bot_data["blocked"].add(update.my_chat_member.chat.id)

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pick))
    app.add_handler(MessageHandler(filters.Sticker.ALL, sticker))
    app.add_handler(ChatMemberHandler(member, ChatMemberHandler.MY_CHAT_MEMBER))
    return app


async def test_a_user_session_against_a_real_application(emu):
    app = _build_bot(emu)
    async with app, EmulatorClient(emu.control_url) as client:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=5)
        try:
            aida = await client.user(first_name="Aida", language_code="ky")
            await aida.send("/start")
            question = await aida.next_bot_message()
            assert question["text"] == "Тилди тандаңыз"
            assert question["keyboard"] == [[{"text": "Русский", "callback_data": "v1:lang:ru"}]]

            assert await aida.press("Русский") == "Готово"
            edited = await aida.next_bot_message()
            assert (edited["text"], edited["edited"], edited["keyboard"]) == (
                "Язык: русский",
                True,
                [],
            )
            assert (await aida.last_bot_message())["text"] == "Язык: русский"

            await aida.send_sticker()
            hint = await aida.wait_bot_message(lambda m: "текстом" in (m["text"] or ""))
            assert hint["text"] == "Напишите текстом, пожалуйста"
            assert [m["from_bot"] for m in await aida.messages()] == [False, True, False, True]

            with pytest.raises(TimeoutError, match="no matching bot message"):
                await aida.next_bot_message(timeout=0.05)

            await aida.block()
            await emu.wait_for(lambda: aida.id in app.bot_data["blocked"])
            assert [c["method"] for c in await client.calls("answerCallbackQuery")] == ["answerCallbackQuery"]
        finally:
            await app.updater.stop()
            await app.stop()
