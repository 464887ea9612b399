"""Mentor vetting: admins approve or reject new mentors; `/pending` lists those waiting."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import parse_callback, pattern
from bot.conduct.rules import accepted_current
from bot.context import Context
from bot.i18n import N_
from bot.notices import Msg, Notice
from bot.telegram import ui
from bot.telegram.cards import profile_card
from bot.telegram.vetting import vetting_buttons

log = logging.getLogger(__name__)


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
        await ui.stale_button(update, context)
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
