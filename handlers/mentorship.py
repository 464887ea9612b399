"""`/mentorship` and the `ship` callback area: her mentor (or a mentor's mentees) as a card, and
what starts from it: messages through the bot, contacts by mutual consent, ending with a reason,
blocking, and reports with optional details. Each press is one use case of bot.mentorship.flow.
"""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.contact_guard.notices import HELD_BACK, SHARE_INSTEAD
from bot.context import Context
from bot.i18n import N_
from bot.limits.rules import SLOW_DOWN
from bot.mentorship import flow, notices
from bot.mentorship.flow import Relay
from bot.mentorship.rules import (
    END_LABELS,
    RELAY_MAX,
    REPORT_LABELS,
    EndReason,
    Refusal,
    Refused,
    ReportReason,
    Status,
)
from bot.mentorship.store.rows import Mentorship
from bot.telegram import conversations, ui
from bot.telegram.mentoring import is_minor, name_of, refusal_text

# The typed-text steps: a message for the other side, and the details of a report just made.
CONVERSATION = "ship"
RELAY = "relay"  # about: the mentorship
DETAILS = "details"  # about: the report


async def show(update: Update, context: Context) -> None:
    services, t = context.services, context.t
    user_id = update.effective_user.id
    message = update.effective_message
    current = await services.mentorships.current(user_id)
    for m in current:
        text, markup = await card(context, user_id, m)
        await message.reply_text(text, reply_markup=markup)
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


async def card(context: Context, viewer: int, m: Mentorship):
    services = context.services
    other_name = await services.users.display_name(m.other(viewer))
    shown = notices.card(m, viewer, other_name, minor=await is_minor(services, m.mentee_id))
    return ui.text(context, *shown.lines), ui.buttons(context, shown.buttons)


async def on_show(update: Update, context: Context, m: Mentorship, _: str) -> None:
    await update.callback_query.answer()
    await refresh(update, context, m)


async def refresh(update: Update, context: Context, m: Mentorship) -> None:
    """Show the mentorship card again in the message she pressed on."""
    text, markup = await card(context, update.callback_query.from_user.id, m)
    await ui.settle(update.callback_query, text, markup)


async def on_share(update: Update, context: Context, m: Mentorship, _: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    shared = await flow.share(services, m.id, query.from_user.id, services.clock.now())
    if shared.slow:
        await query.answer(t(SLOW_DOWN), show_alert=True)
        return
    if shared.both:
        await query.answer(t("Contacts exchanged ✓"))
    else:
        await query.answer(
            t("Done: I'll share your contact as soon as {name} agrees too.").format(name=shared.other_name)
        )
    await services.sender.send(shared.notices)
    await refresh(update, context, shared.mentorship)


async def on_end(update: Update, context: Context, m: Mentorship, _: str) -> None:
    await update.callback_query.answer()
    reasons = ui.buttons(context, notices.reasons(m, "endr", END_LABELS))
    await ui.edit(update.callback_query, context.t("Why would you like to end the mentorship?"), reasons)


@ui.coded(EndReason)
async def on_end_reason(update: Update, context: Context, m: Mentorship, reason: EndReason) -> None:
    services, t, query = context.services, context.t, update.callback_query
    done = await flow.end(services, m.id, query.from_user.id, reason, services.clock.now())
    await query.answer(t("Ended ✓"))
    await services.sender.send(done.notices)  # first: a failed edit must not cost it
    thanks = t("Your mentorship with {name} has ended. Thank you for the time you gave each other. 💛")
    await ui.settle(query, thanks.format(name=html.escape(done.other_name)))


async def on_block(update: Update, context: Context, m: Mentorship, _: str) -> None:
    await update.callback_query.answer()
    other_name = await context.services.users.display_name(m.other(update.callback_query.from_user.id))
    question = notices.block_question(m, other_name)
    await ui.edit(update.callback_query, ui.text(context, *question.lines), ui.buttons(context, question.buttons))


async def on_block_confirmed(update: Update, context: Context, m: Mentorship, _: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    done = await flow.block(services, m.id, query.from_user.id, services.clock.now())
    await query.answer(t("Blocked ✓"))
    await services.sender.send(done.notices)  # first: a failed edit must not cost it
    blocked = t("Blocked. Your mentorship with {name} has ended, and you won't be matched again.")
    await ui.settle(query, blocked.format(name=html.escape(done.other_name)))


async def on_report(update: Update, context: Context, m: Mentorship, _: str) -> None:
    t = context.t
    await update.callback_query.answer()
    await ui.edit(
        update.callback_query,
        t("What happened? Choose what fits best. The mentorship is paused at once and the programme team is told."),
        ui.buttons(context, notices.reasons(m, "rep", REPORT_LABELS)),
    )


@ui.coded(ReportReason)
async def on_report_reason(update: Update, context: Context, m: Mentorship, reason: ReportReason) -> object:
    services, t, query = context.services, context.t, update.callback_query
    reported = await flow.report(services, m.id, query.from_user.id, reason, services.clock.now())
    await query.answer(t("Reported ✓"))
    state = await conversations.enter(update, context, CONVERSATION, DETAILS, reported.report.id)
    await services.sender.send(reported.notices)  # first: a failed edit must not cost the admins' alert
    thanks = t(
        "Thank you for telling us. 💛 The mentorship is paused, and the programme team "
        "will contact you soon. If you want to add details, type them now; or send /cancel."
    )
    await ui.settle(query, thanks)
    return state


@ui.text_step(
    CONVERSATION, DETAILS, limit=RELAY_MAX, not_text=N_("I can only take text here. Please type the details.")
)
async def read_details(update: Update, context: Context, report_id: str, text: str) -> object:
    services = context.services
    await services.sender.send(await flow.add_details(services, int(report_id), update.effective_user.id, text))
    await update.effective_message.reply_text(context.t("Added to your report. Thank you. 💛"))
    return conversations.END


async def on_message(update: Update, context: Context, m: Mentorship, _: str) -> object:
    t, query = context.t, update.callback_query
    if m.status != Status.ACTIVE:
        raise Refused(Refusal.NOT_ACTIVE)
    await query.answer()
    state = await conversations.enter(update, context, CONVERSATION, RELAY, m.id)
    name = html.escape(await context.services.users.display_name(m.other(query.from_user.id)))
    await query.message.reply_text(
        t("Type your message for {name} and I'll pass it on. /cancel if you change your mind.").format(name=name)
    )
    return state


@ui.text_step(
    CONVERSATION, RELAY, limit=RELAY_MAX, not_text=N_("I can only pass on text messages. Please type your message.")
)
async def read_message(update: Update, context: Context, mentorship_id: str, text: str) -> object:
    services, t, message = context.services, context.t, update.effective_message
    try:
        relayed = await flow.relay(services, int(mentorship_id), update.effective_user.id, text, services.clock.now())
    except Refused as refused:
        await message.reply_text(refusal_text(t, refused.code))
        return conversations.END
    if relayed.outcome is not Relay.SENT:  # she may type it again
        state = await conversations.enter(update, context, CONVERSATION, RELAY, mentorship_id)
        why = {Relay.SLOW: SLOW_DOWN, Relay.SHARE: SHARE_INSTEAD, Relay.HOLD: HELD_BACK}[relayed.outcome]
        await message.reply_text(t(why))
        await services.sender.send(relayed.notices)
        return state
    first, *_ = await services.sender.send(relayed.notices)
    if first is None:
        name = html.escape(await services.users.display_name(relayed.message.recipient_id))
        await message.reply_text(t("I could not deliver it: {name} may have stopped the bot.").format(name=name))
        return conversations.END
    await services.relay.mark_delivered(relayed.message.id)
    await message.reply_text(t("Sent ✓"))
    return conversations.END


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
# Every press names a mentorship; only its two people get further (forged presses too).
on_button = ui.by_id(
    ACTIONS,
    Refused,
    lambda context, code: refusal_text(context.t, code),
    load=lambda context, mentorship_id, user_id: context.services.mentorships.party_of(mentorship_id, user_id),
)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("mentorship", show))
    ui.add_area(
        app,
        "ship",
        on_button,
        conversation=CONVERSATION,
        starts=["msg", "rep"],
        states={RELAY: (read_message, "msg", "rep"), DETAILS: (read_details, "msg", "rep")},
    )
