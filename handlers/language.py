"""The language question, asked in all three languages before we know hers."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import cb
from bot.domain import LANGUAGE_BUTTONS, Language
from bot.i18n import SUPPORTED, normalize_language, translator


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
