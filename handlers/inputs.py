"""The older route for typed answers, kept only for the requests, mentorship and safety area.

That area (request notes and questions, relayed messages, report details) moves to
bot.telegram.conversations with its restructure; every other wait is a Conversation already.
The routing lives in the database (pending_inputs), so a restart keeps waiting.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import Context
from bot.telegram import conversations

# kind -> coroutine(update, context, ref, text); text is None for a sticker, photo or other non-text.
InputHandler = Callable[[Update, Context, str, str | None], Awaitable[None]]
_READERS: dict[str, InputHandler] = {}


def reader(kind: str) -> Callable[[InputHandler], InputHandler]:
    """Decorator: this function reads the typed answers of `kind`."""

    def register(handler: InputHandler) -> InputHandler:
        _READERS[kind] = handler
        return handler

    return register


async def expect(context: Context, user_id: int, kind: str, ref: str | int = "") -> None:
    if kind not in _READERS:
        raise KeyError(f"no reader registered for input {kind!r}")
    await conversations.end_all(context.application, user_id)  # one wait at a time: the newest
    await context.services.inputs.expect(user_id, kind, ref, context.services.clock.now())


async def route(update: Update, context: Context) -> bool:
    """Give her message to the journey waiting for it; False if nothing waits."""
    user, message = update.effective_user, update.effective_message
    if user is None or (message is not None and (message.text or "").startswith("/")):
        return False  # a mistyped command is not the answer (nor a message to pass on); the wait stays
    services = context.services
    pending = await services.inputs.peek(user.id, services.clock.now())
    if pending is None or pending.kind not in _READERS:
        return False
    text = message.text if message is not None else None
    if text is not None and not await services.inputs.take(user.id, pending.kind, pending.ref):
        return True  # taken by a duplicate delivery of the same text
    await _READERS[pending.kind](update, context, pending.ref, text)
    return True
