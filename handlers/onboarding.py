"""The onboarding journey as one ConversationHandler: a state per question ("onboarding:region").

Each answer is written to the database, and her next state before its question goes out, so a
kill -9 at any step resumes her at the question she was last shown. bot.onboarding.flow decides
what an answer does; bot.telegram.onboarding_view draws the questions.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.callbacks import VERSION, parse_callback, pattern
from bot.conduct import flow as conduct
from bot.context import Context
from bot.experiments import flow as experiments
from bot.onboarding import flow
from bot.onboarding.rules import Step, parse_step
from bot.onboarding.store import Profile
from bot.stories import flow as stories_flow
from bot.stories.schedule import subscription_text
from bot.telegram import conversations, ui, vetting
from bot.telegram.onboarding_view import (
    CONVERSATION,
    END,
    current,
    keyboard,
    language_keyboard,
    language_question,
    show,
    state,
)


async def _after(message: Message, context: Context, answered: flow.Answered, *, again: bool = True) -> str | int:
    """What she is told, then the next question (edited in place), or the same one once more."""
    await context.services.sender.send(answered.notices)
    if answered.moved:
        return await show(message, context, answered.profile, edit=True)
    return await show(message, context, answered.profile) if again else state(Step(answered.profile.step))


# --- one callback per kind of answer, each called with her profile at the step it answers ---


async def on_pick(update: Update, context: Context, profile: Profile, step: Step) -> str | int:
    value = parse_callback(update.callback_query.data).arg(1)
    answered = await flow.choose(context.services.profiles, profile, step, value, context.services.clock.now())
    return await _after(update.callback_query.message, context, answered)


async def on_toggle(update: Update, context: Context, profile: Profile, step: Step) -> str:
    query = update.callback_query
    value = parse_callback(query.data).arg(1)
    profile = await flow.toggle(context.services.profiles, profile, step, value, context.services.clock.now())
    await query.edit_message_reply_markup(keyboard(context.t, step, profile))
    return state(step)


async def on_done(update: Update, context: Context, profile: Profile, step: Step) -> str | int:
    answered = await flow.done_choosing(context.services.profiles, profile, step, context.services.clock.now())
    return await _after(update.callback_query.message, context, answered, again=False)


async def on_consent(update: Update, context: Context, profile: Profile, step: Step) -> str | int:
    agreed = parse_callback(update.callback_query.data).arg(0) == "yes"
    answered = await flow.consent(context.services.profiles, profile, step, agreed, context.services.clock.now())
    return await _after(update.callback_query.message, context, answered, again=False)


async def on_typed(update: Update, context: Context, profile: Profile, step: Step) -> str | int:
    message, services = update.effective_message, context.services
    answered = await flow.type_answer(services.profiles, profile, step, message.text, services.clock.now())
    await _review_change(context, profile, answered.profile)
    if not answered.moved:
        await services.sender.send(answered.notices)
    return await show(message, context, answered.profile)


async def on_skip(update: Update, context: Context, profile: Profile, step: Step) -> str | int:
    answered = await flow.skip_link(context.services.profiles, profile, context.services.clock.now())
    await _review_change(context, profile, answered.profile)
    return await _after(update.callback_query.message, context, answered)


async def _review_change(context: Context, before: Profile, after: Profile) -> None:
    """An approved mentor's edit of what minors see goes to the admins first (F4)."""
    if after.change_pending and after.change_rev != before.change_rev:
        await vetting.notify_change(context, after)


async def on_back(update: Update, context: Context, profile: Profile, step: Step) -> str | int:
    message = update.callback_query.message
    previous = await flow.back(context.services.profiles, profile, context.services.clock.now())
    if previous is None:
        # Before the first question comes the language; the role question's state stays.
        language = context.telegram_language
        await message.edit_text(language_question(language), reply_markup=language_keyboard(language))
        return state(step)
    return await show(message, context, previous, edit=True)


async def on_change(update: Update, context: Context, profile: Profile, step: Step) -> str | int:
    chosen = parse_step(parse_callback(update.callback_query.data).arg(1))
    edited = await flow.edit(context.services.profiles, profile, chosen, context.services.clock.now())
    return await show(update.callback_query.message, context, edited or profile, edit=edited is not None)


async def on_confirm(update: Update, context: Context, profile: Profile, step: Step) -> int:
    message, services, t = update.callback_query.message, context.services, context.t
    now = services.clock.now()
    if not await flow.finish(services.profiles, profile, now):
        return END  # a double tap: the first one finished it
    await message.edit_reply_markup(None)
    if profile.role == "mentor":
        await message.reply_text(
            t(
                "Thank you! 🌷 Your profile is with the programme team for a check. "
                "I will write to you as soon as you are approved, usually within two days."
            )
        )
        await services.sender.send(await conduct.ask(services.db, profile.user_id))
        await vetting.notify_admins(context, await services.profiles.get(profile.user_id))
    elif profile.answers.stories_only:
        # A running experiment on story frequency may give her another frequency than the default.
        frequency = (
            await experiments.arm_setting(services.db, profile.user_id, "story_frequency", now)
            or stories_flow.DEFAULT_FREQUENCY
        )
        await stories_flow.subscribe(services, profile.user_id, now, frequency)
        if frequency == stories_flow.DEFAULT_FREQUENCY:
            text = t(
                "All set! 🎉 I will send you a story of a woman in STEM twice a week, in the evening. "
                "/story sends one now, and /stories changes how often."
            )
        else:
            text = t("All set! 🎉 /story sends a story now, and /stories changes how often.")
            text += "\n" + subscription_text(t, True, frequency, stories_flow.DEFAULT_TIME)
        await message.reply_text(text)
    else:
        await message.reply_text(t("Your profile is ready! 🎉 Tap /mentors to see the mentors who suit you best."))
    return END


def _at(step: Step, callback):
    """Run `callback` only while the database has her at `step`; else she is out of step."""

    async def answer(update: Update, context: Context) -> str | int:
        profile = await current(context, update.effective_user.id)
        if profile.step != step.value:
            return await out_of_step(update, context)
        if update.callback_query is not None:
            await update.callback_query.answer()
        return await callback(update, context, profile, step)

    return answer


def button(step: Step, action: str, callback) -> CallbackQueryHandler:
    return CallbackQueryHandler(_at(step, callback), pattern=f"^{VERSION}:onb:{step.value}:({action})(:|$)")


def typed(step: Step) -> MessageHandler:
    return MessageHandler(conversations.TEXT, _at(step, on_typed))


def pick(step: Step) -> list[BaseHandler]:
    return [button(step, "pick", on_pick), button(step, "back", on_back)]


def choose_some(step: Step) -> list[BaseHandler]:
    return [button(step, "tog", on_toggle), button(step, "done", on_done), button(step, "back", on_back)]


def agree(step: Step) -> list[BaseHandler]:
    return [button(step, "yes|no", on_consent), button(step, "back", on_back)]


def type_in(step: Step) -> list[BaseHandler]:
    return [typed(step), button(step, "back", on_back)]


# The transition table: which answers each question takes. Where each answer leads is her
# answers' next unanswered step (bot.onboarding.rules.next_step), or her summary after an edit.
STATES: dict[str, list[BaseHandler]] = {
    state(Step.ROLE): pick(Step.ROLE),
    state(Step.CONSENT): agree(Step.CONSENT),
    state(Step.AGE): pick(Step.AGE),
    state(Step.GUARDIAN): agree(Step.GUARDIAN),
    state(Step.NAME): type_in(Step.NAME),
    state(Step.REGION): pick(Step.REGION),
    state(Step.STAGE): pick(Step.STAGE),
    state(Step.FIELDS): choose_some(Step.FIELDS),
    state(Step.GOALS): choose_some(Step.GOALS),
    state(Step.LANGUAGES): choose_some(Step.LANGUAGES),
    state(Step.AVAILABILITY): choose_some(Step.AVAILABILITY),
    state(Step.FORMAT): pick(Step.FORMAT),
    state(Step.JOB_TITLE): type_in(Step.JOB_TITLE),
    state(Step.ORGANISATION): type_in(Step.ORGANISATION),
    state(Step.BIO): type_in(Step.BIO),
    state(Step.CAPACITY): pick(Step.CAPACITY),
    state(Step.LINK): [*type_in(Step.LINK), button(Step.LINK, "skip", on_skip)],
    state(Step.SUMMARY): [
        button(Step.SUMMARY, "edit", on_change),
        button(Step.SUMMARY, "ok", on_confirm),
        button(Step.SUMMARY, "back", on_back),
    ],
}


async def out_of_step(update: Update, context: Context) -> str | int:
    """Anything but an answer to the question she is at: an older question's button, a typed word
    where buttons are asked, a sticker where text is. Also her answer when the state she is in is
    not the database's (another wait ended this one, or an older version wrote it)."""
    profile = await current(context, update.effective_user.id)
    query, t = update.callback_query, context.t
    if profile.step == Step.DONE.value:
        if query is None:
            await ui.hint(update, context)
        elif query.data.endswith(":summary:ok"):
            await query.answer(t("Already saved ✓"))  # a double tap on Confirm
        else:
            await query.answer(t("Your profile is already saved. /profile shows it."), show_alert=True)
        return END
    step = Step(profile.step)
    for handler in STATES[state(step)]:
        if handler.check_update(update):
            return await handler.callback(update, context)
    if query is not None:
        await query.answer(t("That question is already behind us. Here is the current one."))
    elif flow.is_text_step(step):
        await update.effective_message.reply_text(t("I can only read text here: please type your answer."))
    else:
        await update.effective_message.reply_text(t("Please answer with the buttons below the question."))
    return await show(query.message if query else update.effective_message, context, profile)


async def cancel(update: Update, context: Context) -> int:
    await flow.pause(context.services.profiles, update.effective_user.id)
    await update.effective_message.reply_text(
        context.t("Paused. Your answers are saved: send /start whenever you want to continue.")
    )
    return END


def conversation() -> conversations.Conversation:
    return conversations.Conversation(
        CONVERSATION,
        # A question's button after another wait ended this one.
        entry_points=[CallbackQueryHandler(out_of_step, pattern=pattern("onb"))],
        states=STATES,
        fallbacks=[
            CommandHandler("cancel", cancel),
            CallbackQueryHandler(out_of_step, pattern=pattern("onb")),
            MessageHandler(conversations.ANYTHING, out_of_step),
        ],
    )


async def nudge_unfinished(app: Application) -> None:
    """One friendly reminder a day after she stopped, one a week after; then silence."""
    services = app.bot_data.services
    await services.sender.send(await flow.nudges(services.profiles, services.clock.now()))


def register(app: Application) -> None:
    app.add_handler(conversation())
