"""Notices are data until they are sent: rendered in the reader's language and zone, user text escaped."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.i18n import translator
from bot.notices import Button, Html, Msg, Notice, Quote, When, render_label, render_text

BISHKEK = ZoneInfo("Asia/Bishkek")


def test_user_values_are_escaped_and_markup_is_kept() -> None:
    notice = Notice(1, (Msg("{name} has withdrawn her request.", name="Dana & <Co>"), Html("<b>ok</b>"), Quote("a<b")))
    text = render_text(notice, translator("en"), BISHKEK)
    assert text == "Dana &amp; &lt;Co&gt; has withdrawn her request.\n<b>ok</b>\n<i>a&lt;b</i>"


def test_the_same_notice_reads_in_each_language() -> None:
    notice = Notice(1, (Msg("{name} has withdrawn her request.", name="Aida"),))
    assert render_text(notice, translator("ru"), BISHKEK) != render_text(notice, translator("en"), BISHKEK)
    assert "Aida" in render_text(notice, translator("ky"), BISHKEK)


def test_moments_are_shown_in_the_readers_zone() -> None:
    moment = datetime(2026, 3, 7, 12, 30, tzinfo=UTC)
    notice = Notice(1, (When(moment, "time"),))
    assert render_text(notice, translator("en"), BISHKEK) == "18:30"
    assert render_text(notice, translator("en"), ZoneInfo("Europe/London")) == "12:30"


def test_button_labels_are_plain_text() -> None:
    button = Button(Msg("Message {name}", name="Dana & Co"), data="v1:ship:msg:1", emoji="✉️")
    assert render_label(button, translator("en"), BISHKEK) == "✉️ Message Dana & Co"
