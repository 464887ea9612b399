"""Experiment use cases: define, enrol the segment (stratified, stable), stop, and report."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict, Unpack

from bot.db import Database
from bot.experiments import store
from bot.experiments.rules import ExperimentResult, arm_for, check_definition, compare, stratum

Arms = tuple[str, ...]


class Segment(TypedDict, total=False):
    """Who an experiment is for, and the setting it varies (none: it only measures)."""

    role: str | None
    joined_after: datetime | None
    setting: str


async def define(
    db: Database, name: str, arms: Arms, outcome: str, planned_size: int, now: datetime, **segment: Unpack[Segment]
) -> int:
    """Define it without enrolling anyone yet: people join as the setting is next used for them."""
    async with db.transaction() as tx:
        return await _add(tx, name, arms, outcome, planned_size, now, **segment)


async def start(
    db: Database, name: str, arms: Arms, outcome: str, planned_size: int, now: datetime, **segment: Unpack[Segment]
) -> tuple[int, int]:
    """Define it and enrol the segment's present members at once (stratified), in one transaction:
    (its id, how many joined). Later members join as the setting is next used for them."""
    async with db.transaction() as tx:
        experiment_id = await _add(tx, name, arms, outcome, planned_size, now, **segment)
        return experiment_id, await _enrol(tx, experiment_id, now)


async def _add(tx, name, arms, outcome, planned_size, now, role=None, joined_after=None, setting="none") -> int:
    check_definition(arms, outcome, planned_size, setting)
    if await tx.fetchval("SELECT 1 FROM experiments WHERE name = ?", (name,)):
        raise ValueError("an experiment with this name exists")
    after = joined_after.isoformat() if joined_after else None
    return await store.add(tx, name, arms, outcome, role, after, planned_size, now, setting)


async def arm_setting(db: Database, user_id: int, setting: str, now: datetime) -> str | None:
    """Her value of `setting` from the running experiment on it: her stored arm, or, if she is in its
    segment and not in another experiment, a new stratified one. None: the programme's default."""
    async with db.transaction() as tx:
        e = await store.running_for(tx, setting)
        if e is None:
            return None
        arm = await store.arm_of(tx, e.id, user_id)
        if arm is not None:
            return arm
        where = await store.in_segment(tx, e, user_id)
        if where is None or await store.size(tx, e.id) >= e.planned_size:
            return None
        return await _assign(tx, e.id, user_id, *where, now)


async def experiments(db: Database) -> list[store.Experiment]:
    async with db.reading() as tx:
        return await store.all_experiments(tx)


async def get(db: Database, experiment_id: int) -> store.Experiment | None:
    async with db.reading() as tx:
        return await store.get(tx, experiment_id)


async def assign(
    db: Database, experiment_id: int, user_id: int, region: str | None, age_band: str | None, now: datetime
) -> str | None:
    """Her arm: the stored one, or a new one in her stratum; None when the experiment is stopped or
    she is already in another running experiment."""
    async with db.transaction() as tx:
        return await _assign(tx, experiment_id, user_id, region, age_band, now)


async def _assign(tx, experiment_id, user_id, region, age_band, now) -> str | None:
    arm = await store.arm_of(tx, experiment_id, user_id)
    if arm is not None:
        return arm
    e = await store.get(tx, experiment_id)
    if e is None or e.stopped_at is not None or await store.in_running_experiment(tx, user_id):
        return None
    key = stratum(region, age_band)
    arm = arm_for(e.id, e.arms, key, await store.stratum_size(tx, e.id, key))
    await store.assign(tx, e.id, user_id, key, arm, now)
    return arm


async def enrol_segment(db: Database, experiment_id: int, now: datetime) -> int:
    """Everyone in the segment not yet in a running experiment, up to the planned size."""
    async with db.transaction() as tx:
        return await _enrol(tx, experiment_id, now)


async def _enrol(tx, experiment_id: int, now: datetime) -> int:
    """Enrol the segment until the experiment holds its planned size; how many joined now."""
    e = await store.get(tx, experiment_id)
    if e is None or e.stopped_at is not None:
        return 0
    room = e.planned_size - await store.size(tx, e.id)
    enrolled = 0
    for user_id, region, age_band in await store.segment(tx, e):
        if enrolled >= room:
            break
        if await _assign(tx, e.id, user_id, region, age_band, now):
            enrolled += 1
    return enrolled


async def stop(db: Database, experiment_id: int, now: datetime) -> None:
    async with db.transaction() as tx:
        await store.stop(tx, experiment_id, now)


async def result(db: Database, experiment_id: int, now: datetime) -> ExperimentResult | None:
    async with db.reading() as tx:
        e = await store.get(tx, experiment_id)
        if e is None:
            return None
        counts = await store.outcome_counts(tx, e, now)
        enrolled = await store.size(tx, e.id)
    return compare(e.arms, counts, e.planned_size, e.stopped_at is not None, enrolled)


async def export(db: Database, user_id: int) -> dict[str, list[dict]]:
    async with db.reading() as tx:
        return await store.export(tx, user_id)
