"""Opportunities on file as an admin would have added them, for the tests of what girls then see."""

from datetime import timedelta

from bot.opportunities import store


async def add_opportunity(runner, title, *, days=20, ages=(), language="en", result_days=None, by=1, **columns):
    """An olympiad open for `days` more days, for `ages` (all if empty); `columns` set any other column."""
    now = runner.clock.now()
    row = {
        "kind": "olympiad",
        "titles": {language: title},
        "texts": {},
        "link": "https://example.kg/x",
        "organiser": "KSTU",
        "deadline_at": (now + timedelta(days=days)).isoformat(),
        "starts_on": None,
        "ends_on": None,
        "result_on": (now + timedelta(days=result_days)).date().isoformat() if result_days else None,
        "age_bands": list(ages),
        "regions": [],
        "fields": [],
        "stages": [],
        "women_only": False,
        "verified": False,
    } | columns
    async with runner.services.db.transaction() as tx:
        return await store.add(tx, row, by, now)
