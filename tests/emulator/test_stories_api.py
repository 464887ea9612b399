"""The emulator's parts the story features need: a user's document, channel posts, inline queries."""

import httpx
import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.error import BadRequest

from sandbox.emulator.client import EmulatorClient

TOKEN = "123:ABC"
CHANNEL = -1001000000001


async def test_a_document_she_sends_can_be_fetched_and_downloaded(emu, bot):
    aida = emu.add_user(first_name="Aida")
    sent = emu.send_document(aida, b'slug = "x"\n', "x.toml")
    [update] = await bot.get_updates()
    document = update.message.document
    assert (document.file_name, document.file_size, document.file_id) == ("x.toml", 11, sent["document"]["file_id"])
    file = await document.get_file()
    assert bytes(await file.download_as_bytearray()) == b'slug = "x"\n'


async def test_the_control_api_sends_a_document(emu):
    aida = emu.add_user(first_name="Aida")
    async with EmulatorClient(emu.control_url) as client:
        await client.request("POST", f"/users/{aida}/document", json={"file_name": "a.toml", "text": "ж"})
    assert emu.chat(aida)[-1].document.data == "ж".encode()


async def test_the_bot_posts_to_a_channel_with_a_url_button(emu, bot):
    emu.add_channel(CHANNEL, "Stories")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Open", url="https://t.me/b?start=story_x")]])
    sent = await bot.send_message(CHANNEL, "A card", reply_markup=markup)
    assert sent.chat.type == "channel" and sent.chat.title == "Stories" and sent.from_user is None
    [post] = emu.bot_messages(CHANNEL)
    assert post.keyboard == [[{"text": "Open", "url": "https://t.me/b?start=story_x"}]]
    with pytest.raises(ValueError):
        emu.add_channel(-5)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(-1009999, "nobody")


async def test_an_inline_query_and_its_answer(emu, bot):
    aida = emu.add_user(first_name="Aida", language_code="ky")
    query_id = emu.inline_query(aida, "Ada")
    [update] = await bot.get_updates()
    assert (update.inline_query.query, update.inline_query.from_user.language_code) == ("Ada", "ky")
    result = InlineQueryResultArticle("ada", "Ada", InputTextMessageContent("<b>Ada</b>", parse_mode="HTML"))
    assert await update.inline_query.answer([result], is_personal=True, cache_time=5)
    answer = await emu.wait_inline_answer(query_id)
    assert [r["id"] for r in answer["results"]] == ["ada"] and answer["is_personal"] is True
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await update.inline_query.answer([result])


@pytest.mark.parametrize(
    ("results", "error"),
    [
        ([{"type": "article", "id": "a", "title": "A", "input_message_content": {"message_text": "x"}}] * 2,
         "RESULT_ID_DUPLICATE"),
        ([{"type": "article", "id": "a" * 65, "title": "A", "input_message_content": {"message_text": "x"}}],
         "RESULT_ID_INVALID"),
        ([{"type": "article", "id": "a", "title": "A", "input_message_content": {"message_text": ""}}],
         "MESSAGE_EMPTY"),
        ([{"type": "poem", "id": "a"}], "RESULT_TYPE_INVALID"),
        ([{"type": "photo", "id": "p"}], "PHOTO_INVALID"),
        ([{"type": "article", "id": str(i), "title": "A", "input_message_content": {"message_text": "x"}}
          for i in range(51)], "RESULTS_TOO_MUCH"),
    ],
)  # fmt: skip
async def test_bad_inline_results_are_refused_as_telegram_does(emu, results, error):
    aida = emu.add_user(first_name="Aida")
    query_id = emu.inline_query(aida, "")
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{emu.api_base_url}{TOKEN}/answerInlineQuery", json={"inline_query_id": query_id, "results": results}
        )
    assert response.status_code == 400 and error in response.json()["description"]
