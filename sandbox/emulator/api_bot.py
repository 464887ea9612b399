"""Bot API methods about the bot itself: identity, updates, webhook, menus, chats, files."""

from __future__ import annotations

import re
from typing import Any

from sandbox.emulator.api_messages import recipient
from sandbox.emulator.checks import (
    ApiError,
    bad_request,
    check_commands,
    check_language,
    check_length,
)
from sandbox.emulator.params import Params, Registry
from sandbox.emulator.users import Users

METHODS = Registry()
LONG_POLL_LIMIT = 50  # seconds; Telegram does not hold a getUpdates longer
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# (method suffix, result key, limit) for setMy*/getMy* name and descriptions.
_TEXTS = {
    "Description": ("description", 512),
    "ShortDescription": ("short_description", 120),
    "Name": ("name", 64),
}


@METHODS("getMe")
def get_me(state: Users, p: Params) -> dict[str, Any]:
    return {
        **state.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": True,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@METHODS("logOut")
@METHODS("close")
def log_out(state: Users, p: Params) -> bool:
    return True


@METHODS("getUpdates")
async def get_updates(state: Users, p: Params) -> list[dict]:
    """Long polling: confirm by offset, then wait (on the record's signal) for updates."""
    if state.webhook["url"]:
        raise ApiError(409, WEBHOOK_CONFLICT)
    offset = p.integer("offset")
    limit = min(max(p.integer("limit") or 100, 1), 100)
    timeout = min(max(p.integer("timeout") or 0, 0), LONG_POLL_LIMIT)
    state.set_allowed_updates(p.decoded("allowed_updates"))
    state.confirm_updates(offset)
    state.polls += 1
    mine = state.polls
    await state.signal.wait_until(
        lambda: state.updates or state.closing or state.polls != mine or state.webhook["url"],
        timeout,
    )
    if state.polls != mine:
        raise ApiError(409, POLL_CONFLICT)  # a newer getUpdates took over, as on Telegram
    return [] if state.webhook["url"] else state.updates[:limit]


@METHODS("setWebhook")
def set_webhook(state: Users, p: Params) -> bool:
    url = p.string("url") or ""
    secret = p.string("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    # Telegram demands HTTPS; the emulator also takes http:// so tests can use loopback.
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if p.boolean("drop_pending_updates"):
        state.updates.clear()
    state.set_allowed_updates(p.decoded("allowed_updates"))
    state.webhook = {
        "url": url,
        "secret_token": secret,
        "max_connections": p.integer("max_connections") or 40,
    }
    state.signal.notify()  # wakes the webhook sender, and ends any long poll
    return True


@METHODS("deleteWebhook")
def delete_webhook(state: Users, p: Params) -> bool:
    if p.boolean("drop_pending_updates"):
        state.updates.clear()
    state.webhook = {"url": ""}
    state.signal.notify()
    return True


@METHODS("getWebhookInfo")
def get_webhook_info(state: Users, p: Params) -> dict[str, Any]:
    info: dict[str, Any] = {
        "url": state.webhook["url"],
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    for key in ("max_connections", "last_error_date", "last_error_message"):
        if state.webhook.get(key):
            info[key] = state.webhook[key]
    if state.webhook["url"]:
        info["allowed_updates"] = sorted(state.allowed_updates)
    return info


@METHODS("setMyCommands")
def set_my_commands(state: Users, p: Params) -> bool:
    commands = check_commands(p.raw("commands"))
    key = state.commands_key(p.decoded("scope"), check_language(p.string("language_code")))
    if commands:
        state.commands[key] = commands
    else:
        state.commands.pop(key, None)  # an empty list deletes, as on Telegram
    state.signal.notify()
    return True


@METHODS("getMyCommands")
def get_my_commands(state: Users, p: Params) -> list[dict]:
    key = state.commands_key(p.decoded("scope"), check_language(p.string("language_code")))
    return state.commands.get(key, [])


@METHODS("deleteMyCommands")
def delete_my_commands(state: Users, p: Params) -> bool:
    key = state.commands_key(p.decoded("scope"), check_language(p.string("language_code")))
    state.commands.pop(key, None)
    return True


@METHODS("setChatMenuButton")
def set_chat_menu_button(state: Users, p: Params) -> bool:
    chat_id = recipient(state, p).id if p.raw("chat_id") is not None else None
    state.settings[("menu_button", chat_id)] = p.decoded("menu_button") or {"type": "default"}
    return True


@METHODS("getChatMenuButton")
def get_chat_menu_button(state: Users, p: Params) -> dict[str, Any]:
    chat_id = recipient(state, p).id if p.raw("chat_id") is not None else None
    fallback = state.settings.get(("menu_button", None), {"type": "commands"})
    return state.settings.get(("menu_button", chat_id), fallback)


def _text_setting(suffix: str, key: str, limit: int) -> None:
    """Register setMy<suffix> and getMy<suffix>, stored per language."""

    def setter(state: Users, p: Params) -> bool:
        language = check_language(p.string("language_code"))
        value = check_length(p.string(key), limit, key.replace("_", " "))
        state.settings[(key, language)] = value
        return True

    def getter(state: Users, p: Params) -> dict[str, Any]:
        language = check_language(p.string("language_code"))
        return {key: state.settings.get((key, language), "")}

    METHODS(f"setMy{suffix}")(setter)
    METHODS(f"getMy{suffix}")(getter)


for _suffix, (_key, _limit) in _TEXTS.items():
    _text_setting(_suffix, _key, _limit)


@METHODS("getChat")
def get_chat(state: Users, p: Params) -> dict[str, Any]:
    user = recipient(state, p)
    return {
        **user.chat_api(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": True,
            "limited_gifts": True,
            "unique_gifts": True,
            "premium_subscription": True,
            "gifts_from_channels": True,
        },
    }


@METHODS("getFile")
def get_file(state: Users, p: Params) -> dict[str, Any]:
    stored = state.files.get(p.string("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    result = stored.ids()
    if stored.data is not None:
        result["file_path"] = stored.file_path  # downloadable from /file/bot<token>/<path>
    return result
