"""The use cases of /opportunity_new: an admin's draft kept at every step, previewed as the girls'
card in each language, published in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.db import Database
from bot.notices import Notice
from bot.opportunities import drafting, store
from bot.opportunities.flow import card
from bot.opportunities.rules import Seeker


async def start(db: Database, admin_id: int, now: datetime) -> None:
    async with db.transaction() as tx:
        await store.keep_draft(tx, admin_id, {}, now)


async def change(db: Database, admin_id: int, how: Callable[[dict], dict], now: datetime) -> dict | None:
    """The draft changed by `how` and kept; None when there is no draft (published or cancelled)."""
    async with db.transaction() as tx:
        data = await store.draft(tx, admin_id)
        if data is None:
            return None
        data = how(data)
        await store.keep_draft(tx, admin_id, data, now)
    return data


def previews(data: dict) -> list[tuple[str, Notice]]:
    """(language, the card as a girl reading it sees it) for each language it is offered in."""
    opportunity = drafting.as_opportunity(drafting.row(data))
    shown = []
    for language in opportunity.titles:
        seeker = Seeker(age_band=None, region=None, stage=None, language=language)
        shown.append((language, card(opportunity, seeker, language, 0, 0, False)))
    return shown


async def publish(db: Database, admin_id: int, now: datetime) -> int | None:
    """The new opportunity's id; None when the draft is gone (a second press) or incomplete."""
    async with db.transaction() as tx:
        data = await store.draft(tx, admin_id)
        if data is None or not data.get("kind") or drafting.next_typed(data)[0]:
            return None
        opportunity_id = await store.add(tx, drafting.row(data), admin_id, now)
        await store.drop_draft(tx, admin_id)
    return opportunity_id


async def cancel(db: Database, admin_id: int) -> bool:
    async with db.transaction() as tx:
        return await store.drop_draft(tx, admin_id)
