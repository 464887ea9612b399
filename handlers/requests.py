"""The mentor's side of a request: accept, decline with a reason, or ask a question first (and
the mentee's answer); and who is told when she leaves the programme (/deleteme).
"""

from __future__ import annotations

import html
import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.i18n import N_
from bot.limits.rules import SLOW_DOWN
from bot.mentorship.rules import (
    DECLINE_LABELS,
    DECLINE_TOLD,
    NOTE_MAX,
    REPORT_LABELS,
    DeclineReason,
    Refusal,
    Refused,
    ReportReason,
    clean_message,
    parse_code,
)
from bot.onboarding.rules import InvalidAnswer
from bot.services import Services
from bot.telegram import ui
from bot.telegram.ui import deliver, name_of, reader_of, refusal_text, stale_button
from handlers import contact_guard, inputs
from handlers.introduction import introduce
from handlers.matching import offer_next
from handlers.request_card import mentee_keyboard, request_keyboard, send_request_card
from handlers.safety import tell_ended

log = logging.getLogger(__name__)

# Refusals after which the request's buttons are of no more use to the mentor.
SETTLED = (Refusal.ANSWERED, Refusal.EXPIRED, Refusal.MENTEE_TAKEN)


async def close_card(update: Update, verdict: str) -> None:
    """Mark the request card with what happened, and take its buttons away."""
    query = update.callback_query
    await ui.settle(query, f"{query.message.text_html}\n\n<b>{html.escape(verdict)}</b>")


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    data = parse_callback(query.data)
    request_id = data.int_arg(0) if data else None
    action = ACTIONS.get(data.action) if data else None
    if request_id is None or action is None:
        await stale_button(update, context)
        return
    try:
        await action(update, context, request_id, data.arg(1))
    except Refused as refused:
        await query.answer(refusal_text(context.t, refused.code), show_alert=True)
        if refused.code in SETTLED and query.message is not None:
            request = await context.services.requests.get_request(request_id)
            if request is not None and query.from_user.id == request.mentor_id:
                try:
                    await query.edit_message_reply_markup(None)
                except BadRequest:  # already without buttons
                    pass


async def on_accept(update: Update, context: Context, request_id: int, _: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    accepted = await services.requests.accept(request_id, query.from_user.id, services.clock.now())
    await query.answer(t("Accepted ✓"))
    await introduce(context.bot, services, accepted.mentorship)
    mentee = await name_of(services, accepted.request.mentee_id)
    for withdrawn in accepted.withdrawn:
        their_t, _ = await reader_of(services, withdrawn.mentor_id)
        await deliver(
            context.bot,
            services,
            withdrawn.mentor_id,
            their_t(
                N_("{name} has found a mentor, so her request to you is closed. Thank you for your time! 🌷")
            ).format(name=mentee),
        )
    await close_card(update, t("Accepted ✓"))  # after the notices: a failed edit must not cost them


async def on_decline(update: Update, context: Context, request_id: int, _: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    await services.requests.check_answerable(request_id, query.from_user.id, services.clock.now())
    await query.answer(t("Why can't you take her? She will be told kindly."))
    rows = [
        [InlineKeyboardButton(t(text), callback_data=cb("req", "why", request_id, code))]
        for code, text in DECLINE_LABELS.items()
    ]
    rows.append([InlineKeyboardButton("↩️ " + t("Back"), callback_data=cb("req", "back", request_id))])
    await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))


async def on_back(update: Update, context: Context, request_id: int, _: str) -> None:
    services, query = context.services, update.callback_query
    await services.requests.check_answerable(request_id, query.from_user.id, services.clock.now())
    await query.answer()
    await query.edit_message_reply_markup(request_keyboard(context.t, request_id))


async def on_decline_reason(update: Update, context: Context, request_id: int, code: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    reason = parse_code(DeclineReason, code)
    if reason is None:
        await stale_button(update, context)
        return
    request = await services.requests.decline(request_id, query.from_user.id, reason, services.clock.now())
    await query.answer(t("Declined"))
    their_t, _ = await reader_of(services, request.mentee_id)
    told = their_t(N_("{name} can't be your mentor this time: {reason}. It's not about you. 💛")).format(
        name=await name_of(services, request.mentor_id), reason=their_t(DECLINE_TOLD[reason])
    )
    await offer_next(context.bot, services, request.mentee_id, told)
    await close_card(update, t("Declined: {reason}").format(reason=t(DECLINE_LABELS[reason])))


async def on_ask(update: Update, context: Context, request_id: int, _: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    request = await services.requests.check_answerable(request_id, query.from_user.id, services.clock.now())
    await query.answer()
    await inputs.expect(context, query.from_user.id, "req_question", request_id)
    await query.message.reply_text(
        t(
            "Type your question for {name}. I'll pass it on and bring you her answer. /cancel if you change your mind."
        ).format(name=await name_of(services, request.mentee_id))
    )


async def on_answer_button(update: Update, context: Context, request_id: int, _: str) -> None:
    """The mentee's Answer button under the mentor's question."""
    services, t, query = context.services, context.t, update.callback_query
    request = await services.requests.get_request(request_id)
    if request is None or request.mentee_id != query.from_user.id:
        raise Refused(Refusal.NOT_YOURS)
    if request.status != "pending":
        raise Refused(Refusal.ANSWERED)
    await query.answer()
    await inputs.expect(context, query.from_user.id, "req_answer", request_id)
    await query.message.reply_text(
        t("Type your answer for {name}.").format(name=await name_of(services, request.mentor_id))
    )


async def typed(update: Update, context: Context, kind: str, ref: str, text: str | None) -> str | None:
    """Her typed text, cleaned; None (and she is asked again) when it can't be taken."""
    t = context.t
    try:
        if text is None:
            raise InvalidAnswer("not_text")
        return clean_message(text, NOTE_MAX)
    except InvalidAnswer as error:
        await inputs.expect(context, update.effective_user.id, kind, ref)
        await update.effective_message.reply_text(
            t("That is too long: please keep it under {n} characters.").format(n=NOTE_MAX)
            if error.code == "too_long"
            else t("Please type it as text.")
        )
        return None


@inputs.reader("req_question")
async def read_question(update: Update, context: Context, ref: str, text: str | None) -> None:
    question = await typed(update, context, "req_question", ref, text)
    if question is None:
        return
    services, t = context.services, context.t
    asked = await services.requests.get_request(int(ref))
    if asked is not None and not await contact_guard.let_through(
        update, context, source="question", recipient_id=asked.mentee_id, text=question, kind="req_question", ref=ref
    ):
        return
    try:
        request = await services.requests.ask(int(ref), update.effective_user.id, question, services.clock.now())
    except Refused as refused:
        await update.effective_message.reply_text(refusal_text(t, refused.code))
        return
    their_t, _ = await reader_of(services, request.mentee_id)
    await deliver(
        context.bot,
        services,
        request.mentee_id,
        "❓ "
        + their_t(N_("{name} has a question before answering your request:")).format(
            name=await name_of(services, request.mentor_id)
        )
        + f"\n\n<i>{html.escape(question)}</i>",
        mentee_keyboard(their_t, request.id, answer=True),
    )
    await update.effective_message.reply_text(t("Sent ✓ I'll bring you her answer."))


@inputs.reader("req_answer")
async def read_answer(update: Update, context: Context, ref: str, text: str | None) -> None:
    answer = await typed(update, context, "req_answer", ref, text)
    if answer is None:
        return
    services, t = context.services, context.t
    if not services.limits.allow("answer", update.effective_user.id, services.clock.now()):
        await update.effective_message.reply_text(t(SLOW_DOWN))
        return
    asked = await services.requests.get_request(int(ref))
    if asked is not None and not await contact_guard.let_through(
        update, context, source="answer", recipient_id=asked.mentor_id, text=answer, kind="req_answer", ref=ref
    ):
        return
    try:
        request = await services.requests.answer(int(ref), update.effective_user.id, answer, services.clock.now())
    except Refused as refused:
        await update.effective_message.reply_text(refusal_text(t, refused.code))
        return
    await send_request_card(context.bot, services, request, "answer")
    await update.effective_message.reply_text(t("Sent ✓ I'll tell you as soon as she decides."))


async def before_erase(bot: Bot, services: Services, user_id: int) -> None:
    """/deleteme is about to erase her: tell everyone who was with her or waiting on her.

    Call it before `profiles.erase` (her rows, and so her name, are gone after).
    """
    name = await name_of(services, user_id)
    for mentorship in await services.mentorships.current(user_id):
        await tell_ended(bot, services, mentorship.other(user_id), user_id, None)
    for request in await services.requests.pending_requests(mentee_id=user_id):
        t, _ = await reader_of(services, request.mentor_id)
        await deliver(
            bot,
            services,
            request.mentor_id,
            t("{name} has withdrawn her request.").format(name=name),
        )
    for request in await services.requests.pending_requests(mentor_id=user_id):
        t, _ = await reader_of(services, request.mentee_id)
        told = t("{name} has left the programme, so I've closed your request to her. 💛")
        await offer_next(bot, services, request.mentee_id, told.format(name=name))


async def on_withdraw(update: Update, context: Context, request_id: int, action: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    block = action == "block"
    request = await services.requests.withdraw(request_id, query.from_user.id, services.clock.now(), block=block)
    name = await name_of(services, request.mentor_id)
    await query.answer(t("Blocked ✓") if block else t("Withdrawn ✓"))
    await ui.edit(
        query,
        t("Blocked. {name} can't reach you through me, and you won't be matched again.").format(name=name)
        if block
        else t("Your request to {name} is withdrawn.").format(name=name),
    )
    their_t, _ = await reader_of(services, request.mentor_id)
    mentee = await name_of(services, request.mentee_id)
    await deliver(
        context.bot, services, request.mentor_id, their_t("{name} has withdrawn her request.").format(name=mentee)
    )


async def on_block(update: Update, context: Context, request_id: int, _: str) -> None:
    await on_withdraw(update, context, request_id, "block")


async def on_report(update: Update, context: Context, request_id: int, _: str) -> None:
    t, query = context.t, update.callback_query
    request = await context.services.requests.get_request(request_id)
    if request is None or request.mentee_id != query.from_user.id:
        raise Refused(Refusal.NOT_YOURS)
    await query.answer()
    rows = [
        [InlineKeyboardButton(t(text), callback_data=cb("req", "repr", request_id, code))]
        for code, text in REPORT_LABELS.items()
    ]
    await ui.edit(
        query,
        t("What happened? Choose what fits best. Your request is withdrawn at once and the programme team is told."),
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def on_report_reason(update: Update, context: Context, request_id: int, code: str) -> None:
    reason = parse_code(ReportReason, code)
    if reason is None:
        await stale_button(update, context)
        return
    services, t, query = context.services, context.t, update.callback_query
    report = await services.reports.report_request(request_id, query.from_user.id, reason, services.clock.now())
    await query.answer(t("Reported ✓"))
    await ui.edit(query, t("Thank you for telling us. 💛 The programme team will contact you soon."))
    if not services.limits.allow("report_alert", query.from_user.id, services.clock.now()):
        return  # stored; the safety queue's re-alerts bring it to admins (F13)
    messages = await services.requests.request_messages(request_id)
    for admin_id in sorted(services.settings.admin_ids):
        admin_t, _ = await reader_of(services, admin_id)
        lines = [
            "🚨 <b>" + admin_t(N_("Safety report #{id}")).format(id=report.id) + "</b>",
            admin_t(N_("A mentee reported the mentor of her pending request #{id}.")).format(id=request_id),
            admin_t(N_("From: {who}")).format(
                who=f"{await name_of(services, report.reporter_id)} · id {report.reporter_id}"
            ),
            admin_t(N_("About: {who}")).format(
                who=f"{await name_of(services, report.reported_id)} · id {report.reported_id}"
            ),
            admin_t(N_("Reason: {reason}")).format(reason=admin_t(REPORT_LABELS[reason])),
        ]
        for sender, kind, text in messages:
            mark = "❓" if kind == "question" else "·"
            lines.append(f"{mark} {await name_of(services, sender)}: {html.escape(text[:300])}")
        await deliver(context.bot, services, admin_id, "\n".join(lines))


ACTIONS = {
    "wd": on_withdraw,
    "blk": on_block,
    "rep": on_report,
    "repr": on_report_reason,
    "acc": on_accept,
    "dec": on_decline,
    "why": on_decline_reason,
    "back": on_back,
    "ask": on_ask,
    "ans": on_answer_button,
}


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("req")))
