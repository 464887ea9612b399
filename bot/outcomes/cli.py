"""`python -m bot report --from --to --xlsx`: the indicator report for a cohort, as a workbook."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, date, datetime, time, timedelta

from bot.config import Settings
from bot.db import Database
from bot.outcomes import flow
from bot.outcomes.workbook import summary_text, write_xlsx


def report(settings: Settings, args: argparse.Namespace) -> int:
    since = datetime.combine(date.fromisoformat(args.since), time(), UTC)
    until = datetime.combine(date.fromisoformat(args.until), time(), UTC) + timedelta(days=1)

    async def run():
        db = Database(settings.database_path)
        await db.open()
        try:
            return await flow.indicators(db, since, until), await flow.mentor_survey(db, since, until)
        finally:
            await db.close()

    (reports, cohort), mentors = asyncio.run(run())
    write_xlsx(reports, args.xlsx, mentors)
    print(summary_text(reports, cohort, "en", mentors))
    print(f"written to {args.xlsx}")
    return 0
