"""Joining an open circle on Telegram: the open circles in her `/circle`, asking, the lead's answer,
and opening or closing a circle (its leads in `/circle`, admins in `/circles`)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.callbacks import parse_callback, pattern
from bot.circles import joining
from bot.circles.rules import CircleRefused
from bot.circles.store import CircleStore
from bot.context import Context
from bot.i18n import N_
from bot.telegram import ui

JOIN_REFUSALS = {
    "not_open": N_("This circle is not open to you now."),
    "full": N_("This circle is full."),
    "answered": N_("Already answered."),
    "not_a_member": N_("This circle is not yours, or you are no longer in it."),
}


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
        await query.answer(context.t(JOIN_REFUSALS.get(refused.code, JOIN_REFUSALS["not_a_member"])), show_alert=True)
        return
    await query.answer()
    await services.sender.send(notices)


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("circj")))
