"""Use case: claim the next card for a channel when its time has come."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.db.database import Database
from bot.story_channel import rules, store


async def claim_next(
    db: Database, chat_id: int, visible: Sequence[str], every: timedelta, now: datetime
) -> tuple[int, str] | None:
    """(post id, slug) of the card to post now, its row written first; None when not due or no card.
    A post whose send then fails stays counted (logged), so a card is never posted twice."""
    async with db.transaction() as tx:
        last_at, round_ = await store.last_post(tx, chat_id)
        if not rules.is_due(last_at, every, now):
            return None
        chosen = rules.next_card(visible, await store.posted_in_round(tx, chat_id, round_), round_)
        if chosen is None:
            return None
        slug, round_ = chosen
        return await store.add_post(tx, chat_id, slug, round_, now), slug
