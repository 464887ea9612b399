"""Circles on Telegram: `/circle` for her circles (write, reply, report, leave, remove), `/circles`
for admins (the list, and forming circles with a preview), and the paced fan-out of messages."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.callbacks import cb
from bot.circles import chat, membership
from bot.circles.rules import MESSAGE_MAX, CircleRefused
from bot.circles.store import members
from bot.context import Context
from bot.i18n import N_
from bot.mentorship.rules import ReportReason, parse_code
from bot.notices import Button, Msg
from bot.telegram import conversations, ui
from bot.telegram.circles import dispatch, open_button, pump, refuse, show_open, store_of

# Write (or Reply) → she types her message → it goes to the circle. One message per press.
CONVERSATION = "circle"
MESSAGE = "message"


async def my_circles(update: Update, context: Context) -> None:
    user_id = update.effective_user.id
    circles = await store_of(context).of_member(user_id)
    if not circles:
        await update.effective_message.reply_text(context.t("You are not in a circle yet."))
        await show_open(update, context)
        return
    for circle in circles:
        rows = [(Button(Msg(N_("Write to the circle")), cb("circ", "w", circle.id), emoji="✍️"),)]
        if user_id in circle.leads:
            rows.append((Button(Msg(N_("Schedule a session")), cb("circs", "new", circle.id), emoji="📅"),))
            rows.append((Button(Msg(N_("Remove a member")), cb("circ", "rm", circle.id)),))
            rows.append((open_button(circle.id, circle.name, circle.open_to_join),))
        else:
            rows.append((Button(Msg(N_("Leave the circle")), cb("circ", "lv", circle.id)),))
        paused = circle.status == "paused"
        line = Msg(N_("Circle {circle} (paused for now)") if paused else N_("Circle {circle}"), circle=circle.name)
        await update.effective_message.reply_text(ui.text(context, line), reply_markup=ui.buttons(context, tuple(rows)))


async def on_write(update: Update, context: Context, circle_id: int, reply_to: int | None = None) -> object:
    await chat.check_member(store_of(context), circle_id, update.effective_user.id)
    await update.callback_query.answer()
    about = f"{circle_id}.{reply_to}" if reply_to else str(circle_id)
    state = await conversations.enter(update, context, CONVERSATION, MESSAGE, about)
    await update.callback_query.message.reply_text(
        context.t("Type your message for the circle and I'll pass it on. /cancel if you change your mind.")
    )
    return state


async def on_reply(update: Update, context: Context, message_id: int) -> object:
    circle_id = await chat.reply_circle(store_of(context), message_id, update.effective_user.id)
    return await on_write(update, context, circle_id, message_id)


@ui.text_step(
    CONVERSATION, MESSAGE, limit=MESSAGE_MAX, not_text=N_("I can only pass on text messages. Please type your message.")
)
async def read_message(update: Update, context: Context, about: str, text: str) -> object:
    services, t, user_id = context.services, context.t, update.effective_user.id
    circle_id, _, reply = about.partition(".")
    try:
        held, flags = await chat.post(
            store_of(context),
            int(circle_id),
            user_id,
            text,
            int(reply) if reply else None,
            services.clock.now(),
            services.settings.admin_ids,
        )
    except CircleRefused as refused:
        await refuse(update, context, refused.code)
        return conversations.END
    if held:
        await update.effective_message.reply_text(
            t(
                "I did not pass this on: it has contact details (a phone number, a username, a link or an e-mail), "
                "and in a circle with girls under 18 those stay private. The programme team has been told."
            )
        )
        await services.sender.send(flags)
        return conversations.END
    await update.effective_message.reply_text(t("Sent to the circle ✓"))
    context.application.create_task(pump(context.application, int(circle_id)))
    return conversations.END


async def on_report_menu(update: Update, context: Context, message_id: int) -> None:
    await update.callback_query.answer()
    await update.callback_query.message.reply_text(
        context.t("What is wrong with this message?"),
        reply_markup=ui.buttons(context, chat.report_buttons(message_id)),
    )


async def on_report(update: Update, context: Context, message_id: int, reason: str) -> None:
    code = parse_code(ReportReason, reason)
    if code is None:
        raise CircleRefused("not_a_member")
    services = context.services
    notices = await chat.report(
        store_of(context), message_id, update.effective_user.id, code, services.clock.now(), services.settings.admin_ids
    )
    await update.callback_query.answer()
    await ui.drop_buttons(update.callback_query)
    await services.sender.send(notices)


async def on_leave(update: Update, context: Context, circle_id: int, sure: str = "") -> None:
    if not sure:
        await update.callback_query.answer()
        rows = ((Button(Msg(N_("Yes, leave the circle")), cb("circ", "lv", circle_id, "y")),),)
        await update.callback_query.message.reply_text(
            context.t("Leave this circle? You will not get its messages any more."),
            reply_markup=ui.buttons(context, rows),
        )
        return
    notices = await membership.leave(
        store_of(context), circle_id, update.effective_user.id, context.services.clock.now()
    )
    await update.callback_query.answer()
    await ui.drop_buttons(update.callback_query)
    await context.services.sender.send(notices)


async def on_remove(update: Update, context: Context, circle_id: int, member: str = "", reason: str = "") -> None:
    services, store, user_id = context.services, store_of(context), update.effective_user.id
    circle = await store.get(circle_id)
    if circle is None or user_id not in circle.leads:
        raise CircleRefused("not_a_member")
    await update.callback_query.answer()
    if not member:
        rows = tuple(
            [
                (Button(await services.users.display_name(m), cb("circ", "rm", circle_id, m)),)
                for m in await members(services.db, circle_id)
            ]
        )
        await update.callback_query.message.reply_text(
            context.t("Whom do you take out of the circle?"), reply_markup=ui.buttons(context, rows)
        )
        return
    if not reason:
        rows = tuple(
            (Button(Msg(label), cb("circ", "rm", circle_id, member, key)),)
            for key, label in membership.REMOVE_REASONS.items()
        )
        await update.callback_query.message.reply_text(
            context.t("Why? The programme team will be told."), reply_markup=ui.buttons(context, rows)
        )
        return
    notices = await membership.remove(
        store, circle_id, user_id, int(member), reason, services.clock.now(), services.settings.admin_ids
    )
    await ui.drop_buttons(update.callback_query)
    await update.callback_query.message.reply_text(context.t("Done: she is no longer in the circle."))
    await services.sender.send(notices)


ACTIONS = {"w": on_write, "r": on_reply, "rp": on_report_menu, "rr": on_report, "lv": on_leave, "rm": on_remove}


async def on_button(update: Update, context: Context) -> object:
    return await dispatch(update, context, ACTIONS)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("circle", my_circles))
    ui.add_area(app, "circ", on_button, conversation=CONVERSATION, starts=["w", "r"], states={MESSAGE: (read_message,)})
