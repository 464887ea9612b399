"""Circles' shared Telegram pieces: the store from a context, the words of refusals, a press's dispatch,
the open/close button, the open circles she may ask to join, and the paced fan-out of a circle's messages."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from telegram import Update
from telegram.ext import Application

from bot.callbacks import cb, parse_callback
from bot.circles import chat, joining
from bot.circles.rules import CircleRefused
from bot.circles.store import CircleStore
from bot.context import Context
from bot.i18n import N_
from bot.notices import Button, Msg, Priority
from bot.telegram import ui

REFUSALS = {
    "not_a_member": N_("This circle is not yours, or you are no longer in it."),
    "circle_paused": N_("This circle is paused for now: messages wait until the programme team opens it again."),
    "you_are_paused": N_("Your messages to this circle are paused while the programme team looks at a report."),
    "done": N_("Already done: this preview was confirmed or discarded."),
    "too_soon": N_("That is too soon: choose a time at least an hour from now."),
    "too_far": N_("That is too far ahead: choose a time within the next three months."),
    "session_over": N_("This session has already begun or is over."),
    "not_yet": N_("This session has not happened yet."),
}
_locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)


def store_of(context_or_app) -> CircleStore:
    services = context_or_app.services if hasattr(context_or_app, "services") else context_or_app.bot_data.services
    return CircleStore(services.db)


async def pump(app: Application, circle_id: int) -> None:
    """Send the circle's queue: one member's messages one after another (her order), members side by
    side; at BULK priority, so the bot's rate limiter paces a busy circle under Telegram's limits."""
    services = app.bot_data.services
    store = CircleStore(services.db)
    async with _locks[circle_id]:
        progress = True
        while progress and (queued := await chat.queued_notices(store, circle_id)):
            per_member: dict[int, list] = defaultdict(list)
            for item, notice in queued:
                per_member[item.user_id].append((item, notice))

            async def send_hers(items) -> int:
                done = 0
                for item, notice in items:
                    sent = await services.sender.send([notice], Priority.BULK)
                    if sent[0] is None and not getattr(await services.users.get(item.user_id), "blocked_bot", True):
                        break  # not sent (flood control, a network error): it stays queued, and so do hers after it
                    await store.delivered([(item.message_id, item.user_id)], services.clock.now())
                    done += 1
                return done

            progress = sum(await asyncio.gather(*(send_hers(items) for items in per_member.values()))) > 0


async def circles_tick(app: Application) -> None:
    """Queues left by a restart (each circle's pump runs on its own), then the quiet nudges."""
    store = store_of(app)
    for circle_id in await store.circles_with_queues():
        # A circle being pumped already is left to that pump (it sends until its queue is empty), and
        # the others are not waited for: a busy fan-out held every later timed job back for its length.
        if not _locks[circle_id].locked():
            app.create_task(pump(app, circle_id), name=f"circle {circle_id} queue")
    await app.bot_data.services.sender.send(await chat.quiet_nudges(store, app.bot_data.services.clock.now()))


async def refuse(update: Update, context: Context, code: str) -> None:
    text = context.t(REFUSALS.get(code, REFUSALS["not_a_member"]))
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await update.effective_message.reply_text(text)


async def dispatch(update: Update, context: Context, actions: dict) -> object:
    """A press in a circle area: the action its data names (`actions`), whose refusal is told in words.
    Returns the action's answer (a conversation's next state, or None)."""
    data = parse_callback(update.callback_query.data)
    action = actions.get(data.action) if data else None
    first = data.int_arg(0) if data else None
    if action is None or first is None:
        await ui.stale_button(update, context)
        return None
    try:
        return await action(update, context, first, *data.args[1:])
    except (CircleRefused, TypeError, ValueError) as refused:
        await refuse(update, context, getattr(refused, "code", "not_a_member"))
        return None


def open_button(circle_id: int, name: str, opened: bool) -> Button:
    if opened:
        return Button(Msg(N_("Close {circle} to new members"), circle=name), cb("circj", "c", circle_id))
    return Button(Msg(N_("Open {circle} to new members"), circle=name), cb("circj", "o", circle_id))


async def show_open(update: Update, context: Context) -> None:
    """The open circles that fit her, each with Ask to join."""
    store = CircleStore(context.services.db)
    found = await joining.open_for(store, update.effective_user.id)
    if not found:
        return
    rows = tuple((Button(Msg(N_("Ask to join {circle}"), circle=c.name), cb("circj", "a", c.id)),) for c in found)
    await update.effective_message.reply_text(
        context.t("These circles are open to new members:"), reply_markup=ui.buttons(context, rows)
    )
