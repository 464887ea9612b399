"""Demo data for the sandbox: six approved mentors, so that a mentee has someone to find.

Idempotent: a mentor already in the database is left as she is. The rows are written
with plain SQL through the project's Database, as onboarding would have left them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from bot.conduct.rules import VERSION as CONDUCT_VERSION
from bot.db import Database
from bot.db._rows import iso

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DemoMentor:
    user_id: int
    first_name: str  # as Telegram knows her
    language: str  # the bot's language for her and her Telegram app's language
    display_name: str
    job_title: str
    organisation: str
    bio: str
    region: str
    stage: str
    fields: tuple[str, ...]
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    availability: tuple[str, ...]
    meeting_format: str
    capacity: int
    cleared_for_minors: bool
    meeting_link: str | None = None


def _load(path: Path) -> tuple[DemoMentor, ...]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    lists = {f.name for f in fields(DemoMentor) if f.type.startswith("tuple")}
    return tuple(DemoMentor(**{k: tuple(v) if k in lists else v for k, v in row.items()}) for row in rows)


# Who they are is data (demo_mentors.json), kept apart from how they are written.
DEMO_MENTORS: tuple[DemoMentor, ...] = _load(Path(__file__).with_name("demo_mentors.json"))


def _json(values: tuple[str, ...]) -> str:
    return json.dumps(sorted(values))


async def seed_mentors(db: Database, now: datetime, *, approved_by: int | None = None) -> int:
    """Insert the demo mentors who are not there yet; return how many were inserted."""
    stamp = iso(now)
    inserted = 0
    async with db.transaction() as tx:
        for m in DEMO_MENTORS:
            if await tx.fetchval("SELECT 1 FROM users WHERE id = ?", (m.user_id,)):
                continue
            await tx.execute(
                "INSERT INTO users (id, language, role, first_name, telegram_language,"
                " created_at, last_seen_at) VALUES (?, ?, 'mentor', ?, ?, ?, ?)",
                (m.user_id, m.language, m.first_name, m.language, stamp, stamp),
            )
            await tx.execute(
                "INSERT INTO profiles (user_id, step, consent_at, age_band, is_minor, display_name,"
                " region, stage, fields, goals, languages, availability, meeting_format, job_title,"
                " organisation, bio, capacity, meeting_link, link_answered, mentor_status,"
                " mentor_decided_by, mentor_decided_at, cleared_for_minors, started_at,"
                " updated_at, completed_at, conduct_version, conduct_asked, conduct_accepted_at)"
                " VALUES (?, 'done', ?, '18+', 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1,"
                " 'approved', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    m.user_id, stamp, m.display_name, m.region, m.stage, _json(m.fields),
                    _json(m.topics), _json(m.languages), _json(m.availability), m.meeting_format,
                    m.job_title, m.organisation, m.bio, m.capacity, m.meeting_link, approved_by,
                    stamp, int(m.cleared_for_minors), stamp, stamp, stamp,
                    CONDUCT_VERSION, CONDUCT_VERSION, stamp,
                ),
            )  # fmt: skip
            inserted += 1
    log.info("seeded %d demo mentor(s)", inserted)
    return inserted


# Weekly free time by availability code: (weekday, local start, minutes); 0 = Monday.
DEMO_WINDOWS: dict[str, tuple[tuple[int, str, int], ...]] = {
    "wd_morning": ((0, "09:00", 120), (2, "09:00", 120)),
    "wd_evening": ((1, "18:00", 120), (3, "18:30", 120)),
    "weekend": ((5, "11:00", 180),),
}


async def seed_slots(db: Database, now: datetime | None = None) -> int:
    """Weekly free time for the demo mentors, in each one's zone, from her availability.

    Idempotent: a demo mentor who already has free time is left as she is. Returns how
    many windows were inserted.
    """
    stamp = iso(now or datetime.now(UTC))
    inserted = 0
    async with db.transaction() as tx:
        for m in DEMO_MENTORS:
            zone = await tx.fetchval("SELECT timezone FROM users WHERE id = ?", (m.user_id,))
            if zone is None or await tx.fetchval("SELECT 1 FROM slots WHERE mentor_id = ?", (m.user_id,)):
                continue
            for code in m.availability:
                for weekday, start, minutes in DEMO_WINDOWS.get(code, ()):
                    await tx.execute(
                        "INSERT INTO slots (mentor_id, kind, weekday, start_local, minutes, zone,"
                        " created_at) VALUES (?, 'weekly', ?, ?, ?, ?, ?)",
                        (m.user_id, weekday, start, minutes, zone, stamp),
                    )
                    inserted += 1
    log.info("seeded %d weekly window(s) of free time", inserted)
    return inserted


async def demo_mentors_present(db: Database) -> list[DemoMentor]:
    """The demo mentors the database holds (from this run's seed or an earlier one)."""
    ids = [m.user_id for m in DEMO_MENTORS]
    marks = ", ".join("?" for _ in ids)
    rows = await db.fetchall(f"SELECT id FROM users WHERE id IN ({marks})", ids)
    present = {row["id"] for row in rows}
    return [m for m in DEMO_MENTORS if m.user_id in present]


async def seed(db: Database, now: datetime, *, approved_by: int | None = None) -> int:
    """All the demo data; returns the number of mentors inserted."""
    inserted = await seed_mentors(db, now, approved_by=approved_by)
    await seed_slots(db, now)
    return inserted
