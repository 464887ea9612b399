"""Translations, plurals, dates and numbers for ky, ru and en, one translator per user.

Catalogs live in locales/<lang>/LC_MESSAGES/messages.po; `make` compiles them to
.mo. A missing or stale .mo is compiled in memory from its .po, so a translator
is never silently empty.
"""

from __future__ import annotations

import gettext
import io
import logging
from datetime import datetime, tzinfo
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

log = logging.getLogger(__name__)

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
SUPPORTED = ("ky", "ru", "en")
DEFAULT_LANGUAGE = "ru"


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, at render time."""
    return message


class CatalogError(RuntimeError):
    """A catalog is missing or empty: the bot would speak the wrong language."""


def _load_catalog(language: str) -> gettext.GNUTranslations:
    base = LOCALES_DIR / language / "LC_MESSAGES"
    po_path, mo_path = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
    if mo_path.exists() and (not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime):
        with mo_path.open("rb") as fp:
            return gettext.GNUTranslations(fp)
    if not po_path.exists():
        raise CatalogError(f"no catalog for {language!r} at {po_path}")
    with po_path.open("rb") as fp:
        catalog = read_po(fp, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Everything a user reads, in her language: messages, plurals, dates, numbers."""

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self._translations = translations

    def __call__(self, message: str) -> str:
        return self._translations.gettext(message)

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Pick the plural form for n; the caller formats `{n}` (and friends) in."""
        return self._translations.ngettext(singular, plural, n)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def date(self, moment: datetime, zone: tzinfo) -> str:
        """'Sat, Mar 7' / 'сб, 7 мар.' / '7-мар., ишм.' in the reader's time zone."""
        return format_skeleton("MMMEd", moment, tzinfo=zone, locale=self.locale)

    def time(self, moment: datetime, zone: tzinfo) -> str:
        return format_skeleton("Hm", moment, tzinfo=zone, locale=self.locale)

    def datetime(self, moment: datetime, zone: tzinfo) -> str:
        return f"{self.date(moment, zone)} {self.time(moment, zone)}"


def normalize_language(code: str | None) -> str | None:
    """Map Telegram's language_code ('ru', 'en-US', 'ky') to a supported language."""
    if not code:
        return None
    short = code.split("-")[0].split("_")[0].lower()
    return short if short in SUPPORTED else None


@cache
def translator(language: str | None) -> Translator:
    """The translator for a language; unknown languages get the default one."""
    lang = language if language in SUPPORTED else DEFAULT_LANGUAGE
    return Translator(lang, _load_catalog(lang))
