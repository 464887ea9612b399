"""`/mentorship`: her mentor (or a mentor's mentees) with contacts by mutual consent, messages
through the bot, report, block and end; and the introduction both get on acceptance.

Also the small helpers every mentorship journey uses: writing to the other side in her
own language, and the refusal texts for buttons the rules do not allow.
"""

from __future__ import annotations

import html
import logging
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.db.mentorships import Mentorship
from bot.i18n import N_, Translator, translator
from bot.mentorship import (
    END_LABELS,
    MAX_PENDING_REQUESTS,
    REFUSALS,
    RELAY_MAX,
    REPORT_CONTEXT_MESSAGES,
    REPORT_LABELS,
    EndReason,
    Refusal,
    Refused,
    ReportReason,
    Status,
    clean_message,
    parse_code,
)
from bot.onboarding import InvalidAnswer
from bot.services import Services
from handlers import inputs, rhythm

log = logging.getLogger(__name__)


def refusal_text(t: Translator, code: Refusal) -> str:
    return t(REFUSALS[code]).format(n=MAX_PENDING_REQUESTS)


async def stale(update: Update, context: Context) -> None:
    await update.callback_query.answer(
        context.t("This button is out of date. Tap /start to begin again."), show_alert=True
    )


async def reader_of(services: Services, user_id: int) -> tuple[Translator, ZoneInfo]:
    """Her translator and time zone, for writing to someone other than who pressed."""
    record = await services.users.get(user_id)
    if record is None:
        return translator(None), services.settings.default_timezone
    return translator(record.language), ZoneInfo(record.timezone)


async def name_of(services: Services, user_id: int) -> str:
    """Her display name, escaped for HTML."""
    profile = await services.profiles.get(user_id)
    if profile is not None and profile.answers.display_name:
        return html.escape(profile.answers.display_name)
    record = await services.users.get(user_id)
    return html.escape(record.first_name) if record and record.first_name else "—"


async def deliver(
    bot: Bot,
    services: Services,
    user_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send to someone who did not just write to us; None if she cannot be reached."""
    try:
        return await bot.send_message(user_id, text, reply_markup=markup)
    except Forbidden:
        await services.users.mark_blocked(user_id, services.clock.now())
    except TelegramError as error:
        log.warning("could not write to %s: %s", user_id, error)
    return None


async def is_minor(services: Services, user_id: int) -> bool:
    profile = await services.profiles.get(user_id)
    return bool(profile and profile.is_minor)


# --- the introduction on acceptance -------------------------------------------------------


async def introduce(bot: Bot, services: Services, mentorship: Mentorship) -> None:
    """Both sides meet: who the other is and how to talk, each in her own language."""
    minor = await is_minor(services, mentorship.mentee_id)
    mentor_profile = await services.profiles.get(mentorship.mentor_id)
    mentee_profile = await services.profiles.get(mentorship.mentee_id)
    for user_id, other, other_profile in (
        (mentorship.mentee_id, mentorship.mentor_id, mentor_profile),
        (mentorship.mentor_id, mentorship.mentee_id, mentee_profile),
    ):
        t, _ = await reader_of(services, user_id)
        name = await name_of(services, other)
        if user_id == mentorship.mentee_id:
            lines = [
                t("🎉 Good news: {name} accepted your request! Meet your mentor:").format(name=name)
            ]
            a = other_profile.answers if other_profile else None
            if a and (a.job_title or a.organisation):
                lines.append(" · ".join(html.escape(v) for v in (a.job_title, a.organisation) if v))
            if a and a.bio:
                lines.append(f"<i>{html.escape(a.bio)}</i>")
        else:
            lines = [
                t("🎉 You are now mentoring {name}! Thank you for giving your time. 🌷").format(
                    name=name
                )
            ]
        lines.append("")
        if minor and user_id == mentorship.mentee_id:
            lines.append(
                t(
                    "Because you are under 18, you two talk through this bot only, and contacts "
                    "are never shared. This keeps you safe."
                )
            )
        elif minor:
            lines.append(
                t(
                    "Because she is under 18, you two talk through this bot only, and contacts "
                    "are never shared. This keeps everyone safe."
                )
            )
        else:
            lines.append(
                t("You can talk through this bot, and share contacts once you both agree.")
            )
        lines.append(t("Say hello now! /mentorship has everything for your mentorship."))
        button = InlineKeyboardButton(
            "✉️ " + t("Message {name}").format(name=html.unescape(name)),
            callback_data=cb("ship", "msg", mentorship.id),
        )
        await deliver(bot, services, user_id, "\n".join(lines), InlineKeyboardMarkup([[button]]))
    await rhythm.begin(bot, services, mentorship)  # the agreement: goals and how often to meet


# --- /mentorship ------------------------------------------------------------------------------


async def card(
    services: Services, t: Translator, zone: ZoneInfo, viewer: int, m: Mentorship
) -> str:
    other = m.other(viewer)
    name = await name_of(services, other)
    heading = t("Your mentor: {name}") if viewer == m.mentee_id else t("Your mentee: {name}")
    lines = [
        f"<b>{heading.format(name=name)}</b>",
        t("Together since {date}").format(date=t.date(m.started_at, zone)),
    ]
    if m.status == Status.PAUSED:
        lines.append(
            "⏸ " + t("Paused: the programme team is looking into it. Messages are on hold for now.")
        )
    if await is_minor(services, m.mentee_id):
        lines.append(
            "🛡 "
            + t(
                "The mentee is under 18: you talk through this bot only, and contacts are "
                "never shared."
            )
        )
    elif m.contacts_sent_at:
        lines.append("🤝 " + t("Contacts exchanged ✓"))
    elif m.shares(viewer):
        lines.append(
            "🤝 " + t("You agreed to share contacts; waiting for {name}.").format(name=name)
        )
    return "\n".join(lines)


async def keyboard(
    services: Services, t: Translator, viewer: int, m: Mentorship
) -> InlineKeyboardMarkup:
    rows = []
    if m.status == Status.ACTIVE:
        minor = await is_minor(services, m.mentee_id)
        if not minor and not m.contacts_sent_at and not m.shares(viewer):
            rows.append(
                [
                    InlineKeyboardButton(
                        "🤝 " + t("Share my contact"), callback_data=cb("ship", "share", m.id)
                    )
                ]
            )
        rows.append(
            [
                InlineKeyboardButton(
                    "✉️ " + t("Message through the bot"), callback_data=cb("ship", "msg", m.id)
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton("⚠️ " + t("Report"), callback_data=cb("ship", "report", m.id)),
            InlineKeyboardButton("🚫 " + t("Block"), callback_data=cb("ship", "block", m.id)),
        ]
    )
    rows.append(
        [InlineKeyboardButton("🏁 " + t("End mentorship"), callback_data=cb("ship", "end", m.id))]
    )
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
        waiting = await services.mentorships.pending_requests(mentee_id=user_id)
        lines = [t("You don't have a mentor yet.")]
        if waiting:
            names = [await name_of(services, r.mentor_id) for r in waiting]
            lines.append(t("Waiting for an answer from: {names}.").format(names=", ".join(names)))
        lines.append(t("/mentors shows the mentors who suit you best."))
        await message.reply_text("\n".join(lines))
    elif role == "mentor":
        waiting = await services.mentorships.pending_requests(mentor_id=user_id)
        if not current:
            await message.reply_text(
                t("You have no mentees yet. When a mentee asks you, her request comes here.")
            )
        if waiting:
            await message.reply_text(
                t.ngettext(
                    "{n} request is waiting for your answer: it is in our chat above.",
                    "{n} requests are waiting for your answer: they are in our chat above.",
                    len(waiting),
                ).format(n=len(waiting))
            )
    elif not current:
        await message.reply_text(
            t("Mentorships are for mentees and mentors. /start shows what you can do.")
        )


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    data = parse_callback(query.data)
    mentorship_id = data.int_arg(0) if data else None
    if mentorship_id is None:
        await stale(update, context)
        return
    services, t, user_id = context.services, context.t, query.from_user.id
    try:
        m = await services.mentorships.party_of(mentorship_id, user_id)
        handler = ACTIONS.get(data.action)
        if handler is None:
            await stale(update, context)
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
    try:
        await update.callback_query.edit_message_text(
            await card(services, t, context.zone, viewer, m),
            reply_markup=await keyboard(services, t, viewer, m),
        )
    except BadRequest as error:
        if "not modified" not in str(error):
            raise


async def on_share(update: Update, context: Context, m: Mentorship, _: str) -> None:
    services, t = context.services, context.t
    user_id = update.callback_query.from_user.id
    m, both = await services.mentorships.share_contact(m.id, user_id, services.clock.now())
    other = m.other(user_id)
    if both:
        await update.callback_query.answer(t("Contacts exchanged ✓"))
        for viewer in (m.mentee_id, m.mentor_id):
            await send_contact(context.bot, services, viewer, m.other(viewer))
    else:
        name = await name_of(services, other)
        await update.callback_query.answer(
            t("Done: I'll share your contact as soon as {name} agrees too.").format(
                name=html.unescape(name)
            )
        )
        their_t, _ = await reader_of(services, other)
        await deliver(
            context.bot,
            services,
            other,
            their_t(
                N_("{name} would like to exchange contacts. If you agree too, tap below.")
            ).format(name=await name_of(services, user_id)),
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
        t("🤝 You both agreed: here is how to reach {name} directly: {link}").format(
            name=name, link=link
        ),
    )


async def on_message(update: Update, context: Context, m: Mentorship, _: str) -> None:
    t, user_id = context.t, update.callback_query.from_user.id
    if m.status != Status.ACTIVE:
        raise Refused(Refusal.NOT_ACTIVE)
    await update.callback_query.answer()
    await inputs.expect(context, user_id, "relay", m.id)
    name = await name_of(context.services, m.other(user_id))
    await update.callback_query.message.reply_text(
        t(
            "Type your message for {name} and I'll pass it on. /cancel if you change your mind."
        ).format(name=name)
    )


@inputs.reader("relay")
async def read_relay(update: Update, context: Context, ref: str, text: str | None) -> None:
    services, t, user_id = context.services, context.t, update.effective_user.id
    message = update.effective_message
    if text is None:
        await inputs.expect(context, user_id, "relay", ref)
        await message.reply_text(t("I can only pass on text messages. Please type your message."))
        return
    try:
        text = clean_message(text, RELAY_MAX)
        relayed = await services.mentorships.relay(int(ref), user_id, text, services.clock.now())
    except InvalidAnswer as error:
        await inputs.expect(context, user_id, "relay", ref)
        await message.reply_text(
            t("That is too long: please keep it under {n} characters.").format(n=RELAY_MAX)
            if error.code == "too_long"
            else t("Please type your message.")
        )
        return
    except Refused as refused:
        await message.reply_text(refusal_text(t, refused.code))
        return
    their_t, _ = await reader_of(services, relayed.recipient_id)
    name = await name_of(services, user_id)
    sent = await deliver(
        context.bot,
        services,
        relayed.recipient_id,
        "✉️ " + their_t(N_("Message from {name}:")).format(name=name) + "\n\n" + html.escape(text),
        InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        "↩️ " + their_t(N_("Reply")), callback_data=cb("ship", "msg", ref)
                    )
                ]
            ]
        ),
    )
    if sent is None:
        await message.reply_text(
            t("I could not deliver it: {name} may have stopped the bot.").format(
                name=await name_of(services, relayed.recipient_id)
            )
        )
        return
    await services.mentorships.mark_delivered(relayed.id)
    await message.reply_text(t("Sent ✓"))


def reason_keyboard(
    t: Translator, action: str, m: Mentorship, labels: dict
) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(t(text), callback_data=cb("ship", action, m.id, code))]
        for code, text in labels.items()
    ]
    rows.append([InlineKeyboardButton("↩️ " + t("Back"), callback_data=cb("ship", "show", m.id))])
    return InlineKeyboardMarkup(rows)


async def on_report(update: Update, context: Context, m: Mentorship, _: str) -> None:
    t = context.t
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        t(
            "What happened? Choose what fits best. The mentorship is paused at once and the "
            "programme team is told."
        ),
        reply_markup=reason_keyboard(t, "rep", m, REPORT_LABELS),
    )


async def on_report_reason(update: Update, context: Context, m: Mentorship, code: str) -> None:
    reason = parse_code(ReportReason, code)
    if reason is None:
        await stale(update, context)
        return
    services, t, user_id = context.services, context.t, update.callback_query.from_user.id
    report = await services.mentorships.report(m.id, user_id, reason, services.clock.now())
    await update.callback_query.answer(t("Reported ✓"))
    await update.callback_query.edit_message_text(
        t(
            "Thank you for telling us. 💛 The mentorship is paused, and the programme team "
            "will contact you soon. If you want to add details, type them now; or send /cancel."
        )
    )
    await inputs.expect(context, user_id, "report_more", report.id)
    await alert_admins(context.bot, services, report.id, m.id, user_id, reason)
    other = m.other(user_id)
    their_t, _ = await reader_of(services, other)
    await deliver(
        context.bot,
        services,
        other,
        their_t(
            N_(
                "Your mentorship with {name} is paused for now. "
                "The programme team will be in touch."
            )
        ).format(name=await name_of(services, user_id)),
    )


async def alert_admins(
    bot: Bot,
    services: Services,
    report_id: int,
    mentorship_id: int,
    reporter: int,
    reason: str,
    extra: str | None = None,
) -> None:
    """Every admin hears of a report at once, with who, the mentorship and the last messages."""
    m = await services.mentorships.get(mentorship_id)
    if m is None:
        return
    messages = await services.mentorships.last_messages(m.id, REPORT_CONTEXT_MESSAGES)
    for admin_id in sorted(services.settings.admin_ids):
        t, zone = await reader_of(services, admin_id)

        async def who(user_id: int, t: Translator = t) -> str:
            role = t("mentee") if user_id == m.mentee_id else t("mentor")
            minor = " · " + t("under 18") if await is_minor(services, user_id) else ""
            return f"{await name_of(services, user_id)} ({role}{minor}) · id {user_id}"

        if extra is not None:
            text = (
                t("More details for safety report #{id}:").format(id=report_id)
                + "\n\n"
                + html.escape(extra)
            )
        else:
            lines = [
                "🚨 <b>" + t("Safety report #{id}").format(id=report_id) + "</b>",
                t("From: {who}").format(who=await who(reporter)),
                t("About: {who}").format(who=await who(m.other(reporter))),
                t("Mentorship #{id}, since {date}: now paused").format(
                    id=m.id, date=t.date(m.started_at, zone)
                ),
                t("Reason: {reason}").format(reason=t(REPORT_LABELS[ReportReason(reason)])),
                "",
                "<b>" + t("Last messages through the bot:") + "</b>",
            ]
            for relayed in messages:
                sender = await name_of(services, relayed.sender_id)
                when = t.datetime(relayed.sent_at, zone)
                lines.append(f"{sender}, {when}: {html.escape(relayed.text[:300])}")
            if not messages:
                lines.append(t("(none)"))
            text = "\n".join(lines)
        await deliver(bot, services, admin_id, text)


@inputs.reader("report_more")
async def read_report_more(update: Update, context: Context, ref: str, text: str | None) -> None:
    services, t, user_id = context.services, context.t, update.effective_user.id
    if text is None:
        await update.effective_message.reply_text(
            t("I can only take text here. Please type the details.")
        )
        await inputs.expect(context, user_id, "report_more", ref)
        return
    try:
        text = clean_message(text, RELAY_MAX)
    except InvalidAnswer:
        await update.effective_message.reply_text(
            t("That is too long: please keep it under {n} characters.").format(n=RELAY_MAX)
        )
        await inputs.expect(context, user_id, "report_more", ref)
        return
    if await services.mentorships.add_report_text(int(ref), user_id, text):
        report = await services.mentorships.get_report(int(ref))
        if report is not None and report.mentorship_id is not None:
            await alert_admins(
                context.bot,
                services,
                report.id,
                report.mentorship_id,
                user_id,
                report.reason,
                extra=text,
            )
    await update.effective_message.reply_text(t("Added to your report. Thank you. 💛"))


async def on_block(update: Update, context: Context, m: Mentorship, _: str) -> None:
    t = context.t
    await update.callback_query.answer()
    name = await name_of(context.services, m.other(update.callback_query.from_user.id))
    await update.callback_query.edit_message_text(
        t(
            "Block {name}? The mentorship ends at once, {name} can't write to you through me, "
            "and you won't be matched again."
        ).format(name=name),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        "🚫 " + t("Yes, block"), callback_data=cb("ship", "blockok", m.id)
                    )
                ],
                [InlineKeyboardButton("↩️ " + t("Back"), callback_data=cb("ship", "show", m.id))],
            ]
        ),
    )


async def on_block_confirmed(update: Update, context: Context, m: Mentorship, _: str) -> None:
    services, t, user_id = context.services, context.t, update.callback_query.from_user.id
    await services.mentorships.block(m.id, user_id, services.clock.now())
    await update.callback_query.answer(t("Blocked ✓"))
    other = m.other(user_id)
    await update.callback_query.edit_message_text(
        t("Blocked. Your mentorship with {name} has ended, and you won't be matched again.").format(
            name=await name_of(services, other)
        )
    )
    await tell_ended(context.bot, services, other, user_id, None)


async def on_end(update: Update, context: Context, m: Mentorship, _: str) -> None:
    t = context.t
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(
        t("Why would you like to end the mentorship?"),
        reply_markup=reason_keyboard(t, "endr", m, END_LABELS),
    )


async def on_end_reason(update: Update, context: Context, m: Mentorship, code: str) -> None:
    reason = parse_code(EndReason, code)
    if reason is None:
        await stale(update, context)
        return
    services, t, user_id = context.services, context.t, update.callback_query.from_user.id
    await services.mentorships.end(m.id, user_id, reason, services.clock.now())
    await update.callback_query.answer(t("Ended ✓"))
    other = m.other(user_id)
    await update.callback_query.edit_message_text(
        t(
            "Your mentorship with {name} has ended. Thank you for the time you gave each other. 💛"
        ).format(name=await name_of(services, other))
    )
    await tell_ended(context.bot, services, other, user_id, reason)


async def tell_ended(
    bot: Bot, services: Services, user_id: int, by: int, reason: EndReason | None
) -> None:
    t, _ = await reader_of(services, user_id)
    name = await name_of(services, by)
    lines = [t("Your mentorship with {name} has ended.").format(name=name)]
    if reason is not None:
        lines.append(t("Reason: {reason}").format(reason=t(END_LABELS[reason])))
    lines.append(t("Thank you for the time you gave. 💛"))
    record = await services.users.get(user_id)
    if record and record.role == "mentee":
        lines.append(t("Whenever you are ready, /mentors finds you a new mentor."))
    await deliver(bot, services, user_id, "\n".join(lines))


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
