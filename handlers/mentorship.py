"""`/mentorship`: her mentor (or a mentor's mentees) as a card with its buttons: contacts by
mutual consent, and ending the mentorship with a reason. Messages, reports and blocks that
start from the card live in handlers.relay and handlers.safety.
"""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.i18n import N_, Translator
from bot.limits.rules import SLOW_DOWN
from bot.mentorship.rules import END_LABELS, EndReason, Refused, Status, parse_code
from bot.mentorship.store.rows import Mentorship
from bot.services import Services
from bot.telegram import ui
from bot.telegram.ui import deliver, is_minor, name_of, reader_of, refusal_text, stale_button
from handlers.relay import on_message
from handlers.safety import (
    on_block,
    on_block_confirmed,
    on_report,
    on_report_reason,
    reason_keyboard,
    tell_ended,
)


async def card(services: Services, t: Translator, zone: ZoneInfo, viewer: int, m: Mentorship) -> str:
    other = m.other(viewer)
    name = await name_of(services, other)
    heading = t("Your mentor: {name}") if viewer == m.mentee_id else t("Your mentee: {name}")
    lines = [
        f"<b>{heading.format(name=name)}</b>",
        t("Together since {date}").format(date=t.date(m.started_at, zone)),
    ]
    if m.status == Status.PAUSED:
        lines.append("⏸ " + t("Paused: the programme team is looking into it. Messages are on hold for now."))
    if await is_minor(services, m.mentee_id):
        lines.append("🛡 " + t("The mentee is under 18: you talk through this bot only, and contacts are never shared."))
    elif m.contacts_sent_at:
        lines.append("🤝 " + t("Contacts exchanged ✓"))
    elif m.shares(viewer):
        lines.append("🤝 " + t("You agreed to share contacts; waiting for {name}.").format(name=name))
    return "\n".join(lines)


async def keyboard(services: Services, t: Translator, viewer: int, m: Mentorship) -> InlineKeyboardMarkup:
    rows = []
    if m.status == Status.ACTIVE:
        minor = await is_minor(services, m.mentee_id)
        if not minor and not m.contacts_sent_at and not m.shares(viewer):
            rows.append([InlineKeyboardButton("🤝 " + t("Share my contact"), callback_data=cb("ship", "share", m.id))])
        rows.append([InlineKeyboardButton("✉️ " + t("Message through the bot"), callback_data=cb("ship", "msg", m.id))])
    rows.append(
        [
            InlineKeyboardButton("⚠️ " + t("Report"), callback_data=cb("ship", "report", m.id)),
            InlineKeyboardButton("🚫 " + t("Block"), callback_data=cb("ship", "block", m.id)),
        ]
    )
    rows.append([InlineKeyboardButton("🏁 " + t("End mentorship"), callback_data=cb("ship", "end", m.id))])
    return InlineKeyboardMarkup(rows)


async def show(update: Update, context: Context) -> None:
    services, t = context.services, context.t
    user_id = update.effective_user.id
    message = update.effective_message
    current = await services.mentorships.current(user_id)
    for m in current:
        await message.reply_text(
            await card(services, t, context.zone, user_id, m),
            reply_markup=await keyboard(services, t, user_id, m),
        )
    role = context.user_record.role if context.user_record else None
    if role == "mentee" and not current:
        waiting = await services.requests.pending_requests(mentee_id=user_id)
        lines = [t("You don't have a mentor yet.")]
        if waiting:
            names = [await name_of(services, r.mentor_id) for r in waiting]
            lines.append(t("Waiting for an answer from: {names}.").format(names=", ".join(names)))
        lines.append(t("/mentors shows the mentors who suit you best."))
        await message.reply_text("\n".join(lines))
    elif role == "mentor":
        waiting = await services.requests.pending_requests(mentor_id=user_id)
        if not current:
            await message.reply_text(t("You have no mentees yet. When a mentee asks you, her request comes here."))
        if waiting:
            await message.reply_text(
                t.ngettext(
                    "{n} request is waiting for your answer: it is in our chat above.",
                    "{n} requests are waiting for your answer: they are in our chat above.",
                    len(waiting),
                ).format(n=len(waiting))
            )
    elif not current:
        await message.reply_text(t("Mentorships are for mentees and mentors. /start shows what you can do."))


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    data = parse_callback(query.data)
    mentorship_id = data.int_arg(0) if data else None
    if mentorship_id is None:
        await stale_button(update, context)
        return
    services, t, user_id = context.services, context.t, query.from_user.id
    try:
        m = await services.mentorships.party_of(mentorship_id, user_id)
        handler = ACTIONS.get(data.action)
        if handler is None:
            await stale_button(update, context)
            return
        await handler(update, context, m, data.arg(1))
    except Refused as refused:
        await query.answer(refusal_text(t, refused.code), show_alert=True)


async def on_show(update: Update, context: Context, m: Mentorship, _: str) -> None:
    await update.callback_query.answer()
    await refresh(update, context, m)


async def refresh(update: Update, context: Context, m: Mentorship) -> None:
    """Show the mentorship card again in the message she pressed on."""
    services, t, viewer = context.services, context.t, update.callback_query.from_user.id
    await ui.edit(
        update.callback_query,
        await card(services, t, context.zone, viewer, m),
        await keyboard(services, t, viewer, m),
    )


async def on_share(update: Update, context: Context, m: Mentorship, _: str) -> None:
    services, t = context.services, context.t
    user_id = update.callback_query.from_user.id
    already = m.shares(user_id)  # a repeated or forged press tells the other side nothing new (F6)
    if not already and not services.limits.allow("share", user_id, services.clock.now()):
        await update.callback_query.answer(t(SLOW_DOWN), show_alert=True)
        return
    m, both = await services.mentorships.share_contact(m.id, user_id, services.clock.now())
    other = m.other(user_id)
    if both:
        await update.callback_query.answer(t("Contacts exchanged ✓"))
        for viewer in (m.mentee_id, m.mentor_id):
            await send_contact(context.bot, services, viewer, m.other(viewer))
    else:
        name = await name_of(services, other)
        await update.callback_query.answer(
            t("Done: I'll share your contact as soon as {name} agrees too.").format(name=html.unescape(name))
        )
        if already:
            await refresh(update, context, m)
            return
        their_t, _ = await reader_of(services, other)
        await deliver(
            context.bot,
            services,
            other,
            their_t(N_("{name} would like to exchange contacts. If you agree too, tap below.")).format(
                name=await name_of(services, user_id)
            ),
            InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            "🤝 " + their_t(N_("Share my contact")),
                            callback_data=cb("ship", "share", m.id),
                        )
                    ]
                ]
            ),
        )
    await refresh(update, context, m)


async def send_contact(bot: Bot, services: Services, viewer: int, other: int) -> None:
    t, _ = await reader_of(services, viewer)
    record = await services.users.get(other)
    name = await name_of(services, other)
    link = f'<a href="tg://user?id={other}">{name}</a>'
    if record and record.username:
        link += f" (@{html.escape(record.username)})"
    await deliver(
        bot,
        services,
        viewer,
        t("🤝 You both agreed: here is how to reach {name} directly: {link}").format(name=name, link=link),
    )


async def on_end(update: Update, context: Context, m: Mentorship, _: str) -> None:
    t = context.t
    await update.callback_query.answer()
    await ui.edit(
        update.callback_query,
        t("Why would you like to end the mentorship?"),
        reply_markup=reason_keyboard(t, "endr", m, END_LABELS),
    )


async def on_end_reason(update: Update, context: Context, m: Mentorship, code: str) -> None:
    reason = parse_code(EndReason, code)
    if reason is None:
        await stale_button(update, context)
        return
    services, t, user_id = context.services, context.t, update.callback_query.from_user.id
    await services.mentorships.end(m.id, user_id, reason, services.clock.now())
    await update.callback_query.answer(t("Ended ✓"))
    other = m.other(user_id)
    await tell_ended(context.bot, services, other, user_id, reason)  # first: a failed edit must not cost it
    await ui.settle(
        update.callback_query,
        t("Your mentorship with {name} has ended. Thank you for the time you gave each other. 💛").format(
            name=await name_of(services, other)
        ),
    )


ACTIONS = {
    "show": on_show,
    "share": on_share,
    "msg": on_message,
    "report": on_report,
    "rep": on_report_reason,
    "block": on_block,
    "blockok": on_block_confirmed,
    "end": on_end,
    "endr": on_end_reason,
}


def register(app: Application) -> None:
    app.add_handler(CommandHandler("mentorship", show))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("ship")))
