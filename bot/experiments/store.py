"""Experiments and assignments in SQL; every function takes an open transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.db.database import Session


@dataclass(frozen=True)
class Experiment:
    id: int
    name: str
    arms: tuple[str, ...]
    outcome: str
    segment_role: str | None
    joined_after: str | None
    planned_size: int
    stopped_at: str | None
    setting: str = "none"
    started_at: str | None = None


async def add(
    tx: Session, name, arms, outcome, role, joined_after, planned_size, now: datetime, setting: str = "none"
) -> int:
    return await tx.insert(
        "INSERT INTO experiments (name, arms, outcome, segment_role, joined_after, planned_size, started_at, setting)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (name, json.dumps(list(arms)), outcome, role, joined_after, planned_size, now.isoformat(), setting),
    )


_COLUMNS = "id, name, arms, outcome, segment_role, joined_after, planned_size, stopped_at, setting, started_at"


def _experiment(row) -> Experiment:
    return Experiment(row[0], row[1], tuple(json.loads(row[2])), *row[3:])


async def get(tx: Session, experiment_id: int) -> Experiment | None:
    row = await tx.fetchone(f"SELECT {_COLUMNS} FROM experiments WHERE id = ?", (experiment_id,))
    return None if row is None else _experiment(row)


async def all_experiments(tx: Session) -> list[Experiment]:
    return [_experiment(row) for row in await tx.fetchall(f"SELECT {_COLUMNS} FROM experiments ORDER BY id DESC")]


async def running_for(tx: Session, setting: str) -> Experiment | None:
    """The newest running experiment on this setting."""
    row = await tx.fetchone(
        f"SELECT {_COLUMNS} FROM experiments WHERE setting = ? AND stopped_at IS NULL ORDER BY id DESC LIMIT 1",
        (setting,),
    )
    return None if row is None else _experiment(row)


async def in_segment(tx: Session, e: Experiment, user_id: int) -> tuple[str | None, str | None] | None:
    """Her (region, age band) if she is in the experiment's segment, else None."""
    row = await tx.fetchone(
        "SELECT p.region, p.age_band FROM users u LEFT JOIN profiles p ON p.user_id = u.id"
        " WHERE u.id = ? AND (? IS NULL OR u.role = ?) AND (? IS NULL OR u.created_at > ?)",
        (user_id, e.segment_role, e.segment_role, e.joined_after, e.joined_after),
    )
    return None if row is None else (row[0], row[1])


async def size(tx: Session, experiment_id: int) -> int:
    return await tx.fetchval("SELECT COUNT(*) FROM experiment_assignments WHERE experiment_id = ?", (experiment_id,))


async def stop(tx: Session, experiment_id: int, now: datetime) -> None:
    await tx.execute(
        "UPDATE experiments SET stopped_at = ? WHERE id = ? AND stopped_at IS NULL", (now.isoformat(), experiment_id)
    )


async def arm_of(tx: Session, experiment_id: int, user_id: int) -> str | None:
    return await tx.fetchval(
        "SELECT arm FROM experiment_assignments WHERE experiment_id = ? AND user_id = ?", (experiment_id, user_id)
    )


async def in_running_experiment(tx: Session, user_id: int) -> bool:
    return bool(
        await tx.fetchval(
            "SELECT 1 FROM experiment_assignments a JOIN experiments e ON e.id = a.experiment_id"
            " WHERE a.user_id = ? AND e.stopped_at IS NULL",
            (user_id,),
        )
    )


async def stratum_size(tx: Session, experiment_id: int, stratum: str) -> int:
    return await tx.fetchval(
        "SELECT COUNT(*) FROM experiment_assignments WHERE experiment_id = ? AND stratum = ?", (experiment_id, stratum)
    )


async def assign(tx: Session, experiment_id: int, user_id: int, stratum: str, arm: str, now: datetime) -> None:
    await tx.execute(
        "INSERT INTO experiment_assignments (experiment_id, user_id, stratum, arm, assigned_at) VALUES (?, ?, ?, ?, ?)",
        (experiment_id, user_id, stratum, arm, now.isoformat()),
    )


async def segment(tx: Session, e: Experiment) -> list[tuple[int, str | None, str | None]]:
    """(user, region, age band) of everyone in the segment not yet in a running experiment, by id;
    only people who chose a role (someone who never got past the language has no settings to vary)."""
    return [
        tuple(row)
        for row in await tx.fetchall(
            "SELECT u.id, p.region, p.age_band FROM users u LEFT JOIN profiles p ON p.user_id = u.id"
            " WHERE u.role IS NOT NULL AND (? IS NULL OR u.role = ?) AND (? IS NULL OR u.created_at > ?)"
            " AND u.blocked_bot = 0"
            " AND NOT EXISTS (SELECT 1 FROM experiment_assignments a JOIN experiments x ON x.id = a.experiment_id"
            "                 WHERE a.user_id = u.id AND x.stopped_at IS NULL)"
            " ORDER BY u.id",
            (e.segment_role, e.segment_role, e.joined_after, e.joined_after),
        )
    ]


_WINDOW_END = "strftime('%Y-%m-%dT%H:%M:%S', a.assigned_at, '+30 days')"
_OUTCOME_SQL = {
    # A request to a mentor within 30 days of joining the experiment.
    "request_30d": "EXISTS (SELECT 1 FROM requests r WHERE r.mentee_id = a.user_id"
    f" AND r.created_at >= a.assigned_at AND r.created_at < {_WINDOW_END})",
    # A session held within 30 days.
    "session_30d": "EXISTS (SELECT 1 FROM sessions s WHERE a.user_id IN (s.mentee_id, s.mentor_id)"
    f" AND s.status = 'held' AND s.starts_at >= a.assigned_at AND s.starts_at < {_WINDOW_END})",
    "story_opened_30d": "EXISTS (SELECT 1 FROM story_views v WHERE v.user_id = a.user_id"
    f" AND v.seen_at >= a.assigned_at AND v.seen_at < {_WINDOW_END})",
    "opportunity_saved_30d": "EXISTS (SELECT 1 FROM opportunity_choices c WHERE c.user_id = a.user_id"
    f" AND c.choice = 'saved' AND c.chosen_at >= a.assigned_at AND c.chosen_at < {_WINDOW_END})",
}


async def outcome_counts(tx: Session, e: Experiment, now: datetime) -> dict[str, tuple[int, int]]:
    """arm -> (successes, n) over those whose 30 days are over at `now`."""
    counts = {arm: (0, 0) for arm in e.arms}
    for arm, n, k in await tx.fetchall(
        f"SELECT a.arm, COUNT(*), SUM({_OUTCOME_SQL[e.outcome]}) FROM experiment_assignments a"
        f" WHERE a.experiment_id = ? AND {_WINDOW_END} <= ? GROUP BY a.arm",
        (e.id, now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")),
    ):
        counts[arm] = (int(k or 0), int(n))
    return counts


async def export(tx: Session, user_id: int) -> dict[str, list[dict]]:
    """Which arm of which experiment she is in (for /mydata)."""
    rows = await tx.fetchall(
        "SELECT e.name AS experiment, a.arm, a.assigned_at FROM experiment_assignments a"
        " JOIN experiments e ON e.id = a.experiment_id WHERE a.user_id = ? ORDER BY a.assigned_at",
        (user_id,),
    )
    return {"experiment_assignments": [dict(row) for row in rows]}
