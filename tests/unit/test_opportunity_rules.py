"""Who sees an opportunity: open, ahead of its deadline, her age band (minors only what is
explicitly open to their band), region, fields, stage, and a language she reads."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.domain import AgeBand, Field, Language, Region, Stage
from bot.opportunities.importing import check_file
from bot.opportunities.rules import Kind, Opportunity, Seeker, fits, reminder_moments, superseded

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
BISHKEK = ZoneInfo("Asia/Bishkek")


def opportunity(**changes) -> Opportunity:
    values = dict(
        id=1,
        kind=Kind.OLYMPIAD,
        titles={"ru": "Олимпиада"},
        texts={},
        link="https://example.org",
        organiser="KSTU",
        deadline_at=NOW + timedelta(days=20),
    )
    return Opportunity(**(values | changes))


def seeker(**changes) -> Seeker:
    values = dict(age_band=AgeBand.ADULT, region=Region.OSH_CITY, stage=Stage.SCHOOL, language="ru")
    return Seeker(**(values | changes))


def test_an_adult_sees_what_is_open_to_all_in_her_language():
    assert fits(seeker(), opportunity(), NOW) == "ru"


def test_past_deadline_or_closed_ones_are_not_shown():
    assert fits(seeker(), opportunity(deadline_at=NOW), NOW) is None
    assert fits(seeker(), opportunity(closed_at=NOW - timedelta(days=1)), NOW) is None


def test_region_field_and_stage_must_match_when_given():
    assert fits(seeker(), opportunity(regions=frozenset({Region.BISHKEK})), NOW) is None
    assert fits(seeker(), opportunity(regions=frozenset({Region.OSH_CITY})), NOW) == "ru"
    assert fits(seeker(), opportunity(fields=frozenset({Field.MATH})), NOW) is None
    assert fits(seeker(fields=frozenset({Field.MATH})), opportunity(fields=frozenset({Field.MATH})), NOW) == "ru"
    assert fits(seeker(), opportunity(stages=frozenset({Stage.UNIVERSITY})), NOW) is None


def test_only_in_a_language_she_reads_and_her_own_first():
    english = opportunity(titles={"en": "Olympiad"})
    assert fits(seeker(), english, NOW) is None
    assert fits(seeker(languages=frozenset({"en"})), english, NOW) == "en"
    both = opportunity(titles={"en": "Olympiad", "ky": "Олимпиада"})
    assert fits(seeker(language="ky", languages=frozenset({"en", "ky"})), both, NOW) == "ky"


bands = st.frozensets(st.sampled_from(list(AgeBand)))


@given(band=st.sampled_from([AgeBand.UNDER_14, AgeBand.TEEN, None]), open_to=bands)
def test_a_minor_sees_only_what_is_explicitly_open_to_her_band(band, open_to):
    shown = fits(seeker(age_band=band), opportunity(age_bands=open_to), NOW) is not None
    assert shown == (band is not None and band in open_to)


@given(open_to=bands)
def test_an_adult_sees_what_is_open_to_all_or_to_adults(open_to):
    shown = fits(seeker(), opportunity(age_bands=open_to), NOW) is not None
    assert shown == (not open_to or AgeBand.ADULT in open_to)


@given(days=st.floats(min_value=0, max_value=30))
def test_reminders_already_past_are_skipped(days):
    deadline = NOW + timedelta(days=days)
    moments = reminder_moments(deadline, NOW)
    assert all(due > NOW for _, due in moments)
    assert {d for d, _ in moments} == {d for d in (7, 1) if deadline - timedelta(days=d) > NOW}


def test_a_file_is_checked_row_by_row_with_every_problem_named():
    data = (
        "kind,title_ru,title_en,link,organiser,deadline,ages,regions,women_only\n"
        "olympiad,Олимпиада,,https://olymp.kg,KSTU,2027-02-01,14-17,osh_city,yes\n"
        "party,,,ftp://x,,yesterday,kids,mars,maybe\n"
        "scholarship,,Grant,https://grant.org,Fund,2027-01-01T10:00,,,no\n"
    ).encode()
    valid, problems = check_file("list.csv", data, NOW, BISHKEK)
    assert [n for n, _ in valid] == [2]
    row = valid[0][1]
    assert row["deadline_at"] == "2027-02-01T17:59:00+00:00"  # the end of the day in Bishkek
    assert row["age_bands"] == ["14-17"] and row["women_only"] is True
    named = {(p.row, p.column) for p in problems}
    assert named == {
        (3, "kind"),
        (3, "title_ky"),
        (3, "link"),
        (3, "organiser"),
        (3, "deadline"),
        (3, "ages"),
        (3, "regions"),
        (3, "women_only"),
        (4, "deadline"),
    }


def test_a_toml_file_reads_the_same_way():
    data = b"""
[[opportunity]]
kind = "school_camp"
title_ky = "Kyshky mektep"
link = "https://camp.kg"
organiser = "Camp"
deadline = 2027-03-01
ages = ["14-17", "18+"]
verified = true
"""
    valid, problems = check_file("list.toml", data, NOW, BISHKEK)
    assert problems == []
    assert valid[0][1]["age_bands"] == ["14-17", "18+"] and valid[0][1]["verified"] is True


def test_every_language_code_is_one_the_bot_knows():
    assert {lang.value for lang in Language} == {"ky", "ru", "en"}


def test_a_week_reminder_is_superseded_once_the_day_reminder_is_due_too():
    deadline = NOW + timedelta(days=3)
    assert not superseded(deadline, 7, NOW)  # only the week reminder is due
    assert superseded(deadline, 7, deadline - timedelta(hours=2))  # the bot was down: the day one says it
    assert not superseded(deadline, 1, deadline - timedelta(hours=2))
