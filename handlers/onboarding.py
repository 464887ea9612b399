"""The onboarding journey: role, consent, age, profile questions and a summary, resumable.

Every answer is written to the database at once and the database decides the
current step, so a restart (even kill -9) resumes her where she was. The
persistent ConversationHandler routes her typed answers.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Message, Update
from telegram.error import BadRequest, Forbidden
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
from bot.db.profiles import Profile
from bot.domain import AgeBand, Role, Stage
from bot.i18n import translator
from bot.onboarding import (
    EDITABLE,
    KINDS,
    OPTIONS,
    InvalidAnswer,
    Kind,
    Step,
    next_step,
    parse_step,
    previous_step,
    validate_bio,
    validate_link,
    validate_name,
    validate_title,
)
from handlers import common, stories, vetting
from handlers.cards import show_profile_card
from handlers.language import language_keyboard, language_question
from handlers.onboarding_view import INVALID_TEXT, keyboard, question
from handlers.ticks import add_tick

log = logging.getLogger(__name__)

CONVERSATION = "onboarding"
STALE_AFTER = timedelta(days=30)
TEXT_STEPS = {step for step, kind in KINDS.items() if kind is Kind.TEXT}
MULTI_COLUMNS = {Step.FIELDS: "fields", Step.GOALS: "goals", Step.LANGUAGES: "languages", Step.AVAILABILITY: "availability"}
CHOICE_COLUMNS = {Step.REGION: "region", Step.STAGE: "stage", Step.FORMAT: "meeting_format"}


async def current_profile(context: Context, user_id: int) -> Profile:
    """Her profile, started if new and started afresh if abandoned for 30 days."""
    services = context.services
    now = services.clock.now()
    profile = await services.profiles.get(user_id)
    if profile is None:
        return await services.profiles.start(user_id, now, Step.ROLE.value)
    if profile.completed_at is None and now - profile.updated_at > STALE_AFTER:
        log.info("onboarding of %s expired; starting again", user_id)
        return await services.profiles.restart(user_id, now, Step.ROLE.value)
    return profile


async def show(message: Message, context: Context, profile: Profile, *, edit: bool = False) -> str | int:
    """Ask her current question (editing the message with the buttons when we can)."""
    step = Step(profile.step)
    if step is Step.DONE:
        # An edit from /profile is finished: back to her profile card.
        await show_profile_card(message, context, profile, edit=edit)
        return ConversationHandler.END
    text, markup = question(context.t, step, profile), keyboard(context.t, step, profile)
    if edit:
        try:
            await message.edit_text(text, reply_markup=markup)
            return step.value
        except BadRequest as error:
            if "not modified" in str(error):
                return step.value
    await message.reply_text(text, reply_markup=markup)
    return step.value


async def resume(update: Update, context: Context) -> str:
    """`/start` for someone who has not finished: continue at the first unanswered step."""
    profile = await current_profile(context, update.effective_user.id)
    if profile.answers.role is not None:
        await update.effective_message.reply_text(context.t("Welcome back! Let's continue where you stopped."))
    return await show(update.effective_message, context, profile)


async def advance(context: Context, profile: Profile, **answers) -> Profile:
    """Save answers and move on: to the next unanswered step, or back to the summary after an edit."""
    services = context.services
    now = services.clock.now()
    role = answers.pop("role", None)
    saved = await services.profiles.save(profile.user_id, now, step=profile.step, role=role, **answers)
    if profile.editing:
        target = Step.DONE if saved.completed_at else Step.SUMMARY
        return await services.profiles.save(profile.user_id, now, step=target.value, editing=False)
    return await services.profiles.save(profile.user_id, now, step=next_step(saved.answers).value)


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
            profile.user_id, context.services.clock.now(), step=step.value, **{MULTI_COLUMNS[step]: chosen}
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


async def on_choice(message: Message, context: Context, profile: Profile, step: Step, value: str) -> str:
    t = context.t
    a = profile.answers
    if step is Step.ROLE:
        if value == Role.MENTOR and a.age_band in (AgeBand.TEEN, AgeBand.UNDER_14):
            await message.reply_text(t("Mentors are adults, 18 or older. You can find a mentor for yourself instead!"))
            return await show(message, context, profile)
        profile = await advance(context, profile, role=value)
    elif step is Step.AGE:
        answers: dict = {"age_band": value, "is_minor": value != AgeBand.ADULT}
        if value == AgeBand.UNDER_14:
            answers |= {"role": Role.SUBSCRIBER.value, "stage": Stage.SCHOOL.value}
            await message.reply_text(t(
                "Thank you! Mentoring starts at 14, so for now I will send you stories of amazing women in STEM. "
                "When you turn 14, you can find a mentor here too. 🌱"
            ))
        elif value == AgeBand.TEEN and a.role == Role.MENTOR:
            answers["role"] = Role.MENTEE.value
            await message.reply_text(t("Mentors are adults, 18 or older, so I have set you up to find a mentor. 🌟"))
        if value == AgeBand.ADULT:
            answers["guardian_consent_at"] = None
        profile = await advance(context, profile, **answers)
    elif step is Step.CAPACITY:
        profile = await advance(context, profile, capacity=int(value))
    else:
        profile = await advance(context, profile, **{CHOICE_COLUMNS[step]: value})
    return await show(message, context, profile, edit=True)


async def on_consent(message: Message, context: Context, profile: Profile, step: Step, *, agreed: bool) -> str:
    t = context.t
    now = context.services.clock.now()
    if agreed:
        column = "consent_at" if step is Step.CONSENT else "guardian_consent_at"
        profile = await advance(context, profile, **{column: now.isoformat(timespec="seconds")})
        return await show(message, context, profile, edit=True)
    if step is Step.CONSENT:
        await message.reply_text(t(
            "I understand. Without your consent I don't keep a profile, so mentoring is not possible. "
            "If you change your mind, tap I agree above or send /start."
        ))
    else:
        await message.reply_text(t(
            "No problem: talk to your parent or guardian first. Your answers are saved; "
            "when they agree, tap the button above or send /start."
        ))
    return step.value


async def go_back(message: Message, context: Context, profile: Profile) -> str:
    services = context.services
    now = services.clock.now()
    step = Step(profile.step)
    if profile.editing:
        target = Step.DONE if profile.completed_at else Step.SUMMARY
        profile = await services.profiles.save(profile.user_id, now, step=target.value, editing=False)
        return await show(message, context, profile, edit=True)
    previous = previous_step(step, profile.answers)
    if previous is None:
        # Before the first question comes the language.
        await message.edit_text(
            language_question(context.telegram_language), reply_markup=language_keyboard(context.telegram_language)
        )
        return step.value
    profile = await services.profiles.save(profile.user_id, now, step=previous.value)
    return await show(message, context, profile, edit=True)


async def on_summary(update: Update, context: Context, profile: Profile, action: str, value: str) -> str | int:
    message = update.callback_query.message
    services = context.services
    if action == "edit" and parse_step(value) in EDITABLE:
        profile = await services.profiles.save(profile.user_id, services.clock.now(), step=value, editing=True)
        return await show(message, context, profile, edit=True)
    if action != "ok":
        return await show(message, context, profile)
    mentor = profile.role == Role.MENTOR
    if not await services.profiles.complete(profile.user_id, services.clock.now(), mentor=mentor):
        return ConversationHandler.END  # a double tap: the first one finished it
    t = context.t
    await message.edit_reply_markup(None)
    if mentor:
        await message.reply_text(t(
            "Thank you! 🌷 Your profile is with the programme team for a check. "
            "I will write to you as soon as you are approved, usually within two days."
        ))
        await vetting.notify_admins(context, await services.profiles.get(profile.user_id))
    elif profile.answers.stories_only:
        await stories.subscribe(context, profile.user_id, stories.DEFAULT_FREQUENCY, stories.DEFAULT_TIME)
        await message.reply_text(t(
            "All set! 🎉 I will send you a story of a woman in STEM twice a week, in the evening. "
            "/story sends one now, and /stories changes how often."
        ))
    else:
        await message.reply_text(t("Your profile is ready! 🎉 Tap /mentors to see the mentors who suit you best."))
    return ConversationHandler.END


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
    validate = {Step.NAME: validate_name, Step.JOB_TITLE: validate_title, Step.ORGANISATION: validate_title,
                Step.BIO: validate_bio, Step.LINK: validate_link}[step]
    column = {Step.NAME: "display_name", Step.JOB_TITLE: "job_title", Step.ORGANISATION: "organisation",
              Step.BIO: "bio", Step.LINK: "meeting_link"}[step]
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
    """Text outside the conversation that answers her onboarding question (its state was lost in a crash)."""
    message = update.effective_message
    if message is None or message.text is None or message.text.startswith("/"):
        return False
    profile = await context.services.profiles.get(update.effective_user.id)
    if profile and not profile.paused and profile.step in {s.value for s in TEXT_STEPS}:
        await on_text(update, context)
        return True
    return False


def conversation() -> ConversationHandler:
    step_handlers = [
        CallbackQueryHandler(on_button, pattern=pattern("onb")),
        MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, on_text),
        MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED & ~filters.StatusUpdate.ALL, on_other),
    ]
    return ConversationHandler(
        name=CONVERSATION,
        persistent=True,
        entry_points=[CallbackQueryHandler(on_button, pattern=pattern("onb"))],
        # Every step takes the same handlers: the database says which step she is on.
        states={step.value: step_handlers for step in Step if step is not Step.DONE},
        fallbacks=[CommandHandler("cancel", cancel)],
        allow_reentry=True,
    )


NUDGE_AFTER = [timedelta(hours=24), timedelta(days=7)]


async def nudge_unfinished(app: Application) -> None:
    """One friendly reminder a day after she stopped, one a week after; then silence."""
    services = app.bot_data.services
    for user_id, number in await services.profiles.due_for_nudge(services.clock.now(), NUDGE_AFTER):
        if not await services.profiles.claim_nudge(user_id, number):
            continue  # another run took it
        record = await services.users.get(user_id)
        t = translator(record.language if record else None)
        text = (
            t("Hi! 🌸 Your profile is almost ready: just a few questions left. Send /start to continue.")
            if number == 1
            else t("We still keep your place in the programme. Whenever you are ready, send /start: it takes a few minutes.")
        )
        try:
            await app.bot.send_message(user_id, text)
        except Forbidden:
            await services.users.mark_blocked(user_id, services.clock.now())


def register(app: Application) -> None:
    app.add_handler(conversation())
    add_tick(app, "onboarding nudges", nudge_unfinished)
