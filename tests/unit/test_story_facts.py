"""The validator holds a card's three languages to the same numbers (years, counts, dates)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.stories.cards import check_card_text
from bot.stories.facts import numbers

CARDS = Path(__file__).resolve().parent.parent / "data" / "cards"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in April 2021 the first 50,000 doses", {2021: 1, 50_000: 1}),
        ("первые 50 тысяч доз", {50_000: 1}),
        ("алгачкы 50 миң дозасы", {50_000: 1}),
        ("50 000 доз", {50_000: 1}),
        ("3 млн человек; 2 billion people", {3_000_000: 1, 2_000_000_000: 1}),
        ("1969, 2000 and 1,600", {1969: 1, 2000: 1, 1600: 1}),
        ("2.5 km, 2,5 км", {2: 2, 5: 2}),
        ("COVID-19га, 14-й, 14th", {19: 1, 14: 2}),
        ('<a href="https://example.org/1234">a link</a> in 1918', {1918: 1}),
        ("no numbers at all", {}),
    ],
)
def test_numbers_are_read_with_their_separators_and_scale_words(text: str, expected: dict[int, int]) -> None:
    assert numbers(text) == Counter(expected)


@given(st.integers(min_value=1000, max_value=999_999))
def test_thousands_written_any_way_are_the_same_number(value: int) -> None:
    thousands, rest = divmod(value, 1000)
    ways = [f"{value:,}", f"{thousands} {rest:03d}", f"{thousands}\u00a0{rest:03d}", str(value)]
    assert {tuple(numbers(f"about {way} people").items()) for way in ways} == {((value, 1),)}


def test_the_good_test_card_passes() -> None:
    card, problems = check_card_text((CARDS / "aigul-test.toml").read_text(), "aigul-test.toml")
    assert problems == [] and card is not None and card.region == "kyrgyzstan"


def test_a_card_whose_numbers_differ_between_languages_is_refused_naming_each() -> None:
    card, problems = check_card_text((CARDS / "numbers-differ.toml").read_text(), "numbers-differ.toml")
    assert card is None
    assert [problem.message.split(" (")[0] for problem in problems] == [
        "[ru] numbers differ from [en]: lacks 3500; adds 3000",
        "[ky] numbers differ from [en]: lacks 2024; adds 2023",
    ]


def test_a_year_missing_from_a_title_in_one_language_is_refused() -> None:
    text = (CARDS / "aigul-test.toml").read_text().replace('"12 көпүрө курган инженер"', '"Көпүрө курган инженер"')
    _, problems = check_card_text(text, "aigul-test.toml")
    assert [problem.message.split(" (")[0] for problem in problems] == ["[ky] numbers differ from [en]: lacks 12"]


def test_a_portrait_needs_its_credit() -> None:
    text = (CARDS / "aigul-test.toml").read_text().replace('image = ""', 'image = "ada-lovelace.jpg"')
    _, problems = check_card_text(text, "aigul-test.toml")
    assert any("image_credit is missing" in problem.message for problem in problems)
