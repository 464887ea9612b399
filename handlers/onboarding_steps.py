"""One onboarding step at a time: her current profile, its question, and what each answer does."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.context import Context
from bot.domain import AgeBand, Role, Stage
from bot.experiments import flow as experiments
from bot.onboarding.rules import EDITABLE, Step, next_step, parse_step, previous_step
from bot.onboarding.store import Profile
from handlers import common, conduct, stories, vetting
from handlers.cards import show_profile_card
from handlers.onboarding_view import keyboard, question

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(days=30)
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


async def advance(context: Context, profile: Profile, **answers) -> Profile:
    """Save answers and move on.

    To the next unanswered step, or back to the summary after an edit.
    """
    services = context.services
    now = services.clock.now()
    role = answers.pop("role", None)
    if profile.editing:
        saved = await services.profiles.save(profile.user_id, now, step=profile.step, role=role, **answers)
        if saved.change_rev != profile.change_rev and saved.change_pending:
            await vetting.notify_change(context, saved)
        target = Step.DONE if saved.completed_at else Step.SUMMARY
        return await services.profiles.save(profile.user_id, now, step=target.value, editing=False)
    return await services.profiles.save(
        profile.user_id, now, step=profile.step, role=role, then=lambda saved: next_step(saved.answers).value, **answers
    )


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
            await message.reply_text(
                t(
                    "Thank you! Mentoring starts at 14, so for now I will send you stories of amazing women in STEM. "
                    "When you turn 14, you can find a mentor here too. 🌱"
                )
            )
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
        await message.reply_text(
            t(
                "I understand. Without your consent I don't keep a profile, so mentoring is not possible. "
                "If you change your mind, tap I agree above or send /start."
            )
        )
    else:
        await message.reply_text(
            t(
                "No problem: talk to your parent or guardian first. Your answers are saved; "
                "when they agree, tap the button above or send /start."
            )
        )
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
            common.language_question(context.telegram_language),
            reply_markup=common.language_keyboard(context.telegram_language),
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
        await message.reply_text(
            t(
                "Thank you! 🌷 Your profile is with the programme team for a check. "
                "I will write to you as soon as you are approved, usually within two days."
            )
        )
        await conduct.put_to(context, profile.user_id)
        await vetting.notify_admins(context, await services.profiles.get(profile.user_id))
    elif profile.answers.stories_only:
        # A running experiment on story frequency may give her another frequency than the default.
        frequency = (
            await experiments.arm_setting(services.db, profile.user_id, "story_frequency", services.clock.now())
            or stories.DEFAULT_FREQUENCY
        )
        await stories.subscribe(context, profile.user_id, frequency, stories.DEFAULT_TIME)
        if frequency == stories.DEFAULT_FREQUENCY:
            text = t(
                "All set! 🎉 I will send you a story of a woman in STEM twice a week, in the evening. "
                "/story sends one now, and /stories changes how often."
            )
        else:
            text = t("All set! 🎉 /story sends a story now, and /stories changes how often.")
            text += "\n" + stories.subscription_text(t, True, frequency, stories.DEFAULT_TIME)
        await message.reply_text(text)
    else:
        await message.reply_text(t("Your profile is ready! 🎉 Tap /mentors to see the mentors who suit you best."))
    return ConversationHandler.END
