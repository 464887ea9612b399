"""Safety: report a mentorship (it pauses, admins hear), add details, block; and the end notice."""

from __future__ import annotations

import html

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import cb
from bot.context import Context
from bot.i18n import N_, Translator
from bot.mentorship.rules import (
    END_LABELS,
    RELAY_MAX,
    REPORT_CONTEXT_MESSAGES,
    REPORT_LABELS,
    EndReason,
    ReportReason,
    Status,
    clean_message,
    parse_code,
)
from bot.mentorship.store.rows import Mentorship
from bot.onboarding.rules import InvalidAnswer
from bot.services import Services
from bot.telegram import ui
from bot.telegram.ui import deliver, is_minor, name_of, reader_of, stale_button
from handlers import inputs


def reason_keyboard(t: Translator, action: str, m: Mentorship, labels: dict) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(t(text), callback_data=cb("ship", action, m.id, code))] for code, text in labels.items()
    ]
    rows.append([InlineKeyboardButton("↩️ " + t("Back"), callback_data=cb("ship", "show", m.id))])
    return InlineKeyboardMarkup(rows)


async def on_report(update: Update, context: Context, m: Mentorship, _: str) -> None:
    t = context.t
    await update.callback_query.answer()
    await ui.edit(
        update.callback_query,
        t("What happened? Choose what fits best. The mentorship is paused at once and the programme team is told."),
        reply_markup=reason_keyboard(t, "rep", m, REPORT_LABELS),
    )


async def on_report_reason(update: Update, context: Context, m: Mentorship, code: str) -> None:
    reason = parse_code(ReportReason, code)
    if reason is None:
        await stale_button(update, context)
        return
    services, t, user_id = context.services, context.t, update.callback_query.from_user.id
    report = await services.reports.report(m.id, user_id, reason, services.clock.now())
    await update.callback_query.answer(t("Reported ✓"))
    await ui.settle(  # never raises: the admins' alert below must go
        update.callback_query,
        t(
            "Thank you for telling us. 💛 The mentorship is paused, and the programme team "
            "will contact you soon. If you want to add details, type them now; or send /cancel."
        ),
    )
    await inputs.expect(context, user_id, "report_more", report.id)
    # Always stored; past the limit admins are not alerted one by one (the queue's re-alerts still come, F13).
    if services.limits.allow("report_alert", user_id, services.clock.now()):
        await alert_admins(context.bot, services, report.id, m.id, user_id, reason, counter_of=report.counter_of)
    if m.status != Status.ACTIVE:
        # Already paused, or over (she may report after ending or blocking): nothing changed for
        # the other person, and someone who blocked the reporter must not hear from her through us.
        return
    other = m.other(user_id)
    their_t, _ = await reader_of(services, other)
    await deliver(
        context.bot,
        services,
        other,
        their_t(N_("Your mentorship with {name} is paused for now. The programme team will be in touch.")).format(
            name=await name_of(services, user_id)
        ),
    )


async def alert_admins(
    bot: Bot,
    services: Services,
    report_id: int,
    mentorship_id: int,
    reporter: int,
    reason: str,
    extra: str | None = None,
    *,
    counter_of: int | None = None,
) -> None:
    """Every admin hears of a report at once, with who, the mentorship and the last messages."""
    m = await services.mentorships.get(mentorship_id)
    if m is None:
        return
    messages = await services.relay.last_messages(m.id, REPORT_CONTEXT_MESSAGES)
    for admin_id in sorted(services.settings.admin_ids):
        t, zone = await reader_of(services, admin_id)

        async def who(user_id: int, t: Translator = t) -> str:
            role = t("mentee") if user_id == m.mentee_id else t("mentor")
            minor = " · " + t("under 18") if await is_minor(services, user_id) else ""
            return f"{await name_of(services, user_id)} ({role}{minor}) · id {user_id}"

        if extra is not None:
            text = t("More details for safety report #{id}:").format(id=report_id) + "\n\n" + html.escape(extra)
        else:
            lines = [
                "🚨 <b>" + t("Safety report #{id}").format(id=report_id) + "</b>",
                *(
                    [
                        t("A counter-report to report #{first}: the reported side reported back.").format(
                            first=counter_of
                        )
                    ]
                    if counter_of
                    else []
                ),
                t("From: {who}").format(who=await who(reporter)),
                t("About: {who}").format(who=await who(m.other(reporter))),
                t("Mentorship #{id}, since {date}: now paused").format(id=m.id, date=t.date(m.started_at, zone)),
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
        await update.effective_message.reply_text(t("I can only take text here. Please type the details."))
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
    if await services.reports.add_report_text(int(ref), user_id, text):
        report = await services.reports.get_report(int(ref))
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
    await ui.edit(
        update.callback_query,
        t(
            "Block {name}? The mentorship ends at once, {name} can't write to you through me, "
            "and you won't be matched again."
        ).format(name=name),
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("🚫 " + t("Yes, block"), callback_data=cb("ship", "blockok", m.id))],
                [InlineKeyboardButton("↩️ " + t("Back"), callback_data=cb("ship", "show", m.id))],
            ]
        ),
    )


async def on_block_confirmed(update: Update, context: Context, m: Mentorship, _: str) -> None:
    services, t, user_id = context.services, context.t, update.callback_query.from_user.id
    await services.mentorships.block(m.id, user_id, services.clock.now())
    await update.callback_query.answer(t("Blocked ✓"))
    other = m.other(user_id)
    await tell_ended(context.bot, services, other, user_id, None)  # first: a failed edit must not cost it
    await ui.settle(
        update.callback_query,
        t("Blocked. Your mentorship with {name} has ended, and you won't be matched again.").format(
            name=await name_of(services, other)
        ),
    )


async def tell_ended(bot: Bot, services: Services, user_id: int, by: int, reason: EndReason | None) -> None:
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
