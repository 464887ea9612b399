"""The admin area's use cases: figures, exports, hiding cards, composing and queueing broadcasts.

Each takes the admin's id and `now`, does the work and its audit entry, and returns data for the
handler to show. Nothing here knows Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.admin.export import QUERIES, export_csv, rows_csv
from bot.admin.stats import Stats, programme_stats
from bot.circles.store import CircleStore
from bot.i18n import SUPPORTED
from bot.stories.telegram_html import check_html

if TYPE_CHECKING:
    from bot.services import Services

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
TEXT_MAX = 4000


async def stats(services: Services, now: datetime) -> Stats:
    return await programme_stats(services.db, now)


async def export(
    services: Services, admin_id: int, period: str, free_text: bool, now: datetime
) -> list[tuple[str, bytes]]:
    """The CSV files (name, content) for the last `period` days (or everything), audited."""
    start = EPOCH if period == "all" else now - timedelta(days=int(period))
    stamp = now.strftime("%Y-%m-%d")
    files = [
        (
            f"{name}-{stamp}.csv",
            await export_csv(services.db, name, start, now + timedelta(seconds=1), free_text=free_text),
        )
        for name in QUERIES
    ]
    circles = rows_csv(list(CircleStore.EXPORT_COLUMNS), await CircleStore(services.db).export_rows())
    files.append((f"circles-{stamp}.csv", circles))
    await services.admin.record(admin_id, "export", now, period, free_text=free_text)
    return files


async def set_card_hidden(services: Services, admin_id: int, slug: str, hidden: bool, now: datetime) -> bool:
    """Hide a card from everyone (or show it again); False for a card the library does not have."""
    if slug not in services.cards or not await services.stories.set_hidden(slug, hidden):
        return False
    await services.admin.record(admin_id, "card_hide" if hidden else "card_show", now, slug)
    return True


@dataclass(frozen=True)
class TextTaken:
    """What the composer does after a text: ask again (`problem`), ask the `next` language, or move on."""

    problem: str | None = None  # "empty", "too_long" or check_html's message
    next: str | None = None


async def add_text(
    services: Services, admin_id: int, language: str, text: str | None, now: datetime
) -> TextTaken | None:
    """One language's text of the draft broadcast; None if there is no text draft to add it to."""
    draft = await services.admin.draft(admin_id)
    if draft is None or draft.payload.get("type") != "text" or language not in SUPPORTED:
        return None
    if not text or not text.strip():
        return TextTaken(problem="empty")
    if len(text) > TEXT_MAX:
        return TextTaken(problem="too_long")
    if problems := check_html(text):
        return TextTaken(problem=problems[0].message)
    texts = dict(draft.payload["texts"]) | {language: text}
    await services.admin.save_draft(admin_id, now, payload={"type": "text", "texts": texts})
    remaining = [lang for lang in SUPPORTED if lang not in texts]
    return TextTaken(next=remaining[0] if remaining else None)


async def previous_text(services: Services, admin_id: int, language: str) -> str | None:
    """The text already given in the language before `language` ("Same text as in …")."""
    draft = await services.admin.draft(admin_id)
    index = SUPPORTED.index(language) if language in SUPPORTED else 0
    return draft.payload.get("texts", {}).get(SUPPORTED[index - 1]) if draft and index > 0 else None


@dataclass(frozen=True)
class Queued:
    batch_id: int
    recipients: int


async def queue(services: Services, admin_id: int, progress_chat_id: int, now: datetime) -> Queued | None:
    """Send the draft: its batch is in the outbox and the engine is woken; None for a double tap."""
    draft = await services.admin.take_draft(admin_id)
    if draft is None:
        return None
    recipients = await services.admin.audience(draft.audience)
    item = draft.payload.get("slug", "")
    batch_id = await services.outbox.create_batch(
        "broadcast",
        draft.payload,
        [(uid, lang, item) for uid, lang in recipients],
        now,
        created_by=admin_id,
        audience=draft.audience,
        progress_chat_id=progress_chat_id,
    )
    # Sending starts now, whatever happens to the messages to the admin afterwards.
    services.delivery.kick("broadcast")
    await services.admin.record(
        admin_id,
        "broadcast",
        now,
        batch_id,
        recipients=len(recipients),
        audience=draft.audience,
        kind=draft.payload["type"],
    )
    return Queued(batch_id, len(recipients))
