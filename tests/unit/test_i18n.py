"""Catalogs are complete in ky, ru and en; plurals and dates follow each locale."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import LOCALES_DIR, SUPPORTED, translator
from bot.i18n_tools import catalog_problems, placeholders, read_catalog


@pytest.mark.parametrize("language", SUPPORTED)
def test_catalog_is_complete_and_placeholders_match(language):
    assert catalog_problems(language) == []


def test_template_is_up_to_date_with_the_code():
    """Every string the code marks is in messages.pot (run `make i18n` after adding strings)."""
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    root = LOCALES_DIR.parent
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "fresh.pot"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "extract",
                "-F",
                "babel.cfg",
                "-k",
                "N_",
                "-k",
                "t",
                "-k",
                "gettext",
                "-k",
                "ngettext:1,2",
                "--no-location",
                "-o",
                str(out),
                ".",
            ],
            cwd=root,
            check=True,
            capture_output=True,
        )
        fresh = {m.id for m in read_catalog(out) if m.id}
    shipped = {m.id for m in read_catalog(LOCALES_DIR / "messages.pot") if m.id}
    assert fresh - shipped == set(), "strings missing from locales/messages.pot: run `make i18n`"


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_translations_are_really_loaded(language):
    """A broken or missing catalog must not silently fall back to English."""
    t = translator(language)
    assert t("Please choose your language:") != "Please choose your language:"


def test_russian_plurals_have_three_forms():
    t = translator("ru")
    catalog = read_catalog(LOCALES_DIR / "ru" / "LC_MESSAGES" / "messages.po", "ru")
    assert catalog.num_plurals == 3
    plural_ids = [m.id for m in catalog if isinstance(m.id, tuple)]
    for singular, plural in plural_ids:
        forms = {t.ngettext(singular, plural, n).format(n=n) for n in (1, 2, 5)}
        assert len(forms) == 3, (singular, forms)


def test_placeholder_parser():
    assert placeholders("Hi {name}, {n:d} and {{literal}}") == {"name", "n"}


def test_dates_read_naturally_in_each_language():
    moment = datetime(2026, 3, 7, 12, 30, tzinfo=UTC)
    zone = ZoneInfo("Asia/Bishkek")
    assert translator("en").datetime(moment, zone) == "Sat, Mar 7 18:30"
    assert translator("ru").datetime(moment, zone) == "сб, 7 мар. 18:30"
    assert translator("ky").datetime(moment, zone).startswith("7-мар.")


def test_unknown_language_gets_the_default():
    assert translator("de").language == "ru"
    assert translator(None).language == "ru"


def test_no_translated_call_hides_inside_an_f_string():
    """Babel cannot see t("...") inside an f-string: such a string would never be translated."""
    import re

    pattern = re.compile(r"""f(["']).*?\{[^}]*\bt\((["'])""")
    offenders = []
    for folder in ("bot", "handlers"):
        for path in (LOCALES_DIR.parent / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(LOCALES_DIR.parent)}:{number}: {line.strip()}")
    assert offenders == []
