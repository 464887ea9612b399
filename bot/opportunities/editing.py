"""An admin's change to a published opportunity (pure): which fields she can edit, her new value
checked as /opportunity_new checks it, and the opportunity as it will be once saved."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import LANGUAGE_BUTTONS, Language
from bot.i18n import N_
from bot.notices import Msg
from bot.opportunities import drafting
from bot.opportunities.rules import Opportunity

PAGE = 5
RECENT = timedelta(days=30)  # closed (or past deadline) this recently: still in the admin's list
# Fields edited by typing (title and text carry a language: "title.ru"), by picking, by Yes/No.
TYPED = (drafting.LINK, drafting.ORGANISER, drafting.DEADLINE, drafting.RESULT)
PICKED = tuple(drafting.GROUPS)
WOMEN_ONLY = "women_only"
LABELS = {
    drafting.TITLE: N_("Title ({language})"),
    drafting.TEXT: N_("Text ({language})"),
    drafting.LINK: N_("Link"),
    drafting.ORGANISER: N_("Organiser"),
    drafting.DEADLINE: N_("Deadline"),
    drafting.RESULT: N_("Result date"),
    "age_bands": N_("Ages"),
    "regions": N_("Regions"),
    "fields": N_("Fields"),
    "stages": N_("Stages"),
    WOMEN_ONLY: N_("Women only"),
}


def split(field: str) -> tuple[str, str | None]:
    step, _, language = field.partition(".")
    return step, language or None


def fields_of(opportunity: Opportunity) -> list[str]:
    """What an admin can change on it, in the order offered: title and text in each language first."""
    per_language = [f"{step}.{lang}" for lang in opportunity.titles for step in (drafting.TITLE, drafting.TEXT)]
    return [*per_language, *TYPED, *PICKED, WOMEN_ONLY]


def label(field: str) -> Msg:
    step, language = split(field)
    return Msg(LABELS[step], language=LANGUAGE_BUTTONS[Language(language)] if language else "")


def is_field(opportunity: Opportunity, field: str) -> bool:
    return field in fields_of(opportunity)


def check(field: str, text: str | None, zone: ZoneInfo, now: datetime) -> tuple[Any, Msg | None]:
    """Her typed value as it will be stored, or a word on what is wrong with it (drafting's checks)."""
    return drafting.check(split(field)[0], text, zone, now)


def current(opportunity: Opportunity, field: str) -> Any:
    """The field's value now, in the form `apply` takes."""
    step, language = split(field)
    if step == drafting.TITLE:
        return opportunity.titles.get(language, "")
    if step == drafting.TEXT:
        return opportunity.texts.get(language, "")
    if step == drafting.DEADLINE:
        return opportunity.deadline_at.isoformat()
    if step == drafting.RESULT:
        return opportunity.result_on or ""
    if step in PICKED:
        return sorted(getattr(opportunity, step))
    return getattr(opportunity, step)


def toggle(chosen: list[str], group: str, code: str) -> list[str] | None:
    """The picked codes after a press; None for a code that is not one of the group's."""
    if code not in {value.value for value in drafting.GROUPS[group]}:
        return None
    return sorted(set(chosen) ^ {code})


def apply(opportunity: Opportunity, field: str, value: Any) -> Opportunity:
    """The opportunity with the new value: the preview is the girls' card of exactly this."""
    step, language = split(field)
    if step == drafting.TITLE:
        return dataclasses.replace(opportunity, titles={**opportunity.titles, language: value})
    if step == drafting.TEXT:
        return dataclasses.replace(opportunity, texts={**opportunity.texts, language: value})
    if step == drafting.DEADLINE:
        return dataclasses.replace(opportunity, deadline_at=datetime.fromisoformat(value))
    if step == drafting.RESULT:
        return dataclasses.replace(opportunity, result_on=value or None)
    if step in PICKED:
        return dataclasses.replace(opportunity, **{step: frozenset(value)})
    if step == WOMEN_ONLY:
        return dataclasses.replace(opportunity, women_only=bool(value))
    return dataclasses.replace(opportunity, **{step: value})


def listed(opportunities: list[Opportunity], now: datetime) -> list[Opportunity]:
    """The admin's list: open ones and those closed or past deadline in the last 30 days, soonest
    deadline first."""
    shown = [o for o in opportunities if (o.closed_at or o.deadline_at) > now - RECENT]
    return sorted(shown, key=lambda o: (o.deadline_at, o.id))


def page(items: list, number: int) -> tuple[list, int, bool, bool]:
    """(the items on page `number`, clamped; the page; whether there is one before; one after)."""
    last = max(0, (len(items) - 1) // PAGE)
    number = min(max(number, 0), last)
    return items[number * PAGE : (number + 1) * PAGE], number, number > 0, number < last
