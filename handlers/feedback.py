"""After a session: both are asked whether it took place, how long it lasted and how it went."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application

from bot.callbacks import cb, parse_callback
from bot.context import Context
from bot.i18n import N_, Translator
from bot.mentorship.rules import parse_code
from bot.notices import Button, Msg, Notice, When
from bot.sessions.notices import refusal
from bot.sessions.rules import COMMENT_MAX, FEEDBACK_MINUTES, RATINGS, Outcome, Refused
from bot.sessions.store.rows import People, SessionRow
from bot.telegram import conversations, ui

CONVERSATION = "feedback"
COMMENT = "comment"


def ask_feedback(session: SessionRow, viewer: int, people: People) -> Notice:
    name = people.name(session.other(viewer))
    question = N_("How was your session with {name} on {when}? Did it take place?")
    return Notice(
        viewer,
        (Msg(question, name=name, when=When(session.starts_at)),),
        tuple(
            (Button(Msg(label, name=name), cb("fb", "out", session.id, outcome)),)
            for outcome, label in Outcome.labels().items()
        ),
    )


async def ask_feedback_tick(app: Application) -> None:
    """Sessions that have ended: both are asked, once."""
    services = app.bot_data.services
    now = services.clock.now()
    for session_id in await services.feedback.due_feedback(now):
        session = await services.feedback.claim_feedback(session_id, now)
        if session is not None:
            people = await services.sessions.people(session)
            await services.sender.send(
                [ask_feedback(session, viewer, people) for viewer in (session.mentee_id, session.mentor_id)]
            )


def choice_rows(t: Translator, session_id: int, action: str, values, label) -> list[list]:
    buttons = [
        InlineKeyboardButton(label(value), callback_data=cb("fb", action, session_id, value)) for value in values
    ]
    return [buttons[i : i + 4] for i in range(0, len(buttons), 4)]


async def on_feedback(update: Update, context: Context) -> object:
    query, services, t = update.callback_query, context.services, context.t
    data = parse_callback(query.data)
    session_id = data.int_arg(0) if data else None
    if data is None or session_id is None:
        await ui.stale_button(update, context)
        return
    user_id, now, value = query.from_user.id, services.clock.now(), data.arg(1)
    try:
        if data.action == "out":
            outcome = parse_code(Outcome, value)
            if outcome is None:
                await ui.stale_button(update, context)
                return
            await services.feedback.record_outcome(session_id, user_id, outcome, now)
            if outcome != Outcome.HELD:
                await query.answer(t("Thank you for telling me. 💛"))
                await ui.edit(query, t("Thank you for telling me. 💛 /book finds a new time."))
                return
            await query.answer(t("Saved ✓"))
            await ui.edit(
                query,
                t("How long did it last?"),
                reply_markup=InlineKeyboardMarkup(
                    choice_rows(t, session_id, "min", FEEDBACK_MINUTES, lambda n: t("{n} min").format(n=n))
                ),
            )
        elif data.action == "min" and value.isdigit() and int(value) in FEEDBACK_MINUTES:
            await services.feedback.record_feedback(session_id, user_id, "minutes", int(value), now)
            await query.answer(t("Saved ✓"))
            await ui.edit(
                query,
                t("How did it go, from 1 (not well) to 5 (wonderful)?"),
                reply_markup=InlineKeyboardMarkup(choice_rows(t, session_id, "rate", RATINGS, lambda n: "⭐" * n)),
            )
        elif data.action == "rate" and value.isdigit() and int(value) in RATINGS:
            await services.feedback.record_feedback(session_id, user_id, "rating", int(value), now)
            await query.answer(t("Saved ✓"))
            ask = t("Anything you'd like to add? Type a comment, or tap Skip.")
            skip = cb("fb", "skip", session_id)
            return await ui.ask(update, context, CONVERSATION, COMMENT, session_id, ask, skip=skip)
        elif data.action == "skip":
            await services.sessions.party_of(session_id, user_id)
            # Only this comment's wait: an old Skip must not drop what she is typing now.
            await services.inputs.take(user_id, CONVERSATION, str(session_id))
            await query.answer()
            await ui.edit(query, thanks(t))
            return conversations.END
        else:
            await ui.stale_button(update, context)
    except Refused as refused:
        await query.answer(ui.text(context, refusal(refused.code)), show_alert=True)


def thanks(t: Translator) -> str:
    return t("Thank you! 💛 Your answers help the programme count its hours of mentoring.")


@ui.text_step(CONVERSATION, COMMENT, limit=COMMENT_MAX, not_text=N_("Please type your comment as text."))
async def read_comment(update: Update, context: Context, session_id: str, comment: str) -> object:
    services, user_id = context.services, update.effective_user.id
    try:
        await services.feedback.record_feedback(int(session_id), user_id, "comment", comment, services.clock.now())
    except Refused as refused:
        await update.effective_message.reply_text(ui.text(context, refusal(refused.code)))
        return conversations.END
    await update.effective_message.reply_text(thanks(context.t))
    return conversations.END


def register(app: Application) -> None:
    ui.add_area(app, "fb", on_feedback, conversation=CONVERSATION, states={COMMENT: (read_comment,)})
