"""`python -m bot experiment report ID`: an experiment's report, in English, on standard output."""

from __future__ import annotations

import asyncio
import html
import re

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database
from bot.experiments import flow
from bot.experiments.report import report_text
from bot.i18n import translator


def report(settings: Settings, experiment_id: int) -> int:
    async def run():
        db = Database(settings.database_path)
        await db.open()
        try:
            experiment = await flow.get(db, experiment_id)
            if experiment is None:
                return None, None
            return experiment, await flow.result(db, experiment_id, Clock().now())
        finally:
            await db.close()

    experiment, result = asyncio.run(run())
    if experiment is None:
        print(f"no experiment {experiment_id}")
        return 1
    print(html.unescape(re.sub(r"</?b>", "", report_text(translator("en"), experiment.name, result))))
    return 0
