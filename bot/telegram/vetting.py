"""What admins are sent about a mentor to vet: her card with the decision buttons, and a change
to what they approved; shared by /pending (handlers.vetting) and onboarding (handlers.onboarding)."""

from __future__ import annotations

import html

from bot.callbacks import cb
from bot.conduct.rules import accepted_current
from bot.context import Context
from bot.i18n import N_
from bot.mentorship.rules import REPORT_LABELS
from bot.notices import Button, Html, Msg, Notice
from bot.onboarding.store import VETTED, Profile
from bot.telegram.cards import profile_card


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
        # The report's reason is stored as its code: the admin reads its label in her language.
        reason = t(REPORT_LABELS[reason]) if reason in REPORT_LABELS else reason
        lines.append(f"· {entry['at'][:10]}: {label.get(what, what)}{report} {html.escape(reason)}".rstrip())
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
