"""The Bot API over HTTP: a real telegram.Bot against the emulator, and Telegram's errors."""

import io

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from sandbox.emulator import Emulator

TOKEN = "123:ABC"
UNCLOSED_B = "can't parse entities: Can't find end tag corresponding to start tag \"b\""
BIG_DATA = {"inline_keyboard": [[{"text": "a", "callback_data": "ж" * 33}]]}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


async def call(emu: Emulator, method: str, **params) -> tuple[int, dict]:
    """A raw Bot API call with a JSON body, to see status and payload exactly."""
    async with httpx.AsyncClient() as http:
        response = await http.post(f"{emu.api_base_url}{TOKEN}/{method}", json=params)
    return response.status_code, response.json()


async def test_a_real_bot_talks_to_the_emulator(emu, bot):
    aida = emu.add_user(first_name="Aida", language_code="ky")
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123, "steminist_emulator_bot", True)

    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Кыргызча", callback_data="v1:ky")]])
    sent = await bot.send_message(aida, "<b>Салам</b>, Aida 👋", parse_mode="HTML", reply_markup=keyboard)
    assert sent.text == "Салам, Aida 👋"
    assert sent.entities == (MessageEntity("bold", 0, 5),)
    assert sent.reply_markup == keyboard
    assert sent.from_user.id == 123 and sent.chat.id == aida

    edited = await bot.edit_message_text("<i>Тандаңыз</i>", aida, sent.message_id, parse_mode="HTML")
    assert edited.text == "Тандаңыз" and edited.edit_date is not None
    assert edited.reply_markup is None  # an edit without reply_markup drops the keyboard

    photo = await bot.send_photo(aida, b"\x89PNG fake", caption="<b>Card</b>", parse_mode="HTML")
    assert photo.caption == "Card" and photo.photo[0].file_id
    document = await bot.send_document(aida, io.BytesIO(b"name,hours\n"), filename="report.csv")
    assert (document.document.file_name, document.document.mime_type) == ("report.csv", "text/csv")
    file = await bot.get_file(document.document.file_id)
    assert await file.download_as_bytearray() == b"name,hours\n"

    query_id = emu.press(aida, sent.message_id, "v1:ky")
    assert await bot.answer_callback_query(query_id, text="Сакталды", show_alert=True)
    assert emu.callback_answer(query_id) == {"text": "Сакталды", "show_alert": True, "url": None}

    await bot.set_my_commands([BotCommand("start", "Баштоо")], language_code="ky")
    scope = BotCommandScopeChat(aida)
    await bot.set_my_commands([BotCommand("admin", "Admin")], scope=scope)
    assert await bot.get_my_commands(language_code="ky") == (BotCommand("start", "Баштоо"),)
    assert await bot.get_my_commands(scope=scope) == (BotCommand("admin", "Admin"),)
    assert await bot.get_my_commands() == ()
    assert await bot.send_chat_action(aida, "typing")
    assert (await bot.get_chat(aida)).first_name == "Aida"

    # The record: the chat as it looks now, and every call in order.
    texts = [(m.text, m.caption, m.edited) for m in emu.chat(aida)]
    assert texts == [("Тандаңыз", None, True), (None, "Card", False), (None, None, False)]
    assert emu.chat(aida)[0].html == "<i>Тандаңыз</i>"
    assert emu.chat(aida)[2].document.data == b"name,hours\n"
    assert [c.method for c in emu.calls()][:5] == [
        "getMe",  # Bot.initialize()
        "getMe",
        "sendMessage",
        "editMessageText",
        "sendPhoto",
    ]
    assert emu.calls("sendDocument")[0].params["document"]["upload"] == "report.csv"


@pytest.mark.parametrize(
    ("method", "params", "status", "description"),
    [
        ("sendMessage", {"text": ""}, 400, "Bad Request: message text is empty"),
        ("sendMessage", {"text": "a" * 4097}, 400, "Bad Request: message is too long"),
        (
            "sendMessage",
            {"text": "<b>x", "parse_mode": "HTML"},
            400,
            "Bad Request: " + UNCLOSED_B,
        ),
        (
            "sendMessage",
            {"text": "x", "reply_markup": BIG_DATA},
            400,
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        ("sendMessage", {"text": "x", "chat_id": 42}, 400, "Bad Request: chat not found"),
        (
            "sendPhoto",
            {"photo": "nope"},
            400,
            "Bad Request: wrong file identifier/HTTP URL specified",
        ),
        (
            "sendPhoto",
            {"photo": "https://x.kg/a.jpg", "caption": "c" * 1025},
            400,
            "Bad Request: message caption is too long",
        ),
        (
            "editMessageText",
            {"message_id": 99, "text": "x"},
            400,
            "Bad Request: message to edit not found",
        ),
        ("deleteMessage", {"message_id": 99}, 400, "Bad Request: message to delete not found"),
        ("frobnicate", {}, 404, "Not Found"),
    ],
)
async def test_errors_are_telegrams(emu, method, params, status, description):
    aida = emu.add_user()
    code, payload = await call(emu, method, **{"chat_id": aida, **params})
    assert code == status
    assert payload == {"ok": False, "error_code": status, "description": description}
    if status != 404:  # an unknown method is no call of the bot's
        assert (emu.calls()[-1].method, emu.calls()[-1].description) == (method, description)


async def test_not_modified_blocked_and_deleted(emu, bot):
    aida = emu.add_user()
    sent = await bot.send_message(aida, "Hi")
    with pytest.raises(BadRequest) as caught:
        await bot.edit_message_text("Hi", aida, sent.message_id)
    # PTB drops "Bad Request: " and capitalizes what is left.
    assert caught.value.message == NOT_MODIFIED.removeprefix("Bad Request: ").capitalize()
    assert (await call(emu, "editMessageReplyMarkup", chat_id=aida, message_id=1))[1]["description"] == NOT_MODIFIED

    assert await bot.delete_message(aida, sent.message_id)
    assert emu.chat(aida) == []
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(aida, sent.message_id)

    emu.block(aida)
    status, payload = await call(emu, "sendMessage", chat_id=aida, text="Hi")
    assert (status, payload["description"]) == (403, "Forbidden: bot was blocked by the user")
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_photo(aida, b"img")
    emu.unblock(aida)
    assert await bot.send_message(aida, "Welcome back")

    shy = emu.add_user(first_name="Dana", started=False)
    with pytest.raises(Forbidden, match=r"(?i)bot can't initiate conversation with a user"):
        await bot.send_message(shy, "Hi")
    emu.send_text(shy, "/start")
    assert await bot.send_message(shy, "Hi")


async def test_callback_answers_once(emu, bot):
    aida = emu.add_user()
    sent = await bot.send_message(aida, "Q")
    query_id = emu.press(aida, sent.message_id, "v1:x")
    assert await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    assert emu.callback_answer(query_id) == {"text": None, "show_alert": False, "url": None}


async def test_planned_failures_reach_ptb_as_its_errors(emu, bot):
    aida = emu.add_user()
    emu.fail_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(aida, "x")
    assert caught.value.retry_after == 3
    emu.fail_next("sendMessage")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(aida, "x")
    emu.fail_next("sendMessage", error_code=400, description="Bad Request: PEER_ID_INVALID")
    with pytest.raises(BadRequest, match=r"(?i)PEER_ID_INVALID"):
        await bot.send_message(aida, "x")
    assert emu.chat(aida) == []  # nothing was sent by the failed calls
    assert (await bot.send_message(aida, "x")).text == "x"
    assert [c.error_code for c in emu.calls("sendMessage")] == [429, 500, 400, None]


async def test_a_slow_answer_times_out_but_the_message_was_sent(emu):
    aida = emu.add_user()
    emu.delay("sendMessage", 0.3)
    request = HTTPXRequest(read_timeout=0.05)
    async with Bot(TOKEN, base_url=emu.api_base_url, request=request) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(aida, "late")
    assert [m.text for m in emu.chat(aida)] == ["late"]


async def test_rate_limit_answers_429_above_it():
    async with Emulator(rate_limit=3) as emu:
        aida = emu.add_user()
        statuses = [(await call(emu, "sendMessage", chat_id=aida, text="x"))[0] for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert (await call(emu, "getMe"))[0] == 200  # only sends count
        _, payload = await call(emu, "sendMessage", chat_id=aida, text="x")
        assert payload["parameters"] == {"retry_after": 1}
        assert payload["description"] == "Too Many Requests: retry after 1"
        emu.rate_limit = None
        assert (await call(emu, "sendMessage", chat_id=aida, text="x"))[0] == 200


async def test_a_fixed_token_refuses_others():
    async with Emulator(token=TOKEN) as emu:
        with pytest.raises(InvalidToken, match="was rejected by the server"):
            async with Bot("999:WRONG", base_url=emu.api_base_url):
                pass
        async with Bot(TOKEN, base_url=emu.api_base_url) as bot:
            assert (await bot.get_me()).id == 123


async def test_form_and_query_string_requests(emu):
    aida = emu.add_user()
    async with httpx.AsyncClient() as http:
        url = f"{emu.api_base_url}{TOKEN}/sendMessage"
        form = await http.post(url, data={"chat_id": str(aida), "text": "form"})
        query = await http.get(url, params={"chat_id": aida, "text": "query"})
        markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'
        files = await http.post(
            f"{emu.api_base_url}{TOKEN}/sendDocument",
            data={"chat_id": str(aida), "reply_markup": markup},
            files={"document": ("cv.pdf", b"%PDF", "application/pdf")},
        )
    assert form.json()["result"]["text"] == "form"
    assert query.json()["result"]["text"] == "query"
    assert files.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    stored = emu.chat(aida)[-1]
    assert (stored.document.file_name, stored.document.mime_type) == ("cv.pdf", "application/pdf")
    assert stored.keyboard == [[{"text": "A", "callback_data": "a"}]]


async def test_sending_a_known_file_id_again_reuses_it(emu, bot):
    aida = emu.add_user()
    first = await bot.send_photo(aida, b"\xff\xd8jpeg")
    again = await bot.send_photo(aida, first.photo[0].file_id)
    assert again.photo[0].file_id == first.photo[0].file_id
    with pytest.raises(BadRequest, match=r"(?i)type of file mismatch"):
        await bot.send_document(aida, first.photo[0].file_id)
