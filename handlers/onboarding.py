"""The onboarding journey: role, consent, age, profile questions and a summary, resumable.

Every answer is written to the database at once and the database decides the
current step, so a restart (even kill -9) resumes her where she was. The
persistent ConversationHandler routes her typed answers; handlers.onboarding_steps
says what each answer does.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import parse_callback, pattern
from bot.context import Context
from bot.i18n import N_
from bot.notices import Msg, Notice
from bot.onboarding.rules import (
    KINDS,
    OPTIONS,
    InvalidAnswer,
    Kind,
    Step,
    parse_step,
    validate_bio,
    validate_link,
    validate_name,
    validate_title,
)
from bot.telegram import conversations
from handlers import common
from handlers.onboarding_steps import (
    advance,
    current_profile,
    go_back,
    on_choice,
    on_consent,
    on_summary,
    show,
)
from handlers.onboarding_view import INVALID_TEXT, keyboard

CONVERSATION = "onboarding"
TEXT_STEPS = {step for step, kind in KINDS.items() if kind is Kind.TEXT}
MULTI_COLUMNS = {
    Step.FIELDS: "fields",
    Step.GOALS: "goals",
    Step.LANGUAGES: "languages",
    Step.AVAILABILITY: "availability",
}


async def resume(update: Update, context: Context) -> str:
    """`/start` for someone who has not finished: continue at the first unanswered step."""
    profile = await current_profile(context, update.effective_user.id)
    if profile.answers.role is not None:
        await update.effective_message.reply_text(context.t("Welcome back! Let's continue where you stopped."))
    return await show(update.effective_message, context, profile)


async def on_button(update: Update, context: Context) -> str | int:
    query = update.callback_query
    data = parse_callback(query.data)
    profile = await current_profile(context, query.from_user.id)
    step, action, value = parse_step(data.action), data.arg(0), data.arg(1)
    if profile.step == Step.DONE.value:
        if step is Step.SUMMARY and action == "ok":
            await query.answer(context.t("Already saved ✓"))  # a double tap on Confirm
        else:
            await query.answer(context.t("Your profile is already saved. /profile shows it."), show_alert=True)
        return ConversationHandler.END
    if step is None or step.value != profile.step:
        await query.answer(context.t("That question is already behind us. Here is the current one."))
        return await show(query.message, context, profile)
    await query.answer()
    if action == "back":
        return await go_back(query.message, context, profile)
    if step is Step.SUMMARY:
        return await on_summary(update, context, profile, action, value)
    kind = KINDS[step]
    if kind is Kind.CONSENT:
        return await on_consent(query.message, context, profile, step, agreed=action == "yes")
    if kind is Kind.MULTI and action == "tog" and value in OPTIONS[step]:
        chosen = set(getattr(profile.answers, MULTI_COLUMNS[step]))
        chosen ^= {value}
        profile = await context.services.profiles.save(
            profile.user_id,
            context.services.clock.now(),
            step=step.value,
            **{MULTI_COLUMNS[step]: chosen},
        )
        await query.edit_message_reply_markup(keyboard(context.t, step, profile))
        return step.value
    if kind is Kind.MULTI and action == "done":
        if not getattr(profile.answers, MULTI_COLUMNS[step]):
            await query.message.reply_text(context.t("Please choose at least one, then tap Done."))
            return step.value
        return await show(query.message, context, await advance(context, profile), edit=True)
    if step is Step.LINK and action == "skip":
        profile = await advance(context, profile, meeting_link=None, link_answered=True)
        return await show(query.message, context, profile, edit=True)
    if kind is Kind.CHOICE and action == "pick" and value in OPTIONS[step]:
        return await on_choice(query.message, context, profile, step, value)
    return await show(query.message, context, profile)


async def on_text(update: Update, context: Context) -> str | int:
    message = update.effective_message
    profile = await current_profile(context, update.effective_user.id)
    if profile.step == Step.DONE.value:
        await common.hint(update, context)
        return ConversationHandler.END
    step = Step(profile.step)
    if step not in TEXT_STEPS:
        await message.reply_text(context.t("Please answer with the buttons below the question."))
        return await show(message, context, profile)
    validate = {
        Step.NAME: validate_name,
        Step.JOB_TITLE: validate_title,
        Step.ORGANISATION: validate_title,
        Step.BIO: validate_bio,
        Step.LINK: validate_link,
    }[step]
    column = {
        Step.NAME: "display_name",
        Step.JOB_TITLE: "job_title",
        Step.ORGANISATION: "organisation",
        Step.BIO: "bio",
        Step.LINK: "meeting_link",
    }[step]
    try:
        value = validate(message.text or "")
    except InvalidAnswer as error:
        await message.reply_text(context.t(INVALID_TEXT[error.code]))
        return await show(message, context, profile)
    extra = {"link_answered": True} if step is Step.LINK else {}
    profile = await advance(context, profile, **{column: value}, **extra)
    return await show(message, context, profile)


async def on_other(update: Update, context: Context) -> str | int:
    """A sticker, photo or voice where we wait for an answer."""
    profile = await current_profile(context, update.effective_user.id)
    if profile.step == Step.DONE.value:
        await common.hint(update, context)
        return ConversationHandler.END
    step = Step(profile.step)
    if step in TEXT_STEPS:
        await update.effective_message.reply_text(context.t("I can only read text here: please type your answer."))
    else:
        await update.effective_message.reply_text(context.t("Please answer with the buttons below the question."))
    return await show(update.effective_message, context, profile)


async def cancel(update: Update, context: Context) -> int:
    await context.services.profiles.pause(update.effective_user.id)
    await update.effective_message.reply_text(
        context.t("Paused. Your answers are saved: send /start whenever you want to continue.")
    )
    return ConversationHandler.END


async def take_orphan(update: Update, context: Context) -> bool:
    """Text outside the conversation that answers her onboarding question.

    Its state was lost in a crash.
    """
    message = update.effective_message
    if message is None or message.text is None or message.text.startswith("/"):
        return False
    profile = await context.services.profiles.get(update.effective_user.id)
    if profile and not profile.paused and profile.step in {s.value for s in TEXT_STEPS}:
        await on_text(update, context)
        return True
    return False


def conversation() -> conversations.Conversation:
    step_handlers = [
        CallbackQueryHandler(on_button, pattern=pattern("onb")),
        MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, on_text),
        MessageHandler(
            ~filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED & ~filters.StatusUpdate.ALL,
            on_other,
        ),
    ]
    return conversations.Conversation(
        CONVERSATION,
        entry_points=[CallbackQueryHandler(on_button, pattern=pattern("onb"))],
        # Every step takes the same handlers: the database says which step she is on.
        states={step.value: step_handlers for step in Step if step is not Step.DONE},
        fallbacks=[CommandHandler("cancel", cancel)],
    )


NUDGE_AFTER = [timedelta(hours=24), timedelta(days=7)]


async def nudge_unfinished(app: Application) -> None:
    """One friendly reminder a day after she stopped, one a week after; then silence."""
    services = app.bot_data.services
    for user_id, number in await services.profiles.due_for_nudge(services.clock.now(), NUDGE_AFTER):
        if not await services.profiles.claim_nudge(user_id, number):
            continue  # another run took it
        first = N_("Hi! 🌸 Your profile is almost ready: just a few questions left. Send /start to continue.")
        second = N_(
            "We still keep your place in the programme. Whenever you are ready, send /start: it takes a few minutes."
        )
        await services.sender.send([Notice(user_id, (Msg(first if number == 1 else second),))])


def register(app: Application) -> None:
    app.add_handler(conversation())
