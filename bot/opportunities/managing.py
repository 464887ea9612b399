"""The use cases of /opportunities_admin: the admin's list with each one's counts, an edit saved in
one transaction, closing early, marking verified."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.db import Database
from bot.opportunities import editing, store
from bot.opportunities.rules import Opportunity
from bot.opportunities.store import Counts


async def listing(
    db: Database, now: datetime, number: int
) -> tuple[list[tuple[Opportunity, Counts | None]], int, bool, bool]:
    async with db.reading() as s:
        shown = editing.listed(await store.for_admins(s, now - editing.RECENT), now)
        items, number, before, after = editing.page(shown, number)
        # Counted for the page's few only: the whole history is /stats' and /export's.
        counts = {c.opportunity_id: c for c in await store.counts(s, [o.id for o in items])} if items else {}
    return [(o, counts.get(o.id)) for o in items], number, before, after


async def get(db: Database, opportunity_id: int) -> Opportunity | None:
    async with db.reading() as s:
        return await store.get(s, opportunity_id)


async def save(db: Database, opportunity_id: int, field: str, value: Any) -> Opportunity | None:
    """The opportunity as saved; None when it is gone or the field is not one of its own."""
    async with db.transaction() as tx:
        opportunity = await store.get(tx, opportunity_id)
        if opportunity is None or not editing.is_field(opportunity, field):
            return None
        changed = editing.apply(opportunity, field, value)
        await store.replace(tx, changed)
    return changed


async def close(db: Database, opportunity_id: int, now: datetime) -> bool:
    async with db.transaction() as tx:
        return await store.close(tx, opportunity_id, now)


async def verify(db: Database, opportunity_id: int, verified: bool) -> bool:
    async with db.transaction() as tx:
        return await store.set_verified(tx, opportunity_id, verified)
