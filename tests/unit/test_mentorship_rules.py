"""The mentorship rules and how matches are put into words, without a bot."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import translator
from bot.matching.mentor_card import last_active, reason_text
from bot.matching.rules import Reason
from bot.mentorship.rules import (
    NOTE_MAX,
    REFUSALS,
    DeclineReason,
    Refusal,
    Status,
    can_move,
    clean_message,
    parse_code,
)
from bot.notices import render_value
from bot.onboarding.rules import InvalidAnswer
from bot.telegram.mentoring import refusal_text

BISHKEK = ZoneInfo("Asia/Bishkek")


def test_only_current_mentorships_move_and_ended_ones_stay_ended():
    assert can_move(Status.ACTIVE, Status.PAUSED) and can_move(Status.PAUSED, Status.ACTIVE)
    assert can_move(Status.ACTIVE, Status.COMPLETED) and can_move(Status.PAUSED, Status.CANCELLED)
    for ended in (Status.COMPLETED, Status.CANCELLED):
        assert not any(can_move(ended, target) for target in Status)
    assert not can_move("requested", Status.ACTIVE) and not can_move(Status.ACTIVE, "nonsense")


def test_typed_text_is_cleaned_and_limited():
    assert clean_message("  Hi\u0007 there\n\n\n\nbye  ", NOTE_MAX) == "Hi there\n\nbye"
    assert clean_message("x" * NOTE_MAX, NOTE_MAX) == "x" * NOTE_MAX
    with pytest.raises(InvalidAnswer, match="too_long"):
        clean_message("x" * (NOTE_MAX + 1), NOTE_MAX)
    with pytest.raises(InvalidAnswer, match="text_empty"):
        clean_message(" \u0000 ", NOTE_MAX)


def test_forged_codes_are_not_parsed():
    assert parse_code(DeclineReason, "no_time") is DeclineReason.NO_TIME
    assert parse_code(DeclineReason, "drop_table") is None


def test_every_refusal_has_a_short_answer_in_every_language():
    assert set(REFUSALS) == set(Refusal)
    for language in ("ky", "ru", "en"):
        for code in Refusal:
            text = refusal_text(translator(language), code)
            assert 0 < len(text) <= 200  # Telegram's limit for a button's answer


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (Reason("shared_language", ("ky", "ru")), "you both speak Kyrgyz and Russian"),
        (Reason("field", ("it",)), "Software and IT"),
        (Reason("topic", ("first_job",)), "can help with: Finding a first job or internship"),
        (Reason("ahead", ("experienced",)), "further along: Experienced professional"),
        (
            Reason("availability", ("wd_evening", "weekend")),
            "free on weekday evenings and weekends",
        ),
        (Reason("region", ("osh",)), "also in Osh region"),
        (Reason("has_time", ()), "has time for a new mentee"),
        (Reason("from_the_future", ("x",)), ""),
    ],
)
def test_reasons_read_as_plain_words(reason, words):
    text = reason_text(reason)
    assert (render_value(text, translator("en"), BISHKEK) if text is not None else "") == words


def test_last_active_counts_days_in_her_time_zone():
    t = translator("en")
    now = datetime(2025, 3, 7, 12, 0, tzinfo=UTC)

    def shown(moment):
        return render_value(last_active(moment, now, BISHKEK), t, BISHKEK)

    assert shown(now - timedelta(hours=3)) == "today"
    assert shown(now - timedelta(days=1)) == "1 day ago"
    assert shown(now - timedelta(days=5)) == "5 days ago"
    assert shown(None) == "not yet"
