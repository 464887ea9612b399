"""The checks Telegram makes on what a bot sends, answering with Telegram's own errors.

Plain functions over request parameters: text and caption formatting and limits,
inline and reply keyboards, command menus. Each failure is an ApiError carrying the
status code and description the real Bot API answers with.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.emulator.html import HtmlError, parse_html, trim

TEXT_LIMIT = 4096  # characters (code points) after entity parsing
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes of UTF-8
ANSWER_TEXT_LIMIT = 200
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
    "copy_text", "callback_game", "pay",
)  # fmt: skip


class ApiError(Exception):
    """A Bot API failure: HTTP status == error_code, Telegram's description, optional parameters."""

    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


def format_text(
    text: str | None,
    parse_mode: str | None,
    entities: Any,
    *,
    caption: bool = False,
    strict_html: bool = False,
) -> tuple[str, list[dict]]:
    """Parse, trim and measure a message text or caption: (plain text, entities) or ApiError.

    A caption may be empty; a message text may not.
    """
    text = text or ""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            plain, found = parse_html(text, strict=strict_html)
        except HtmlError as exc:
            raise bad_request(f"can't parse entities: {exc.description}") from None
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is not parsed by the emulator: the text is kept as sent, without entities.
        plain, found = text, as_json(entities, "entities") or []
    else:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    plain, found = trim(plain, found)
    if caption:
        if len(plain) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
    elif not plain:
        raise bad_request("message text is empty")
    elif len(plain) > TEXT_LIMIT:
        raise bad_request("message is too long")
    return plain, found


def as_json(value: Any, field: str) -> Any:
    """A JSON-serialized parameter: form fields carry JSON text, JSON bodies carry objects."""
    if value is None or isinstance(value, (dict, list, bool, int)):
        return value
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        raise bad_request(f"can't parse {field} JSON object") from None


def check_reply_markup(value: Any) -> dict | None:
    """Validate reply_markup (any of the four kinds) and return it as a dict."""
    try:
        markup = as_json(value, "reply keyboard markup")
    except ApiError:
        raise bad_request("can't parse reply keyboard markup JSON object") from None
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_rows(markup["inline_keyboard"], "inline_keyboard", "InlineKeyboardMarkup")
        for row in markup["inline_keyboard"]:
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup:
        _check_rows(markup["keyboard"], "keyboard", "ReplyKeyboardMarkup")
        for row in markup["keyboard"]:
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str):
                    raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
    elif not markup.get("remove_keyboard") and not markup.get("force_reply"):
        raise bad_request('can\'t find field "inline_keyboard"')
    return markup


def _check_rows(rows: Any, field: str, kind: str) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{field}" of the {kind} must be an Array of Arrays')


def _check_inline_button(button: Any) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    if not button["text"]:
        # Unverified wording: Telegram refuses buttons with empty labels, message not confirmed.
        raise bad_request("BUTTON_TEXT_INVALID")
    # Telegram treats an empty string as an absent field, so "" data makes a "text button".
    actions = [name for name in _BUTTON_ACTIONS if button.get(name) not in (None, "")]
    if not actions:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if data is not None and (not isinstance(data, str) or len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not re.match(r"^(https?|tg)://\S+$", str(url), re.IGNORECASE):
        raise bad_request("BUTTON_URL_INVALID")


def check_commands(value: Any) -> list[dict]:
    """Validate setMyCommands' list: 1-32 chars of [a-z0-9_], descriptions 1-256, at most 100."""
    commands = as_json(value, "commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand: BotCommand must be an Object")
        if not _COMMAND.fullmatch(str(command.get("command", "")).lower()):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("command description is empty")
    return [{"command": c["command"].lower(), "description": c["description"]} for c in commands]


def check_language(code: str | None) -> str:
    """A command or description language: empty for all, or a two-letter ISO 639-1 code."""
    if code and not _LANGUAGE.fullmatch(code):
        raise bad_request("invalid language code specified")
    return code or ""


def check_length(value: str | None, limit: int, what: str) -> str:
    if value is not None and len(value) > limit:
        raise bad_request(f"{what} is too long")
    return value or ""
