"""Typed-text waits as python-telegram-bot ConversationHandlers that survive a kill -9 at any step.

A step calls `enter` before it asks: her state, and what her answer will be about, are in the
database when the question goes out. At most one wait per person: entering one ends the others.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, BaseHandler, ConversationHandler, filters

from bot.context import Context

END = ConversationHandler.END

# What a waiting state reads: her typed text, or anything else she sends instead (to ask again).
TEXT = filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED
ANYTHING = ~filters.COMMAND & ~filters.UpdateType.EDITED & ~filters.StatusUpdate.ALL


class Conversation(ConversationHandler):
    """A persistent, named ConversationHandler whose every change of state is written at once.

    PTB itself writes states on an interval (up to a second late); a kill in that second would
    lose the step she was told about.
    """

    def __init__(
        self,
        name: str,
        *,
        entry_points: list[BaseHandler],
        states: dict[str, list[BaseHandler]],
        fallbacks: list[BaseHandler],
    ) -> None:
        super().__init__(
            entry_points=entry_points,
            states=states,
            fallbacks=fallbacks,
            name=name,
            persistent=True,
            allow_reentry=True,
        )
        # For each key whose update is being handled: the state last written to the database
        # (one person's updates are handled one at a time, bot.update_order).
        self._written: dict[tuple[int, ...], object | None] = {}

    async def handle_update(self, update, application, check_result, context):  # type: ignore[override]
        key = check_result[1]
        self._written[key] = self._conversations.get(key)  # every state she had is in the database
        try:
            return await super().handle_update(update, application, check_result, context)
        finally:
            state = self._conversations.get(key)
            # Most steps `enter` their state before they ask, and many updates leave it as it was:
            # one write per change of state, not one more per update.
            if state != self._written.pop(key):
                await self._save(application, key, state)

    def state_of(self, key: tuple[int, ...]) -> object | None:
        return self._conversations.get(key)

    async def move(self, application: Application, key: tuple[int, ...], state: object) -> None:
        self._update_state(state, key)
        written = self._conversations.get(key)
        if key in self._written:
            self._written[key] = written
        await self._save(application, key, written)

    async def _save(self, application: Application, key: tuple[int, ...], state: object | None) -> None:
        if application.persistence is not None:
            await application.persistence.save_conversation(self.name, key, state)


def _all(application: Application) -> list[Conversation]:
    return [h for group in application.handlers.values() for h in group if isinstance(h, Conversation)]


def _key(chat_id: int, user_id: int) -> tuple[int, int]:
    return (chat_id, user_id)  # PTB's per_chat and per_user key


async def enter(update: Update, context: Context, name: str, state: str, about: str | int | None = None) -> str:
    """She is now at `state` of conversation `name`, about `about` (an id her answer belongs to).

    Call it before the question is sent; returns `state` for the callback to return.
    """
    return await enter_chat(context, update.effective_chat.id, update.effective_user.id, name, state, about)


async def enter_chat(
    context: Context, chat_id: int, user_id: int, name: str, state: str, about: str | int | None = None
) -> str:
    """`enter`, for a step shown from a message rather than from her update (an edit of /profile)."""
    key = _key(chat_id, user_id)
    for conversation in _all(context.application):
        if conversation.name == name:
            await conversation.move(context.application, key, state)
        elif conversation.state_of(key) is not None:
            await conversation.move(context.application, key, END)
    services = context.services
    if about is None:
        await services.inputs.clear(user_id)
    else:
        await services.inputs.expect(user_id, name, about, services.clock.now())
    return state


async def leave(update: Update, context: Context) -> bool:
    """/cancel: she waits in no conversation any more; True when one was waiting for her."""
    key = _key(update.effective_chat.id, update.effective_user.id)
    waiting = False
    for conversation in _all(context.application):
        if conversation.state_of(key) is not None:
            await conversation.move(context.application, key, END)
            waiting = True
    return await context.services.inputs.clear(update.effective_user.id) or waiting


async def take(update: Update, context: Context, name: str) -> str | None:
    """What her answer is about, claimed once; None when that wait expired, ended or was answered."""
    services, user_id = context.services, update.effective_user.id
    pending = await services.inputs.peek(user_id, services.clock.now())
    if pending is None or pending.kind != name:
        return None
    if not await services.inputs.take(user_id, name, pending.ref):
        return None  # a duplicate delivery of the same text took it
    return pending.ref


async def forget(update: Update, context: Context, name: str) -> None:
    """The wait ends without a typed answer (Skip, or she chose by button after all)."""
    await context.services.inputs.forget(update.effective_user.id, name)
