"""Use cases of nominations: submit one (tell the admins), decide one (tell the nominator)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.callbacks import cb
from bot.db.database import Database
from bot.domain import FIELD_LABELS, Field
from bot.i18n import N_
from bot.nominations import store
from bot.nominations.store import Nomination
from bot.notices import Button, Msg, Notice, Quote

REGION_NAMES = {
    "kyrgyzstan": N_("Kyrgyzstan"),
    "central_asia": N_("Elsewhere in Central Asia"),
    "world": N_("Elsewhere in the world"),
}


def describe(nomination: Nomination) -> tuple:
    """The nomination as lines for an admin: every value is her text, escaped when rendered."""
    field = Msg(FIELD_LABELS[Field(nomination.field)]) if nomination.field in Field._value2member_map_ else "—"
    region = Msg(REGION_NAMES[nomination.region]) if nomination.region in REGION_NAMES else "—"
    return (
        Msg(N_("<b>Nomination #{id}</b>: {name}"), id=str(nomination.id), name=nomination.name),
        Msg(N_("Field: {field}. Where: {region}."), field=field, region=region),
        Quote(nomination.why),
        Msg(N_("Link: {link}"), link=nomination.link or "—"),
    )


def admin_buttons(nomination_id: int) -> tuple:
    return (
        (
            Button(Msg(N_("Accept")), cb("nom", "ok", nomination_id), emoji="✅"),
            Button(Msg(N_("Decline")), cb("nom", "no", nomination_id)),
        ),
    )


async def submit(
    db: Database, nomination_id: int, user_id: int, link: str, language: str, admin_ids: Iterable[int]
) -> list[Notice] | None:
    """Her draft goes to the queue; each admin gets it with Accept / Decline. None if it was not her
    complete draft (a double tap, or an old button)."""
    if not await store.submit(db, nomination_id, user_id, link, language):
        return None
    nomination = await store.get(db, nomination_id)
    return [Notice(admin, describe(nomination), admin_buttons(nomination_id)) for admin in sorted(admin_ids)]


async def decide(db: Database, nomination_id: int, accepted: bool, admin_id: int, now: datetime) -> Notice | None:
    """The nominator's answer in her language; None if another admin decided first."""
    nomination = await store.decide(db, nomination_id, accepted, admin_id, now)
    if nomination is None:
        return None
    message = (
        N_("Thank you for nominating {name}! The programme team accepted it: our writers will read about her.")
        if accepted
        else N_("Thank you for nominating {name}. The programme team can't make a card about her for now.")
    )
    return Notice(nomination.user_id, (Msg(message, name=nomination.name),))
