"""Use cases of the uploaded library: check a sent card file, publish it, load the published ones."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.db.database import Database
from bot.stories.cards import check_card_text
from bot.stories.models import StoryCard
from bot.story_library import store

log = logging.getLogger(__name__)

FILE_SIZE_LIMIT = 64 * 1024  # a card is a few KB; anything larger is not a card


@dataclass(frozen=True)
class Checked:
    """A sent card file: the card when it is valid, else every problem (technical English)."""

    card: StoryCard | None
    problems: list[str]
    draft_id: int | None = None
    replaces: bool = False


def too_large(file_name: str) -> Checked:
    """A file refused by its size alone (known before it is downloaded)."""
    return Checked(None, [f"{file_name}: the file is larger than {FILE_SIZE_LIMIT // 1024} KB"])


def check(data: bytes, file_name: str, shipped: set[str], published: set[str]) -> tuple[StoryCard | None, list[str]]:
    """The validator of stories/, plus what only an upload can get wrong."""
    if not file_name.endswith(".toml"):
        return None, [f"{file_name}: the file must be a card named <slug>.toml"]
    if len(data) > FILE_SIZE_LIMIT:
        return None, too_large(file_name).problems
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, [f"{file_name}:1: the file is not UTF-8 text"]
    card, problems = check_card_text(text, file_name)
    messages = [str(problem) for problem in problems]
    slug = file_name.removesuffix(".toml")
    if slug in shipped and slug not in published:
        messages.append(f"{file_name}: {slug!r} is a card shipped in stories/: mend its file there instead")
    return (card if not messages else None), messages


async def submit(
    db: Database, admin_id: int, file_name: str, data: bytes, cards: dict[str, StoryCard], now: datetime
) -> Checked:
    """Check the file; a valid card becomes a draft the admin can publish."""
    published = {slug for slug, _ in await store.uploaded(db)}
    shipped = set(cards) - published
    card, problems = check(data, file_name, shipped, published)
    if card is None:
        return Checked(None, problems)
    draft_id = await store.save_draft(db, admin_id, card.slug, data.decode("utf-8"), now)
    return Checked(card, [], draft_id, replaces=card.slug in published)


async def publish(
    db: Database, draft_id: int, cards: dict[str, StoryCard], now: datetime
) -> tuple[StoryCard, int] | None:
    """Publish a draft (checked again: the validator may have changed since); None if it is gone."""
    draft = await store.draft(db, draft_id)
    if draft is None:
        return None
    card, problems = check_card_text(draft.toml, f"{draft.slug}.toml")
    if card is None:
        log.warning("draft %s no longer valid: %s", draft_id, problems)
        return None
    version = await store.publish(db, draft, card.field.value, card.stage.value, card.region, now)
    if version is None:
        return None
    cards[card.slug] = card
    return card, version


async def load(db: Database, shipped: dict[str, StoryCard]) -> list[StoryCard]:
    """The published cards that are still valid (a stricter validator may refuse an old one: it is
    left out and logged, and start-up goes on). A shipped card's slug always wins."""
    cards = []
    for slug, text in await store.uploaded(db):
        card, problems = check_card_text(text, f"{slug}.toml")
        if card is None or slug in shipped:
            log.warning("uploaded card %s left out: %s", slug, [str(p) for p in problems] or "shipped slug")
            continue
        cards.append(card)
    return cards


async def discard(db: Database, draft_id: int) -> None:
    await store.discard(db, draft_id)
