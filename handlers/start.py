"""First contact and the basics: /start, language, /help, /privacy, /cancel."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import parse_callback, pattern
from bot.context import Context
from bot.domain import LANGUAGE_BUTTONS, Language
from bot.i18n import SUPPORTED, Translator, translator
from bot.notices import render_text
from bot.opportunities import flow as opportunities
from bot.opportunities.flow import LINK_PREFIX as OPPORTUNITY_PREFIX
from bot.telegram import ui
from bot.telegram.menu import help_text, set_chat_menu
from bot.telegram.onboarding_view import language_keyboard, language_question, resume
from bot.telegram.send import keyboard
from bot.telegram.story_card import DEEP_LINK_PREFIX, send_card

# The pending input that keeps a shared story's slug while a new user picks her language; no
# reader takes typed text for it.
STORY_LINK = "story_link"
# The same for a shared opportunity (`/start opp_<id>`).
OPPORTUNITY_LINK = "opportunity_link"


def main_menu_text(t: Translator, name: str) -> str:
    return (
        t(
            "Hello, {name}! 🌸 I connect girls and women in STEM with mentors and share stories of women who made it."
        ).format(name=html.escape(name))
        + "\n\n"
        + t("What would you like to do? /help lists everything.")
    )


async def open_story(update: Update, context: Context, slug: str) -> bool:
    """A shared deep link (/start story_<slug>): show that card. False if there is no such card."""
    card = context.services.cards.get(slug)
    if card is None or slug in await context.services.stories.hidden_slugs():
        return False
    await send_card(context.bot, context.services, update.effective_user.id, context.t.language, card)
    return True


async def open_shared(update: Update, context: Context, payload: str) -> None:
    """`/start opp_<id>` (a shared opportunity card), or the same kept while a new user picked her language."""
    services = context.services
    raw = payload.removeprefix(OPPORTUNITY_PREFIX)
    opportunity_id = int(raw) if raw.isdigit() else 0
    notice = await opportunities.open_shared(
        services.db, update.effective_user.id, opportunity_id, services.clock.now(), bot_name=context.bot.username
    )
    text, markup = render_text(notice, context.t, context.zone), keyboard(notice, context.t, context.zone)
    await update.effective_message.reply_text(text, reply_markup=markup, disable_web_page_preview=True)


async def start(update: Update, context: Context) -> None:
    user = update.effective_user
    record = context.user_record
    payload = context.args[0] if context.args else ""
    if payload.startswith(DEEP_LINK_PREFIX) and record is not None and record.language is not None:
        # A shared story: show it first; her menu or onboarding follows as usual below.
        await open_story(update, context, payload.removeprefix(DEEP_LINK_PREFIX))
    if payload.startswith(OPPORTUNITY_PREFIX) and record is not None and record.language is not None:
        await open_shared(update, context, payload)
    if record is None or record.language is None:
        if payload.startswith(OPPORTUNITY_PREFIX):
            services = context.services
            await services.inputs.expect(user.id, OPPORTUNITY_LINK, payload, services.clock.now())
        if payload.startswith(DEEP_LINK_PREFIX):
            # Kept in the database until she has a language to read it in (set_language shows it).
            services = context.services
            await services.inputs.expect(
                user.id, STORY_LINK, payload.removeprefix(DEEP_LINK_PREFIX), services.clock.now()
            )
        await update.effective_message.reply_text(
            language_question(user.language_code),
            reply_markup=language_keyboard(user.language_code),
        )
        return
    profile = await context.services.profiles.get(user.id)
    if profile is None or profile.completed_at is None:
        await resume(update, context)
        return
    await update.effective_message.reply_text(
        main_menu_text(context.t, profile.answers.display_name or user.first_name or "")
    )


async def choose_language(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(
        language_question(update.effective_user.language_code),
        reply_markup=language_keyboard(update.effective_user.language_code),
    )


async def set_language(update: Update, context: Context) -> None:
    query = update.callback_query
    data = parse_callback(query.data)
    language = data.arg(0) if data else ""
    if language not in SUPPORTED:
        await ui.stale_button(update, context)
        return
    user = query.from_user
    previous = context.user_record.language if context.user_record is not None else None
    await context.services.users.set_language(user.id, language)
    context.user_record = await context.services.users.get(user.id)
    t = translator(language)
    await query.answer()
    await ui.edit(query, t("Language: {language} ✓").format(language=LANGUAGE_BUTTONS[Language(language)]))
    if language != previous:
        # Her chat's menu already speaks it when she only confirms the same language.
        await set_chat_menu(context.bot, user.id, language)
    pending = await context.services.inputs.peek(user.id, context.services.clock.now())
    if (
        pending is not None
        and pending.kind == STORY_LINK
        and await context.services.inputs.take(user.id, STORY_LINK, pending.ref)
    ):
        await open_story(update, context, pending.ref)
    if (
        pending is not None
        and pending.kind == OPPORTUNITY_LINK
        and await context.services.inputs.take(user.id, OPPORTUNITY_LINK, pending.ref)
    ):
        await open_shared(update, context, pending.ref)
    if previous is not None:
        await query.message.reply_text(
            t("Done! I will speak {language} with you now.").format(language=LANGUAGE_BUTTONS[Language(language)])
        )
    profile = await context.services.profiles.get(user.id)
    if profile is None or profile.completed_at is None:
        # New here, or in the middle of onboarding: the next question, now in her language.
        if profile is None:
            await query.message.reply_text(main_menu_text(t, user.first_name or ""))
        await resume(update, context)


async def show_help(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(help_text(context.t))


def privacy_text(t: Translator) -> str:
    return "\n\n".join(
        [
            t("<b>What I store and why</b>"),
            t(
                "Your Telegram id, name and language, so that I can answer you. "
                "If you fill in a profile: your age group, region, studies or work, fields and goals, "
                "so that I can find you a good mentor. Your bookings and feedback, so that the programme "
                "can count its hours of mentoring."
            ),
            t(
                "Mentors see your profile only when you send them a request. Programme admins see the "
                "numbers and safety reports. Nobody else sees your data, and it is never sold or shared."
            ),
            t("Your contacts are shared only when both sides agree, and never for girls under 18."),
            t(
                "During a mentorship I may ask a few short optional questions: at the start, after three months "
                "and at the end, how sure you feel about STEM and what you plan. Once, I also ask whether you "
                "live in a town or a village, and six questions about any difficulty seeing, hearing, walking, "
                "remembering, caring for yourself or communicating (the Washington Group questions on "
                "disability). Why: so that the programme can check it reaches girls in villages and girls with "
                "disabilities as well as everyone else. Every question can be skipped or answered «Prefer not "
                "to say», reports show only totals of 5 or more people, and /deleteme erases your answers."
            ),
            t(
                "Sometimes the programme tries two versions of something, such as how often stories come or "
                "how a reminder is worded, to learn which helps more. /mydata shows which version you get."
            ),
            t(
                "A message through the bot that carries a phone number, a username, a messenger link or an "
                "e-mail address is not passed on when a girl under 18 is on either side: it is kept for the "
                "programme team to check, and the sender is told why. Between adults I suggest Share my "
                "contact instead."
            ),
            t(
                "Mentors accept the programme's safeguarding code before they are approved; I keep which "
                "version each mentor accepted and when."
            ),
            t("/mydata sends you everything I store about you. /deleteme erases it."),
            t(
                "For everyone's safety, two things outlive /deleteme: a safety report, with the messages "
                "it rests on, is kept until the programme team closes it; and if an account was reported or "
                "suspended, a coded fingerprint of its Telegram id (not the id itself) is kept so that a "
                "suspension still holds if that account comes back. Backups keep erased data for up to 14 days."
            ),
        ]
    )


async def privacy(update: Update, context: Context) -> None:
    await update.effective_message.reply_text(privacy_text(context.t))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("language", choose_language))
    app.add_handler(CallbackQueryHandler(set_language, pattern=pattern("lang", "set")))
    app.add_handler(CommandHandler("help", show_help))
    app.add_handler(CommandHandler("privacy", privacy))
    # Ahead of every conversation but onboarding's (whose /cancel keeps her place): this one ends
    # whichever conversation waits for her, so theirs (the same function) are only a safety net.
    app.add_handler(CommandHandler("cancel", ui.stop_waiting))
