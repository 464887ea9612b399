"""A mentor's free time: windows and one-off slots, what is still bookable, her auto-confirm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.db._rows import iso, load
from bot.db.database import Repository, Session
from bot.sessions.rules import BOOKING_DAYS, BUFFER_MINUTES, MIN_NOTICE, SESSION_MINUTES
from bot.sessions.slot_times import (
    Busy,
    OneOffSlot,
    Slot,
    SlotError,
    WeeklyWindow,
    expand_slots,
    parse_time_of_day,
    validate_one_off,
    validate_window,
)
from bot.sessions.store.rows import UPCOMING_SQL


class SlotRefused(Exception):
    """A window or one-off slot that cannot be published; `code` says why."""

    def __init__(self, code: SlotError) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class SlotRow:
    id: int
    mentor_id: int
    kind: str
    weekday: int | None
    start_local: str | None
    starts_at: datetime | None
    minutes: int
    zone: str
    created_at: datetime

    def availability(self) -> WeeklyWindow | OneOffSlot:
        if self.kind == "weekly":
            assert self.weekday is not None and self.start_local is not None
            return WeeklyWindow(self.weekday, parse_time_of_day(self.start_local), self.minutes, self.zone)
        assert self.starts_at is not None
        return OneOffSlot(self.starts_at, self.minutes)


async def published_slots(s: Session, mentor_id: int, now: datetime) -> list[SlotRow]:
    rows = await s.fetchall(
        "SELECT * FROM slots WHERE mentor_id = ? ORDER BY kind DESC, weekday, start_local, starts_at, id",
        (mentor_id,),
    )
    slots = [load(SlotRow, row) for row in rows]
    return [slot for slot in slots if slot.kind == "weekly" or (slot.starts_at + timedelta(minutes=slot.minutes)) > now]


async def free_slots_in(s: Session, mentor_id: int, now: datetime, *, days: int, moving: int | None) -> list[Slot]:
    """Her bookable sessions, read in `s`; `moving`'s own time does not count as busy."""
    slots = [slot.availability() for slot in await published_slots(s, mentor_id, now)]
    windows = [a for a in slots if isinstance(a, WeeklyWindow)]
    one_offs = [a for a in slots if isinstance(a, OneOffSlot)]
    rows = await s.fetchall(
        "SELECT starts_at, minutes FROM sessions"
        f" WHERE mentor_id = ? AND status IN {UPCOMING_SQL}"
        " AND starts_at >= ? AND id IS NOT ?",
        (mentor_id, iso(now - timedelta(days=1)), moving),
    )
    busy = [
        Busy(start, start + timedelta(minutes=r["minutes"]))
        for r in rows
        for start in [datetime.fromisoformat(r["starts_at"])]
    ]
    return expand_slots(
        windows,
        one_offs,
        busy,
        now,
        days=days,
        session_minutes=SESSION_MINUTES,
        buffer_minutes=BUFFER_MINUTES,
        min_lead_minutes=int(MIN_NOTICE.total_seconds() // 60),
    )


class SlotRepository(Repository):
    async def of_mentor(self, mentor_id: int, now: datetime) -> list[SlotRow]:
        """Her weekly windows, then her one-off slots that have not ended yet."""
        async with self._db.reading() as s:
            return await published_slots(s, mentor_id, now)

    async def add_weekly(
        self, mentor_id: int, weekday: int, start: time, minutes: int, zone: str, now: datetime
    ) -> SlotRow:
        window = WeeklyWindow(weekday, start, minutes, zone)
        async with self._db.transaction() as tx:
            existing = [slot.availability() for slot in await published_slots(tx, mentor_id, now)]
            error = validate_window(window, existing, now, session_minutes=SESSION_MINUTES)
            if error is not None:
                raise SlotRefused(error)
            slot_id = await tx.insert(
                "INSERT INTO slots (mentor_id, kind, weekday, start_local, minutes, zone,"
                " created_at) VALUES (?, 'weekly', ?, ?, ?, ?, ?)",
                (mentor_id, weekday, start.strftime("%H:%M"), minutes, zone, iso(now)),
            )
            return await self._slot(tx, slot_id)

    async def add_one_off(self, mentor_id: int, start: datetime, minutes: int, zone: str, now: datetime) -> SlotRow:
        async with self._db.transaction() as tx:
            existing = [slot.availability() for slot in await published_slots(tx, mentor_id, now)]
            error = validate_one_off(start, minutes, existing, now, session_minutes=SESSION_MINUTES)
            if error is not None:
                raise SlotRefused(error)
            slot_id = await tx.insert(
                "INSERT INTO slots (mentor_id, kind, starts_at, minutes, zone, created_at)"
                " VALUES (?, 'one_off', ?, ?, ?, ?)",
                (mentor_id, iso(start), minutes, zone, iso(now)),
            )
            return await self._slot(tx, slot_id)

    async def delete_slot(self, slot_id: int, mentor_id: int) -> bool:
        """Only her own slot; sessions already booked in it stay booked."""
        return 1 == await self._db.execute("DELETE FROM slots WHERE id = ? AND mentor_id = ?", (slot_id, mentor_id))

    async def free_slots(
        self,
        mentor_id: int,
        now: datetime,
        *,
        days: int = BOOKING_DAYS,
        moving: int | None = None,
    ) -> list[Slot]:
        """Her bookable sessions: published time minus booked sessions and a buffer.

        `moving`: a session being rescheduled, whose own time does not count as busy.
        """
        async with self._db.reading() as s:
            return await free_slots_in(s, mentor_id, now, days=days, moving=moving)

    async def auto_confirm(self, mentor_id: int) -> bool:
        value = await self._db.fetchval("SELECT auto_confirm FROM profiles WHERE user_id = ?", (mentor_id,))
        return bool(value)

    async def set_auto_confirm(self, mentor_id: int, on: bool) -> None:
        await self._db.execute("UPDATE profiles SET auto_confirm = ? WHERE user_id = ?", (int(on), mentor_id))

    @staticmethod
    async def _slot(s: Session, slot_id: int) -> SlotRow:
        row = await s.fetchone("SELECT * FROM slots WHERE id = ?", (slot_id,))
        assert row is not None
        return load(SlotRow, row)
