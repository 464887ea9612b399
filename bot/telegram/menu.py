"""The command menu and /help, from one list, in the user's language."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat

from bot.i18n import N_, SUPPORTED, Translator, translator

# (command, description) in the order users see them. Journeys add theirs here.
COMMANDS: list[tuple[str, str]] = [
    ("start", N_("Main menu")),
    ("profile", N_("Your profile")),
    ("mentors", N_("Find a mentor")),
    ("mentorship", N_("Your mentorship")),
    ("sessions", N_("Your sessions")),
    ("book", N_("Book a session")),
    ("story", N_("A story of a woman in STEM")),
    ("stories", N_("How often stories come")),
    ("nominate", N_("Suggest a woman for a story")),
    ("opportunities", N_("Olympiads, schools, scholarships and more")),
    ("slots", N_("Your free time (mentors)")),
    ("timezone", N_("Your time zone")),
    ("help", N_("What I can do")),
    ("language", N_("Change the language")),
    ("privacy", N_("What I store about you and why")),
    ("mydata", N_("Everything I store about you")),
    ("deleteme", N_("Erase your data")),
    ("cancel", N_("Stop what we are doing")),
]

# The menu shown to Telegram clients whose language we don't speak.
MENU_FALLBACK_LANGUAGE = "ru"


def bot_commands(t: Translator) -> list[BotCommand]:
    return [BotCommand(name, t(description)) for name, description in COMMANDS]


def help_text(t: Translator) -> str:
    lines = [t("Here is what I can do:"), ""]
    lines += [f"/{name} — {t(description)}" for name, description in COMMANDS]
    return "\n".join(lines)


async def publish_command_menus(bot: Bot) -> None:
    """Set the command menu for each language Telegram may ask for, and a default."""
    for language in SUPPORTED:
        await bot.set_my_commands(bot_commands(translator(language)), language_code=language)
    await bot.set_my_commands(bot_commands(translator(MENU_FALLBACK_LANGUAGE)))


async def set_chat_menu(bot: Bot, chat_id: int, language: str) -> None:
    """Her own chat's menu follows the language she chose, whatever her app's language."""
    await bot.set_my_commands(bot_commands(translator(language)), scope=BotCommandScopeChat(chat_id))
