"""drafting.check: each typed field's good and bad values, as /opportunity_new and the admin's
edit take them."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.opportunities import drafting, editing, importing

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BISHKEK = ZoneInfo("Asia/Bishkek")


def check(step, text):
    return drafting.check(step, text, BISHKEK, NOW)


@pytest.mark.parametrize(
    ("step", "limit"),
    [(drafting.TITLE, importing.TITLE_MAX), (drafting.TEXT, importing.TEXT_MAX), (drafting.ORGANISER, 120)],
)
def test_text_fields_are_cleaned_and_limited(step, limit):
    assert check(step, "  Олимпиада\u200b по физике ") == ("Олимпиада по физике", None)
    assert check(step, "x" * limit) == ("x" * limit, None)
    value, problem = check(step, "x" * (limit + 1))
    assert value is None and problem.values["n"] == limit
    for empty in (None, "", "   "):
        assert check(step, empty)[0] is None and check(step, empty)[1] is not None


def test_link_must_be_a_web_address_and_is_kept_as_typed():
    assert check(drafting.LINK, "https://olymp.kg/Phys?x=1") == ("https://olymp.kg/Phys?x=1", None)
    for bad in ("olymp.kg", "ftp://x.kg", "", None, "javascript:alert(1)"):
        value, problem = check(drafting.LINK, bad)
        assert value is None and "web address" in problem.message


def test_deadline_in_her_zone_and_in_the_future():
    assert check(drafting.DEADLINE, "2026-03-31 18:00") == ("2026-03-31T12:00:00+00:00", None)
    assert check(drafting.DEADLINE, "2026-03-31") == ("2026-03-31T17:59:00+00:00", None)
    for past in ("2026-03-01 17:00", "2020-01-01"):
        value, problem = check(drafting.DEADLINE, past)
        assert value is None and "already passed" in problem.message
    for bad in ("31.03.2026", "tomorrow", "", None):
        value, problem = check(drafting.DEADLINE, bad)
        assert value is None and "2027-03-31" in problem.message


def test_result_date_is_a_day():
    assert check(drafting.RESULT, "2026-05-15") == ("2026-05-15", None)
    for bad in ("15 May", "2026-13-01", "", None):
        value, problem = check(drafting.RESULT, bad)
        assert value is None and problem is not None


def test_an_unknown_step_is_a_programming_error():
    with pytest.raises(ValueError):
        check("colour", "red")


def test_an_edit_checks_title_per_language_like_the_draft():
    assert editing.check("title.ru", " Новое ", BISHKEK, NOW) == ("Новое", None)
    assert editing.check("link", "nope", BISHKEK, NOW)[0] is None


def test_pressed_refuses_forged_buttons():
    assert drafting.pressed({}, "kind", "olympiad", "") == {"kind": "olympiad"}
    assert drafting.pressed({}, "kind", "party", "") is None
    assert drafting.pressed({}, "ms", "regions", "mars") is None
    assert drafting.pressed({}, "yn", "verified", "2") is None
    assert drafting.pressed({}, "yn", "women_only", "1") == {"women_only": True}
