"""Mentor vetting: admins approve or reject new mentors; `/pending` lists those waiting."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.conduct.rules import accepted_current
from bot.context import Context
from bot.i18n import N_
from bot.notices import Button, Html, Msg, Notice
from bot.onboarding.store import VETTED, Profile
from bot.telegram import ui
from bot.telegram.cards import profile_card

log = logging.getLogger(__name__)


def vetting_buttons(user_id: int) -> tuple[tuple[Button, ...], ...]:
    return (
        (Button(Msg(N_("Approve")), cb("vet", "approve", user_id), emoji="✅"),),
        (Button(Msg(N_("Approve and clear for minors")), cb("vet", "minors", user_id), emoji="✅"),),
        (Button(Msg(N_("Reject")), cb("vet", "reject", user_id), emoji="✖️"),),
    )


def history_lines(t, record) -> str:
    """A re-application from an account with a safety history, even one erased since (F2)."""
    lines = ["🚩 <b>" + t("This account has a safety history (kept after an erasure):") + "</b>"]
    if record.suspended_at is not None:
        lines.append(t("Suspended on {date}; the suspension still stands.").format(date=record.suspended_at.date()))
    for entry in record.history[-10:]:
        what, _, reason = entry["what"].partition(":")
        label = {"reported": t("reported"), "counter-reported": t("counter-reported"), "suspended": t("suspended")}
        report = f" (#{entry['report']})" if entry.get("report") else ""
        lines.append(f"· {entry['at'][:10]}: {label.get(what, what)}{report} {reason}".rstrip())
    return "\n".join(lines)


def code_line(t, profile: Profile) -> str:
    if accepted_current(profile.conduct_version):
        return "📜 " + t("Code of conduct: accepted (version {version})").format(version=profile.conduct_version)
    return "📜 " + t("Code of conduct: not accepted yet")


async def notify_admins(context: Context, profile: Profile | None) -> None:
    """Send every admin the new mentor's card with the decision buttons, each in her language.

    An admin who never opened the bot cannot be written to; the others still are."""
    if profile is None:
        return
    record = await context.services.profiles.account_record(profile.user_id)
    notices = []
    for admin_id in sorted(context.services.settings.admin_ids):
        t, _ = await context.services.sender.reader(admin_id)
        card = profile_card(t, profile, t("New mentor to check")) + f"\n\n<i>id {profile.user_id}</i>"
        card += "\n" + code_line(t, profile)
        if record is not None:
            card += "\n\n" + history_lines(t, record)
        notices.append(Notice(admin_id, (Html(card),), vetting_buttons(profile.user_id)))
    await context.services.sender.send(notices)


FIELD_CAPTIONS = {
    "job_title": N_("Job title"),
    "organisation": N_("Organisation"),
    "bio": N_("About me"),
    "meeting_link": N_("Meeting link"),
}


async def notify_change(context: Context, profile: Profile) -> None:
    """An approved mentor changed what admins vetted: adults see it now, minors once an admin approves."""
    services = context.services
    notices = []
    for admin_id in sorted(services.settings.admin_ids):
        t, _ = await services.sender.reader(admin_id)
        lines = [
            "<b>" + t("A mentor changed her profile after approval") + "</b>",
            html.escape(profile.answers.display_name or "—") + f" <i>id {profile.user_id}</i>",
            t("Minors see the approved version until you approve the change."),
        ]
        for column in VETTED:
            before, after = profile.vetted.get(column), profile.current(column)
            if before != after:
                lines += ["", f"<b>{t(FIELD_CAPTIONS[column])}:</b>", f"<s>{html.escape(before or '—')}</s>"]
                lines.append(f"→ {html.escape(after or '—')}")
        ids = (profile.user_id, profile.change_rev)
        buttons = (
            (Button(Msg(N_("Approve the change")), cb("vet", "chok", *ids), emoji="✅"),),
            (Button(Msg(N_("Reject the change")), cb("vet", "chno", *ids), emoji="✖️"),),
        )
        notices.append(Notice(admin_id, (Html("\n".join(lines)),), buttons))
    await services.sender.send(notices)
    await services.sender.send(
        [
            Notice(
                profile.user_id,
                (
                    Msg(
                        N_(
                            "Saved ✓ The programme team will look at your change; until then, mentees "
                            "under 18 see your card as it was approved."
                        )
                    ),
                ),
            )
        ]
    )


async def decide_change(update: Update, context: Context, mentor_id: int, rev: int | None, approve: bool) -> None:
    query = update.callback_query
    services, t = context.services, context.t
    profile = None if rev is None else await services.profiles.decide_change(mentor_id, rev, approve=approve)
    if profile is None:
        await query.answer(t("This change was already decided or changed again."), show_alert=True)
        await query.edit_message_reply_markup(None)
        return
    await query.answer(t("Saved ✓"))
    now = services.clock.now()
    await services.admin.record(query.from_user.id, "mentor_change_" + ("ok" if approve else "no"), now, mentor_id)
    if not approve:
        text = N_(
            "The programme team could not approve your latest profile change, so your card is back to "
            "its approved version. If you have a question, please write to the programme organisers."
        )
        await services.sender.send([Notice(mentor_id, (Msg(text),))])
    verdict = t("Change approved ✓") if approve else t("Change rejected: her card is back to the approved version")
    await ui.edit(query, f"{query.message.text_html}\n\n<b>{verdict}</b>")


async def decide(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    query = update.callback_query
    t = context.t
    services = context.services
    data = parse_callback(query.data)
    mentor_id = data.int_arg(0) if data else None
    if data is not None and mentor_id is not None and data.action in ("chok", "chno"):
        await decide_change(update, context, mentor_id, data.int_arg(1), data.action == "chok")
        return
    if data is None or mentor_id is None or data.action not in ("approve", "minors", "reject"):
        await query.answer(t("This button is out of date. Tap /start to begin again."), show_alert=True)
        return
    status = "rejected" if data.action == "reject" else "approved"
    waiting = await services.profiles.get(mentor_id)
    if status == "approved" and waiting and waiting.mentor_status == "pending":
        if not accepted_current(waiting.conduct_version):
            await query.answer(
                t("She has not accepted the code of conduct yet. Approve her once she has."), show_alert=True
            )
            return
    decided = await services.profiles.decide_mentor(
        mentor_id,
        status,
        query.from_user.id,
        services.clock.now(),
        cleared_for_minors=data.action == "minors",
    )
    profile = await services.profiles.get(mentor_id)
    if not decided:
        already = {"approved": t("Already approved."), "rejected": t("Already rejected.")}
        await query.answer(
            already.get(profile.mentor_status if profile else "", t("This mentor is no longer waiting.")),
            show_alert=True,
        )
        await query.edit_message_reply_markup(None)
        return
    await query.answer(t("Saved ✓"))
    await services.admin.record(query.from_user.id, f"mentor_{data.action}", services.clock.now(), mentor_id)
    verdict = {
        "approve": t("Approved ✓"),
        "minors": t("Approved and cleared for minors ✓"),
        "reject": t("Rejected"),
    }
    # The mentor hears first: a failed edit of the admin's card must not swallow her message.
    await tell_mentor(context, mentor_id, approved=status == "approved")
    await ui.edit(query, f"{query.message.text_html}\n\n<b>{verdict[data.action]}</b>")


async def tell_mentor(context: Context, mentor_id: int, *, approved: bool) -> None:
    if approved:
        text = N_(
            "Good news: you are approved as a mentor! 🎉 Mentees can now find you and send you requests. "
            "/profile shows your card; you can pause taking mentees there at any time."
        )
    else:
        text = N_(
            "Thank you for offering to mentor. The programme team could not approve your profile this time. "
            "If you think this is a mistake, please write to the programme organisers."
        )
    await context.services.sender.send([Notice(mentor_id, (Msg(text),))])


async def pending(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    t = context.t
    waiting = await context.services.profiles.pending_mentors()
    if not waiting:
        await update.effective_message.reply_text(t("No mentors are waiting for approval."))
        return
    await update.effective_message.reply_text(
        t.ngettext(
            "{n} mentor is waiting for approval:",
            "{n} mentors are waiting for approval:",
            len(waiting),
        ).format(n=len(waiting))
    )
    for profile in waiting[:20]:
        await update.effective_message.reply_text(
            profile_card(t, profile, t("New mentor to check")) + f"\n\n<i>id {profile.user_id}</i>",
            reply_markup=ui.buttons(context, vetting_buttons(profile.user_id)),
        )


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(decide, pattern=pattern("vet")))
    app.add_handler(CommandHandler("pending", pending))
