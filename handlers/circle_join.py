"""Joining an open circle on Telegram: the open circles in her `/circle`, asking, the lead's answer,
and opening or closing a circle (its leads in `/circle`, admins in `/circles`)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.circles import joining
from bot.circles.rules import CircleRefused
from bot.circles.store import CircleStore
from bot.context import Context
from bot.i18n import N_
from bot.notices import Button, Msg, Priority
from bot.telegram import ui

REFUSALS = {
    "not_open": N_("This circle is not open to you now."),
    "full": N_("This circle is full."),
    "answered": N_("Already answered."),
    "not_a_member": N_("This circle is not yours, or you are no longer in it."),
}


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


async def on_button(update: Update, context: Context) -> None:
    query, services = update.callback_query, context.services
    data = parse_callback(query.data)
    circle_id = data.int_arg(0) if data else None
    store, now, user_id = CircleStore(services.db), services.clock.now(), query.from_user.id
    try:
        if circle_id is None:
            raise CircleRefused("not_a_member")
        if data.action == "a":
            notices = await joining.ask(store, circle_id, user_id, now)
        elif data.action in ("y", "n") and data.int_arg(1) is not None:
            notices = await joining.decide(store, circle_id, user_id, data.int_arg(1), data.action == "y", now)
            await ui.drop_buttons(query)
        elif data.action in ("o", "c"):
            opened = data.action == "o"
            admin = services.settings.is_admin(user_id)
            circle = await joining.set_open(store, circle_id, user_id, admin, opened, now)
            text = N_("{circle} is open to new members.") if opened else N_("{circle} is closed to new members.")
            await query.answer(context.t(text).format(circle=circle.name), show_alert=True)
            return
        else:
            raise CircleRefused("not_a_member")
    except CircleRefused as refused:
        await query.answer(context.t(REFUSALS.get(refused.code, REFUSALS["not_a_member"])), show_alert=True)
        return
    await query.answer()
    await services.sender.send(notices, Priority.REPLY)


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("circj")))
