"""An admin's cohort run: the preview saved, then confirmed once (or discarded), then its counts."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.db._rows import iso
from bot.db.database import Database


class CohortRunRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save_cohort_run(self, admin_id: int, preview: dict[str, Any], now: datetime) -> int:
        async with self._db.transaction() as tx:
            return await tx.insert(
                "INSERT INTO cohort_runs (created_by, preview, created_at) VALUES (?, ?, ?)",
                (admin_id, json.dumps(preview), iso(now)),
            )

    async def claim_cohort_run(self, run_id: int, now: datetime) -> dict[str, Any] | None:
        """The preview to send, once: a second Confirm (or a discarded run) gets None."""
        async with self._db.transaction() as tx:
            if not await tx.execute(
                "UPDATE cohort_runs SET status = 'confirmed', confirmed_at = ? WHERE id = ? AND status = 'preview'",
                (iso(now), run_id),
            ):
                return None
            return json.loads(await tx.fetchval("SELECT preview FROM cohort_runs WHERE id = ?", (run_id,)))

    async def finish_cohort_run(self, run_id: int, summary: dict[str, Any], sent: int) -> None:
        """Keep only counts: the pairs live on as requests with source 'cohort'."""
        await self._db.execute(
            "UPDATE cohort_runs SET preview = ?, sent = ? WHERE id = ?",
            (json.dumps(summary), sent, run_id),
        )

    async def discard_cohort_run(self, run_id: int) -> bool:
        return 1 == await self._db.execute(
            "UPDATE cohort_runs SET status = 'discarded', preview = '{}' WHERE id = ? AND status = 'preview'",
            (run_id,),
        )

    async def cohort_run_status(self, run_id: int) -> str | None:
        return await self._db.fetchval("SELECT status FROM cohort_runs WHERE id = ?", (run_id,))
