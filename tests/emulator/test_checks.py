"""Telegram's checks and the fault plans, as plain functions: no server needed."""

import pytest

from sandbox.emulator.checks import (
    ApiError,
    check_commands,
    check_reply_markup,
    format_text,
)
from sandbox.emulator.faults import Faults


def _error(call, *args, **kwargs) -> tuple[int, str]:
    with pytest.raises(ApiError) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.description


def test_text_limits_count_characters_after_parsing():
    assert format_text("я" * 4096, None, None)[0] == "я" * 4096
    assert format_text("😀" * 4096, None, None)[0] == "😀" * 4096  # code points, not UTF-16
    # Tags do not count: 4096 letters inside <b> are fine.
    assert format_text("<b>" + "a" * 4096 + "</b>", "HTML", None)[1][0]["length"] == 4096
    assert _error(format_text, "я" * 4097, None, None) == (
        400,
        "Bad Request: message is too long",
    )


@pytest.mark.parametrize("text", [None, "", "   \n ", "<b></b>", "<i> </i>"])
def test_empty_text_is_refused(text):
    assert _error(format_text, text, "HTML", None) == (400, "Bad Request: message text is empty")


def test_captions_may_be_empty_but_not_longer_than_1024():
    assert format_text(None, "HTML", None, caption=True) == ("", [])
    assert format_text("ж" * 1024, "HTML", None, caption=True)[0] == "ж" * 1024
    assert _error(format_text, "ж" * 1025, None, None, caption=True) == (
        400,
        "Bad Request: message caption is too long",
    )


def test_html_errors_and_unknown_parse_modes():
    assert _error(format_text, "<p>x</p>", "HTML", None) == (
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 0',
    )
    assert _error(format_text, "x", "Textile", None) == (
        400,
        "Bad Request: unsupported parse_mode Textile",
    )
    # Markdown is accepted and kept as sent; entities given directly are kept.
    entities = [{"type": "bold", "offset": 0, "length": 1}]
    assert format_text("*x*", "MarkdownV2", None) == ("*x*", [])
    assert format_text("x", None, entities) == ("x", entities)


def _keyboard(**button):
    return {"inline_keyboard": [[{"text": "OK", **button}]]}


def test_callback_data_is_1_to_64_bytes_of_utf8():
    assert check_reply_markup(_keyboard(callback_data="v" * 64)) is not None
    assert _error(check_reply_markup, _keyboard(callback_data="v" * 65)) == (
        400,
        "Bad Request: BUTTON_DATA_INVALID",
    )
    # 33 Cyrillic letters are 66 bytes.
    assert _error(check_reply_markup, _keyboard(callback_data="д" * 33)) == (
        400,
        "Bad Request: BUTTON_DATA_INVALID",
    )
    # Telegram reads empty data as no data: the button then has no action at all.
    assert _error(check_reply_markup, _keyboard(callback_data="")) == (
        400,
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    )


def test_markup_shapes():
    assert check_reply_markup('{"inline_keyboard": [[{"text": "a", "url": "https://x.kg"}]]}')
    assert check_reply_markup({"keyboard": [["Да", {"text": "Нет"}]]})
    assert check_reply_markup({"remove_keyboard": True}) == {"remove_keyboard": True}
    assert check_reply_markup(None) is None
    assert _error(check_reply_markup, {"inline_keyboard": [{"text": "a"}]}) == (
        400,
        'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
    )
    assert _error(check_reply_markup, _keyboard(url="not a url")) == (
        400,
        "Bad Request: BUTTON_URL_INVALID",
    )
    assert _error(check_reply_markup, "{oops") == (
        400,
        "Bad Request: can't parse reply keyboard markup JSON object",
    )


def test_commands():
    assert check_commands('[{"command": "start", "description": "Баштоо"}]') == [
        {"command": "start", "description": "Баштоо"}
    ]
    assert _error(check_commands, [{"command": "my-profile", "description": "x"}]) == (
        400,
        "Bad Request: BOT_COMMAND_INVALID",
    )


def test_fail_next_counts_down_per_method():
    faults = Faults()
    faults.fail_next("sendMessage", count=2, error_code=502, description="Bad Gateway")
    errors = [faults.check("SENDMESSAGE", 0.0, counts_as_send=True) for _ in range(3)]
    assert [e and (e.code, e.description) for e in errors] == [
        (502, "Bad Gateway"),
        (502, "Bad Gateway"),
        None,
    ]
    faults.fail_next("getUpdates", retry_after=7)
    error = faults.check("getUpdates", 0.0, counts_as_send=False)
    assert error.payload() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }


def test_delays_are_taken_once_each():
    faults = Faults()
    faults.delay("sendMessage", 0.5, count=1)
    assert faults.take_delay("sendMessage") == 0.5
    assert faults.take_delay("sendMessage") == 0.0


def test_rate_limit_is_a_sliding_one_second_window():
    faults = Faults(rate_limit=3)
    assert [faults.check("sendMessage", t, counts_as_send=True) for t in (0.0, 0.1, 0.2)] == [None] * 3
    refused = faults.check("sendMessage", 0.5, counts_as_send=True)
    assert (refused.code, refused.parameters) == (429, {"retry_after": 1})
    assert faults.check("getMe", 0.5, counts_as_send=False) is None  # only sends count
    assert faults.check("sendMessage", 1.05, counts_as_send=True) is None  # 0.0 left the window
    faults.rate_limit = None
    assert faults.check("sendMessage", 1.06, counts_as_send=True) is None
