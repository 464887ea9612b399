"""The `req` area: the mentor's answers to a request (accept, decline with a reason, a question
first) and the mentee's (her answer, withdraw, block, report); the typed question and answer
are a conversation.
"""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application

from bot.callbacks import cb
from bot.context import Context
from bot.i18n import N_
from bot.matching import flow, notices
from bot.mentorship.rules import NOTE_MAX, REPORT_LABELS, DeclineReason, Refusal, Refused, ReportReason
from bot.notices import Button, Msg
from bot.telegram import conversations, ui
from bot.telegram.mentoring import refusal_text

# The conversation: Ask a question (req:ask) waits for the mentor's QUESTION; the mentee's
# Answer button under it (req:ans) waits for her ANSWER.
CONVERSATION = "request"
QUESTION = "question"
ANSWER = "answer"

# Refusals after which the request's buttons are of no more use to the mentor.
SETTLED = (Refusal.ANSWERED, Refusal.EXPIRED, Refusal.MENTEE_TAKEN)


async def drop_settled(update: Update, context: Context, request_id: int, code: Refusal) -> None:
    """A request already settled: its buttons are of no more use to the mentor."""
    query = update.callback_query
    if code in SETTLED and query.message is not None:
        request = await context.services.requests.get_request(request_id)
        if request is not None and query.from_user.id == request.mentor_id:
            await ui.drop_buttons(query)


async def close_card(update: Update, context: Context, done: flow.Done) -> None:
    """The other people are told first; then the card shows what happened, without its buttons
    (a failed edit must not cost them their notices)."""
    await context.services.sender.send(done.notices)
    query = update.callback_query
    verdict = ui.text(context, *done.reply)
    await ui.settle(query, f"{query.message.text_html}\n\n<b>{verdict}</b>")


async def on_accept(update: Update, context: Context, request_id: int, _: str) -> None:
    services, query = context.services, update.callback_query
    done = await flow.accept(services, request_id, query.from_user.id, services.clock.now())
    await query.answer(context.t(notices.ACCEPTED))
    await close_card(update, context, done)


async def on_decline(update: Update, context: Context, request_id: int, _: str) -> None:
    services, query = context.services, update.callback_query
    await flow.answerable(services, request_id, query.from_user.id, services.clock.now())
    await query.answer(context.t("Why can't you take her? She will be told kindly."))
    await query.edit_message_reply_markup(ui.buttons(context, notices.decline_buttons(request_id)))


async def on_back(update: Update, context: Context, request_id: int, _: str) -> None:
    services, query = context.services, update.callback_query
    await flow.answerable(services, request_id, query.from_user.id, services.clock.now())
    await query.answer()
    await query.edit_message_reply_markup(ui.buttons(context, notices.request_buttons(request_id)))


@ui.coded(DeclineReason)
async def on_decline_reason(update: Update, context: Context, request_id: int, reason: DeclineReason) -> None:
    services, query = context.services, update.callback_query
    done = await flow.decline(services, request_id, query.from_user.id, reason, services.clock.now())
    await query.answer(context.t("Declined"))
    await close_card(update, context, done)


async def on_ask(update: Update, context: Context, request_id: int, _: str) -> object:
    services, query = context.services, update.callback_query
    request = await flow.answerable(services, request_id, query.from_user.id, services.clock.now())
    await query.answer()
    state = await conversations.enter(update, context, CONVERSATION, QUESTION, request_id)
    name = await flow.name(services, request.mentee_id)
    ask = N_(
        "Type your question for {name}. I'll pass it on and bring you her answer. /cancel if you change your mind."
    )
    await query.message.reply_text(ui.text(context, Msg(ask, name=name)))
    return state


async def on_answer_button(update: Update, context: Context, request_id: int, _: str) -> object:
    """The mentee's Answer button under the mentor's question."""
    services, query = context.services, update.callback_query
    request = await flow.mentee_side(services, request_id, query.from_user.id)
    await query.answer()
    state = await conversations.enter(update, context, CONVERSATION, ANSWER, request_id)
    name = await flow.name(services, request.mentor_id)
    await query.message.reply_text(ui.text(context, Msg(N_("Type your answer for {name}."), name=name)))
    return state


async def typed(update: Update, context: Context, state: str, about: str, done) -> object:
    """After her question or answer: held back (she types it again), refused, or sent."""
    services, message = context.services, update.effective_message
    try:
        done = await done
    except Refused as refused:
        await message.reply_text(refusal_text(context.t, refused.code))
        return conversations.END
    await services.sender.send(done.notices)
    if done.held:
        await message.reply_text(ui.text(context, notices.held(done.held)))
        return await conversations.enter(update, context, CONVERSATION, state, about)
    await message.reply_text(ui.text(context, *done.reply))
    return conversations.END


@ui.text_step(CONVERSATION, QUESTION, limit=NOTE_MAX)
async def read_question(update: Update, context: Context, about: str, question: str) -> object:
    services = context.services
    asked = flow.ask(services, int(about), update.effective_user.id, question, services.clock.now())
    return await typed(update, context, QUESTION, about, asked)


@ui.text_step(CONVERSATION, ANSWER, limit=NOTE_MAX)
async def read_answer(update: Update, context: Context, about: str, answer: str) -> object:
    services = context.services
    answered = flow.answer(services, int(about), update.effective_user.id, answer, services.clock.now())
    return await typed(update, context, ANSWER, about, answered)


async def on_withdraw(update: Update, context: Context, request_id: int, action: str) -> None:
    services, t, query = context.services, context.t, update.callback_query
    block = action == "block"
    done = await flow.withdraw(services, request_id, query.from_user.id, services.clock.now(), block=block)
    await query.answer(t("Blocked ✓") if block else t("Withdrawn ✓"))
    await services.sender.send(done.notices)
    await ui.settle(query, ui.text(context, *done.reply))


async def on_block(update: Update, context: Context, request_id: int, _: str) -> None:
    await on_withdraw(update, context, request_id, "block")


async def on_report(update: Update, context: Context, request_id: int, _: str) -> None:
    query = update.callback_query
    await flow.mentee_side(context.services, request_id, query.from_user.id)
    await query.answer()
    rows = tuple((Button(Msg(text), cb("req", "repr", request_id, code)),) for code, text in REPORT_LABELS.items())
    what = N_("What happened? Choose what fits best. Your request is withdrawn at once and the programme team is told.")
    await ui.edit(query, ui.text(context, Msg(what)), reply_markup=ui.buttons(context, rows))


@ui.coded(ReportReason)
async def on_report_reason(update: Update, context: Context, request_id: int, reason: ReportReason) -> None:
    services, t, query = context.services, context.t, update.callback_query
    done = await flow.report(services, request_id, query.from_user.id, reason, services.clock.now())
    await query.answer(t("Reported ✓"))
    await services.sender.send(done.notices)
    await ui.settle(query, html.escape(t("Thank you for telling us. 💛 The programme team will contact you soon.")))


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
on_button = ui.by_id(ACTIONS, Refused, lambda context, code: refusal_text(context.t, code), after_refusal=drop_settled)


def register(app: Application) -> None:
    ui.add_area(
        app,
        "req",
        on_button,
        conversation=CONVERSATION,
        starts=("ask", "ans"),
        states={QUESTION: (read_question,), ANSWER: (read_answer,)},
    )
