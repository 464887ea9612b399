"""What each onboarding step looks like (its question and its buttons, in her language), and putting
her at her current question: from /start, /profile and the onboarding conversation itself."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.callbacks import cb
from bot.context import Context
from bot.domain import LANGUAGE_BUTTONS, Language
from bot.i18n import SUPPORTED, Translator, normalize_language, translator
from bot.onboarding import flow
from bot.onboarding.rules import EDITABLE, KINDS, Kind, Step, applies, previous_step, progress
from bot.onboarding.store import Profile
from bot.telegram import conversations
from bot.telegram.cards import CHOICE_LABELS, EDIT_LABELS, profile_card, show_profile_card

# Region and capacity fit two to a row on a phone; long labels get a row each.
COLUMNS = {Step.REGION: 2, Step.CAPACITY: 5, Step.LANGUAGES: 3, Step.AGE: 1, Step.FORMAT: 1}


def question(t: Translator, step: Step, profile: Profile) -> str:
    a = profile.answers
    mentor = a.role == "mentor"
    texts = {
        Step.ROLE: t("What brings you here?"),
        Step.CONSENT: "\n\n".join(
            [
                t("<b>Before we start: your privacy</b>"),
                t(
                    "I keep your answers (age group, region, studies or work, interests) to find you a good match. "
                    "Mentors see your profile only when you contact them. Admins see numbers and safety reports. "
                    "Nothing is sold or shared. /mydata shows what I keep, /deleteme erases it."
                ),
                t("Do you agree that I keep your answers for the programme?"),
            ]
        ),
        Step.AGE: t("How old are you?"),
        Step.GUARDIAN: "\n\n".join(
            [
                t(
                    "You are under 18, so a parent or guardian must agree that you take part. "
                    "Please show them this chat: mentors are checked by the programme, all messages go through "
                    "the bot, "
                    "and no contacts are shared."
                ),
                t("Does your parent or guardian agree?"),
            ]
        ),
        Step.NAME: t("What should I call you? Type your name (up to 64 characters)."),
        Step.REGION: t("Where do you live?"),
        Step.STAGE: t("Where are you on your STEM path?"),
        Step.FIELDS: (t("Which fields do you work in?") if mentor else t("Which STEM fields interest you?"))
        + "\n"
        + t("Choose one or more, then tap Done."),
        Step.GOALS: (t("What can you help mentees with?") if mentor else t("What would you like help with?"))
        + "\n"
        + t("Choose one or more, then tap Done."),
        Step.LANGUAGES: t("Which languages do you speak?") + "\n" + t("Choose one or more, then tap Done."),
        Step.AVAILABILITY: t("When are you usually free?") + "\n" + t("Choose one or more, then tap Done."),
        Step.FORMAT: t("How would you like to meet?"),
        Step.JOB_TITLE: t("What is your job title? For example: software engineer."),
        Step.ORGANISATION: t("Where do you work? Type the organisation or company."),
        Step.BIO: t(
            "Tell mentees about yourself in a few sentences: your path, what you do, what you enjoy (up "
            "to 500 characters)."
        ),
        Step.CAPACITY: t("How many mentees can you guide at the same time?"),
        Step.LINK: t(
            "Your link for online meetings (Zoom, Google Meet, Jitsi), or tap Skip: I can make a new "
            "room for each session."
        ),
        Step.SUMMARY: profile_card(t, profile, t("Your profile"))
        + "\n\n"
        + t("Is everything right? Tap a button to change it, or Confirm."),
    }
    text = texts[step]
    if step is not Step.SUMMARY:
        number, total = progress(step, a)
        text = t("Step {number} of {total}").format(number=number, total=total) + "\n\n" + text
    return text


def _rows(buttons: list[InlineKeyboardButton], columns: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + columns] for i in range(0, len(buttons), columns)]


def keyboard(t: Translator, step: Step, profile: Profile) -> InlineKeyboardMarkup:
    a = profile.answers
    kind = KINDS[step]
    rows: list[list[InlineKeyboardButton]] = []
    if step is Step.SUMMARY:
        edits = [
            InlineKeyboardButton("✏️ " + t(EDIT_LABELS[s]), callback_data=cb("onb", "summary", "edit", s.value))
            for s in EDITABLE
            if applies(s, a)
        ]
        rows = _rows(edits, 2)
        rows.append([InlineKeyboardButton("✅ " + t("Confirm"), callback_data=cb("onb", "summary", "ok"))])
        return InlineKeyboardMarkup(rows)
    if kind is Kind.CHOICE:
        buttons = [
            InlineKeyboardButton(
                t(text) if step is not Step.CAPACITY else text,
                callback_data=cb("onb", step.value, "pick", code),
            )
            for code, text in CHOICE_LABELS[step].items()
        ]
        rows = _rows(buttons, COLUMNS.get(step, 1 if step is Step.ROLE else 2))
    elif kind is Kind.MULTI:
        chosen = _chosen(step, profile)
        buttons = [
            InlineKeyboardButton(
                ("✅ " if code in chosen else "") + t(text),
                callback_data=cb("onb", step.value, "tog", code),
            )
            for code, text in CHOICE_LABELS[step].items()
        ]
        rows = _rows(buttons, COLUMNS.get(step, 1 if step is Step.GOALS else 2))
        rows.append([InlineKeyboardButton(t("Done ✔️"), callback_data=cb("onb", step.value, "done"))])
    elif kind is Kind.CONSENT:
        yes = t("Yes, my parent or guardian agrees") if step is Step.GUARDIAN else t("I agree")
        no = t("Not yet") if step is Step.GUARDIAN else t("No, thanks")
        rows = [
            [InlineKeyboardButton(yes, callback_data=cb("onb", step.value, "yes"))],
            [InlineKeyboardButton(no, callback_data=cb("onb", step.value, "no"))],
        ]
    elif step is Step.LINK:
        rows = [[InlineKeyboardButton(t("Skip"), callback_data=cb("onb", step.value, "skip"))]]
    back = cb("onb", step.value, "back")
    if profile.editing:
        rows.append([InlineKeyboardButton("↩️ " + t("Back without changes"), callback_data=back)])
    elif previous_step(step, a) is not None or step is Step.ROLE:
        rows.append([InlineKeyboardButton("⬅️ " + t("Back"), callback_data=back)])
    return InlineKeyboardMarkup(rows)


def _chosen(step: Step, profile: Profile) -> frozenset[str]:
    a = profile.answers
    return {
        Step.FIELDS: a.fields,
        Step.GOALS: a.goals,
        Step.LANGUAGES: a.languages,
        Step.AVAILABILITY: a.availability,
    }[step]


CONVERSATION = "onboarding"
END = conversations.END


def state(step: Step) -> str:
    return f"{CONVERSATION}:{step.value}"


async def current(context: Context, user_id: int) -> Profile:
    return await flow.current(context.services.profiles, user_id, context.services.clock.now())


async def resume(update: Update, context: Context) -> None:
    """`/start` (or `/profile`) before she has finished: her first unanswered question."""
    profile = await current(context, update.effective_user.id)
    if profile.answers.role is not None:
        await update.effective_message.reply_text(context.t("Welcome back! Let's continue where you stopped."))
    await show(update.effective_message, context, profile)


async def show(message: Message, context: Context, profile: Profile, *, edit: bool = False) -> str | int:
    """Enter her current question's state, then ask it (editing the message with the buttons when we can)."""
    step = Step(profile.step)
    here = await conversations.enter_chat(
        context, message.chat_id, profile.user_id, CONVERSATION, END if step is Step.DONE else state(step)
    )
    if step is Step.DONE:
        # An edit from /profile is finished: back to her profile card.
        await show_profile_card(message, context, profile, edit=edit)
        return END
    text, markup = question(context.t, step, profile), keyboard(context.t, step, profile)
    if edit:
        try:
            await message.edit_text(text, reply_markup=markup)
            return here
        except BadRequest as error:
            if "not modified" in str(error):
                return here
    await message.reply_text(text, reply_markup=markup)
    return here


def language_keyboard(telegram_language: str | None) -> InlineKeyboardMarkup:
    """The three languages, each in its own words, hers first."""
    first = normalize_language(telegram_language)
    order = sorted(Language, key=lambda lang: lang != first)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(LANGUAGE_BUTTONS[lang], callback_data=cb("lang", "set", lang.value))] for lang in order]
    )


def language_question(telegram_language: str | None) -> str:
    first = normalize_language(telegram_language)
    order = sorted(SUPPORTED, key=lambda lang: lang != first)
    lines = []
    for lang in order:
        t = translator(lang)
        lines.append(t("Please choose your language:"))
    return "\n".join(lines)
