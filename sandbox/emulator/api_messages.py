"""Bot API methods that put things in a chat: send, edit, delete, answer, chat actions.

Each handler takes the record and the request's Params and returns the `result` or
raises ApiError, checking what Telegram checks in the order the Bot API server does:
parameters first, then the chat, then whether the user can be reached.
"""

from __future__ import annotations

import mimetypes
import time
from pathlib import PurePosixPath
from typing import Any

from sandbox.emulator.checks import (
    ANSWER_TEXT_LIMIT,
    ApiError,
    bad_request,
    check_reply_markup,
    format_text,
)
from sandbox.emulator.model import ChatMessage, StoredFile, User
from sandbox.emulator.params import Params, Registry, Upload
from sandbox.emulator.users import Users

METHODS = Registry()
# The methods a global send rate limit counts.
SEND_METHODS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendDocument", "copyMessage",
        "editMessageText", "editMessageCaption", "editMessageReplyMarkup",
    }
)  # fmt: skip
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


def recipient(state: Users, p: Params, field: str = "chat_id") -> User:
    """The user whose private chat `chat_id` names (a number or an @username)."""
    raw = p.string(field)
    if raw is None:
        raise bad_request(f"{field} is empty")
    user = None
    if raw.lstrip("-").isdigit():
        user = state.users.get(int(raw))
    elif raw.startswith("@"):
        user = next((u for u in state.users.values() if u.username == raw[1:]), None)
    if user is None:
        raise bad_request("chat not found")
    return user


def check_reachable(user: User) -> None:
    if user.blocked:
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    if not user.started:
        raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")


def formatted(state: Users, p: Params, field: str) -> tuple[str, list[dict]]:
    caption = field == "caption"
    plain, entities = format_text(
        p.string(field),
        p.string("parse_mode"),
        p.raw("caption_entities" if caption else "entities"),
        caption=caption,
        strict_html=state.strict_html,
    )
    return plain, state.resolve_mentions(entities)


def reply_to(state: Users, user: User, p: Params) -> int | None:
    """The message to reply to, from reply_parameters or the older reply_to_message_id."""
    reply = p.decoded("reply_parameters") or {}
    message_id = reply.get("message_id") or p.integer("reply_to_message_id")
    if message_id is None:
        return None
    if state.message(user.id, int(message_id)) is not None:
        return int(message_id)
    if reply.get("allow_sending_without_reply") or p.boolean("allow_sending_without_reply"):
        return None
    raise bad_request("message to be replied not found")


def _sent(state: Users, message: ChatMessage) -> dict[str, Any]:
    state.message_event("bot_message", message)
    return state.message_api(message)


@METHODS("sendMessage")
def send_message(state: Users, p: Params) -> dict[str, Any]:
    text, entities = formatted(state, p, "text")
    markup = check_reply_markup(p.raw("reply_markup"))
    user = recipient(state, p)
    replied = reply_to(state, user, p)
    check_reachable(user)
    message = state.new_message(
        user.id,
        from_bot=True,
        text=text,
        html=p.string("text"),
        entities=entities,
        reply_markup=markup,
        reply_to=replied,
    )
    return _sent(state, message)


def _file(state: Users, value: Upload | str | None, kind: str) -> StoredFile:
    """Store an upload, reuse a known file_id, or remember a URL, as sendPhoto/Document do."""
    if value is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(value, Upload) and kind == "photo":
        # Telegram keeps no name for photos; the type comes from the bytes themselves.
        mime = _image_type(value.data)
        extension = mimetypes.guess_extension(mime) or ".jpg"
        return state.store_file(kind, extension=extension, data=value.data, mime_type=mime)
    if isinstance(value, Upload):
        suffix = PurePosixPath(value.filename or "").suffix
        mime = value.content_type or mimetypes.guess_type(value.filename or "")[0]
        return state.store_file(kind, extension=suffix, data=value.data, file_name=value.filename, mime_type=mime)
    if value in state.files:
        known = state.files[value]
        if known.kind != kind:
            raise bad_request("type of file mismatch")
        return known
    if value.startswith(("http://", "https://")):
        name = PurePosixPath(value.split("?", 1)[0]).name or None
        mime = mimetypes.guess_type(name or "")[0]
        return state.store_file(kind, source=value, file_name=name, mime_type=mime)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _image_type(data: bytes) -> str:
    signatures = {
        b"\x89PNG": "image/png",
        b"\xff\xd8": "image/jpeg",
        b"GIF8": "image/gif",
        b"RIFF": "image/webp",
    }
    return next((t for sig, t in signatures.items() if data.startswith(sig)), "image/jpeg")


def _send_media(state: Users, p: Params, kind: str) -> dict[str, Any]:
    caption, entities = formatted(state, p, "caption")
    markup = check_reply_markup(p.raw("reply_markup"))
    user = recipient(state, p)
    stored = _file(state, p.file(kind), kind)
    replied = reply_to(state, user, p)
    check_reachable(user)
    message = state.new_message(
        user.id,
        from_bot=True,
        caption=caption or None,
        caption_html=p.string("caption"),
        caption_entities=entities,
        reply_markup=markup,
        reply_to=replied,
        **{kind: stored},
    )
    return _sent(state, message)


@METHODS("sendPhoto")
def send_photo(state: Users, p: Params) -> dict[str, Any]:
    return _send_media(state, p, "photo")


@METHODS("sendDocument")
def send_document(state: Users, p: Params) -> dict[str, Any]:
    return _send_media(state, p, "document")


@METHODS("copyMessage")
def copy_message(state: Users, p: Params) -> dict[str, Any]:
    """Copy a message into another chat (how the bot relays messages for minors)."""
    source = recipient(state, p, "from_chat_id")
    original = state.message(source.id, p.integer("message_id", empty="message_id is empty") or 0)
    if original is None:
        raise bad_request("message to copy not found")
    caption, entities = original.caption, original.caption_entities
    if p.raw("caption") is not None:
        caption, entities = formatted(state, p, "caption")
    markup = check_reply_markup(p.raw("reply_markup"))
    user = recipient(state, p)
    check_reachable(user)
    copy = state.new_message(
        user.id,
        from_bot=True,
        text=original.text,
        html=original.html if original.from_bot else original.text,
        entities=list(original.entities),
        caption=caption,
        caption_entities=entities,
        photo=original.photo,
        document=original.document,
        sticker=original.sticker,
        contact=original.contact,
        reply_markup=markup,
    )
    _sent(state, copy)
    return {"message_id": copy.message_id}


def _editable(state: Users, p: Params) -> ChatMessage:
    if p.raw("inline_message_id") is not None:
        raise bad_request("MESSAGE_ID_INVALID")  # inline-mode messages are not emulated
    user = recipient(state, p)
    message_id = p.integer("message_id", empty="message identifier is not specified")
    message = state.message(user.id, message_id or 0)
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    check_reachable(user)
    return message


def _edited(state: Users, message: ChatMessage) -> dict[str, Any]:
    message.edited, message.edit_date = True, int(time.time())
    state.message_event("bot_edit", message)
    return state.message_api(message)


def _inline_only(markup: dict | None) -> dict | None:
    """Edits keep only inline keyboards; without reply_markup an edit removes the keyboard."""
    return markup if markup and "inline_keyboard" in markup else None


@METHODS("editMessageText")
def edit_message_text(state: Users, p: Params) -> dict[str, Any]:
    text, entities = formatted(state, p, "text")
    markup = _inline_only(check_reply_markup(p.raw("reply_markup")))
    message = _editable(state, p)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    if (message.text, message.entities, message.reply_markup) == (text, entities, markup):
        raise bad_request(NOT_MODIFIED)
    message.text, message.html, message.entities = text, p.string("text"), entities
    message.reply_markup = markup
    return _edited(state, message)


@METHODS("editMessageCaption")
def edit_message_caption(state: Users, p: Params) -> dict[str, Any]:
    caption, entities = formatted(state, p, "caption")
    markup = _inline_only(check_reply_markup(p.raw("reply_markup")))
    message = _editable(state, p)
    if message.photo is None and message.document is None:
        raise bad_request("there is no caption in the message to edit")
    current = (message.caption or "", message.caption_entities, message.reply_markup)
    if current == (caption, entities, markup):
        raise bad_request(NOT_MODIFIED)
    message.caption, message.caption_html = caption or None, p.string("caption")
    message.caption_entities, message.reply_markup = entities, markup
    return _edited(state, message)


@METHODS("editMessageReplyMarkup")
def edit_message_reply_markup(state: Users, p: Params) -> dict[str, Any]:
    markup = _inline_only(check_reply_markup(p.raw("reply_markup")))
    message = _editable(state, p)
    if message.reply_markup == markup:
        raise bad_request(NOT_MODIFIED)
    message.reply_markup = markup
    return _edited(state, message)


@METHODS("deleteMessage")
def delete_message(state: Users, p: Params) -> bool:
    user = recipient(state, p)
    message_id = p.integer("message_id", empty="message identifier is not specified")
    message = state.message(user.id, message_id or 0)
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    state.add_event(user.id, "bot_delete", message.message_id)
    return True


@METHODS("answerCallbackQuery")
def answer_callback_query(state: Users, p: Params) -> bool:
    query_id = p.string("callback_query_id")
    query = state.callback_queries.get(query_id or "")
    # Telegram gives one answer per query; an unknown or answered one looks the same.
    if query is None or query["answer"] is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.string("text")
    if text and len(text) > ANSWER_TEXT_LIMIT:
        raise bad_request("MESSAGE_TOO_LONG")
    answer = {"text": text, "show_alert": p.boolean("show_alert"), "url": p.string("url")}
    query["answer"] = answer
    state.add_event(
        query["user_id"],
        "callback_answer",
        query["message_id"],
        callback_query_id=query_id,
        **answer,
    )
    return True


@METHODS("sendChatAction")
def send_chat_action(state: Users, p: Params) -> bool:
    action = p.string("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    user = recipient(state, p)
    check_reachable(user)
    state.settings[("chat_action", user.id)] = action
    return True


INLINE_RESULT_TYPES = frozenset({"article", "photo", "document", "gif", "mpeg4_gif", "video", "audio", "voice"})
INLINE_RESULTS_LIMIT = 50


@METHODS("answerInlineQuery")
def answer_inline_query(state: Users, p: Params) -> bool:
    """Check the results as Telegram does (at most 50, unique ids of 1-64 bytes, known types, valid
    captions and keyboards) and keep the answer for the test that typed the query."""
    query_id = p.string("inline_query_id")
    query = state.inline_queries.get(query_id or "")
    if query is None or query["answer"] is not None:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    results = p.decoded("results")
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > INLINE_RESULTS_LIMIT:
        raise bad_request("RESULTS_TOO_MUCH")
    ids = [str(result.get("id", "")) for result in results if isinstance(result, dict)]
    if len(ids) != len(results) or len(set(ids)) != len(ids):
        raise bad_request("RESULT_ID_DUPLICATE")
    for result in results:
        if not 1 <= len(str(result["id"]).encode()) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result.get("type") not in INLINE_RESULT_TYPES:
            raise bad_request("RESULT_TYPE_INVALID")
        content = result.get("input_message_content") or {}
        if result["type"] == "article" and not content.get("message_text"):
            raise bad_request("MESSAGE_EMPTY")
        if result["type"] == "photo" and not (result.get("photo_file_id") or result.get("photo_url")):
            raise bad_request("PHOTO_INVALID")
        if "caption" in result:
            format_text(result["caption"], result.get("parse_mode"), None, caption=True, strict_html=state.strict_html)
        if content.get("message_text"):
            format_text(content["message_text"], content.get("parse_mode"), None, strict_html=state.strict_html)
        check_reply_markup(result.get("reply_markup"))
    answer = {
        "results": results,
        "cache_time": p.integer("cache_time"),
        "is_personal": p.boolean("is_personal"),
        "next_offset": p.string("next_offset") or "",
        "button": p.decoded("button"),
    }
    query["answer"] = answer
    state.add_event(query["user_id"], "inline_answer", inline_query_id=query_id, count=len(results))
    return True
