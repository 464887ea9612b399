"""An admin's opportunity in the making (pure): the steps of /opportunity_new, each typed answer
checked as the file import checks it, and the finished draft as a row and as the girls' card."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import AGE_LABELS, FIELD_LABELS, REGION_LABELS, STAGE_LABELS, Language
from bot.i18n import N_
from bot.nominations.rules import clean
from bot.notices import Msg
from bot.opportunities import importing
from bot.opportunities.rules import Kind, Opportunity

# The typed steps, in order after the language buttons; title and text are asked per language.
TITLE, TEXT, LINK, ORGANISER, DEADLINE, RESULT = "title", "text", "link", "organiser", "deadline", "result"
ORGANISER_MAX = 120
# Who it is for: multi-select groups (draft key, labels), in the order asked.
GROUPS = {
    "age_bands": AGE_LABELS,
    "regions": REGION_LABELS,
    "fields": FIELD_LABELS,
    "stages": STAGE_LABELS,
}
FLAGS = ("women_only", "verified")


def check(step: str, text: str | None, zone: ZoneInfo, now: datetime) -> tuple[Any, Msg | None]:
    """Her typed answer to `step` as it will be stored, or a word on what is wrong with it."""
    if step in (TITLE, TEXT, ORGANISER):
        limit = {TITLE: importing.TITLE_MAX, TEXT: importing.TEXT_MAX, ORGANISER: ORGANISER_MAX}[step]
        value = clean(text, limit + 1)
        if not value:
            return None, Msg(N_("Please type it as text."))
        if len(value) > limit:
            return None, Msg(N_("That is longer than {n} characters. Please make it shorter."), n=limit)
        return value, None
    if step == LINK:
        value = clean(text, 500)
        if not importing._LINK.match(value):
            return None, Msg(N_("That doesn't look like a web address. Send one starting with https://"))
        return value, None
    if step == DEADLINE:
        value = importing._deadline(clean(text, 40), zone)
        if value is None:
            return None, Msg(N_("Please type a date like 2027-03-31, or a date and time like 2027-03-31 18:00."))
        if value <= now:
            return None, Msg(N_("That moment has already passed. Please type a later one."))
        return value.isoformat(), None
    if step == RESULT:
        value = importing._day(clean(text, 20))
        if not value:
            return None, Msg(N_("Please type a date like 2027-03-31, or tap Skip."))
        return value, None
    raise ValueError(step)


def next_typed(draft: dict) -> tuple[str, str | None]:
    """The typed step still to answer (and its language for a title or text); ("", None) when the
    typed part is complete."""
    for language in draft.get("languages", []):
        if language not in draft.get("titles", {}):
            return TITLE, language
        if language not in draft.get("texts", {}):
            return TEXT, language
    for step in (LINK, ORGANISER, DEADLINE):
        if not draft.get(step):
            return step, None
    return "", None


def put(draft: dict, step: str, language: str | None, value: Any) -> dict:
    changed = dict(draft)
    if step in (TITLE, TEXT):
        key = "titles" if step == TITLE else "texts"
        changed[key] = {**draft.get(key, {}), language: value}
    else:
        changed[step] = value
    return changed


def toggle(draft: dict, group: str, code: str) -> dict:
    chosen = set(draft.get(group, []))
    chosen ^= {code}
    return {**draft, group: sorted(chosen)}


def row(draft: dict) -> dict:
    """The draft as `store.add` takes it."""
    languages = [lang for lang in draft["languages"] if lang in draft.get("titles", {})]
    return {
        "kind": draft["kind"],
        "titles": {lang: draft["titles"][lang] for lang in languages},
        "texts": {lang: draft["texts"][lang] for lang in languages if draft.get("texts", {}).get(lang)},
        "link": draft["link"],
        "organiser": draft["organiser"],
        "deadline_at": draft["deadline"],
        "starts_on": None,
        "ends_on": None,
        "result_on": draft.get("result") or None,
        **{group: list(draft.get(group, [])) for group in GROUPS},
        "women_only": bool(draft.get("women_only")),
        "verified": bool(draft.get("verified")),
    }


def as_opportunity(values: dict, opportunity_id: int = 0) -> Opportunity:
    """A row (from `row`) as the card shows it: the preview is the girls' own card."""
    return Opportunity(
        id=opportunity_id,
        kind=values["kind"],
        titles=values["titles"],
        texts=values["texts"],
        link=values["link"],
        organiser=values["organiser"],
        deadline_at=datetime.fromisoformat(values["deadline_at"]),
        result_on=values["result_on"],
        **{group: frozenset(values[group]) for group in GROUPS},
        women_only=values["women_only"],
        verified=values["verified"],
    )


LANGUAGES = [language.value for language in Language]


def pressed(draft: dict, action: str, first: str, second: str) -> dict | None:
    """The draft after a button of the flow; None for a button that is not one (forged or stale)."""
    if action == "kind" and first in {kind.value for kind in Kind}:
        return {**draft, "kind": first}
    if action == "lang" and first in LANGUAGES:
        chosen = set(draft.get("languages", [])) ^ {first}
        return {**draft, "languages": [language for language in LANGUAGES if language in chosen]}
    if action in ("langok", "msok") and (action == "langok" or first in GROUPS):
        return draft
    if action == "skip":
        return {**draft, "result": ""}
    if action == "ms" and first in GROUPS and second in {code.value for code in GROUPS[first]}:
        return toggle(draft, first, second)
    if action == "yn" and first in FLAGS and second in ("0", "1"):
        return {**draft, first: second == "1"}
    return None
