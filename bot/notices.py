"""What a use case tells whom, as plain data: a notice names its recipient, its lines (message ids
and values) and its buttons, and is rendered in the recipient's own language and time zone only
when it is sent. No Telegram here: use cases return notices, `bot.telegram.send` delivers them.

    Notice(mentee_id, (Msg(N_("{name} accepted your request!"), name=mentor_name),),
           buttons=((Button(Msg(N_("Message {name}"), name=mentor_name), cb("ship", "msg", 7)),),))
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import Translator


@dataclass(frozen=True)
class Msg:
    """One translatable piece: a message id and its named values.

    Values render by type: `str` is user text (escaped), `Msg` is translated too, `datetime` is
    shown in the reader's zone and format, `int`/`float` as a number in her locale, `Html` as it is.
    With `plural`, `message` is the singular, `plural` the plural, and `n` picks the form.
    """

    message: str
    plural: str | None = None
    n: int | None = None
    values: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, message: str, /, *, plural: str | None = None, n: int | None = None, **values: Any) -> None:
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "plural", plural)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "values", dict(values, **({"n": n} if n is not None else {})))


@dataclass(frozen=True)
class Html:
    """Markup that is already safe (built by the bot, never from user text)."""

    markup: str


@dataclass(frozen=True)
class Quote:
    """Her own words, shown in italics and escaped."""

    text: str


@dataclass(frozen=True)
class When:
    """A moment shown in the reader's zone: a date, a time, or both."""

    moment: datetime
    show: str = "datetime"  # "date", "time" or "datetime"


@dataclass(frozen=True)
class ZoneName:
    """The reader's own time zone, by name ("Asia/Bishkek")."""


Line = Msg | Html | Quote | When | ZoneName | str


@dataclass(frozen=True)
class Button:
    """A button: its label (a `Msg`, or plain text such as a name) and either callback data or a URL."""

    label: Msg | str
    data: str | None = None
    url: str | None = None
    emoji: str = ""


@dataclass(frozen=True)
class Document:
    """A file sent after the notice's text (a calendar file, a CSV). `content` may be a function of
    the reader's translator and zone, for a file written in her language."""

    filename: str
    content: bytes | Callable[[Translator, ZoneInfo], bytes]
    caption: Msg | None = None


@dataclass(frozen=True)
class Notice:
    """A message for one person. `lines` are joined by newlines; an empty string is a blank line."""

    to: int
    lines: tuple[Line, ...]
    buttons: tuple[tuple[Button, ...], ...] = ()
    document: Document | None = None


def render_value(value: Any, t: Translator, zone: ZoneInfo) -> str:
    if isinstance(value, Msg):
        return render_msg(value, t, zone)
    if isinstance(value, Html):
        return value.markup
    if isinstance(value, Quote):
        return f"<i>{html.escape(value.text)}</i>"
    if isinstance(value, ZoneName):
        return html.escape(zone.key)
    if isinstance(value, When):
        if value.show == "date":
            return t.date(value.moment, zone)
        if value.show == "time":
            return t.time(value.moment, zone)
        return t.datetime(value.moment, zone)
    if isinstance(value, datetime):
        return t.datetime(value, zone)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return t.number(value)
    return html.escape(str(value))


def render_msg(msg: Msg, t: Translator, zone: ZoneInfo) -> str:
    """The message translated, its user values escaped; safe Telegram HTML."""
    template = t.ngettext(msg.message, msg.plural, msg.n or 0) if msg.plural else t(msg.message)
    return template.format(**{key: render_value(value, t, zone) for key, value in msg.values.items()})


def render_line(line: Line, t: Translator, zone: ZoneInfo) -> str:
    if isinstance(line, str):
        return html.escape(line)
    return render_value(line, t, zone)


def render_text(notice: Notice, t: Translator, zone: ZoneInfo) -> str:
    return "\n".join(render_line(line, t, zone) for line in notice.lines)


def render_label(button: Button, t: Translator, zone: ZoneInfo) -> str:
    """A button's label is plain text for Telegram (no HTML), so values are not escaped here."""
    if isinstance(button.label, Msg):
        label = html.unescape(render_msg(button.label, t, zone))
    else:
        label = button.label
    return f"{button.emoji} {label}" if button.emoji else label


class Priority(IntEnum):
    """Who goes first when the bot's sending budget is short (lower first)."""

    REPLY = 0  # the answer to someone who just wrote or pressed something
    NOTICE = 1  # reminders and one-to-one notices
    BULK = 2  # broadcasts, story pushes, digests, circle fan-out
