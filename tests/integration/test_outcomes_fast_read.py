"""The indicator report read from the database (answers reduced in SQL, one row per person) equals
the report over the raw answer rows, on a seeded database with skips, "prefer not to say", the
about wave, people outside the period and answers of other waves."""

import random
from datetime import UTC, datetime

from bot.db import Database
from bot.outcomes import flow
from bot.outcomes.report import indicator_report
from bot.outcomes.rules import disabled, surveys

REGIONS = ["chuy", "osh", "naryn"]
WAVES = ("baseline", "midline", "endline", "about", "follow6")


async def seed(db: Database, rng: random.Random) -> None:
    s = surveys()
    async with db.transaction() as tx:
        for user_id in range(1, 301):
            # A tenth fall due in March, outside the period asked for.
            at = f"2026-0{3 if user_id % 10 == 0 else 1}-15T09:00:00+00:00"
            await tx.execute(
                "INSERT INTO users (id, language, role, created_at, last_seen_at) VALUES (?, ?, 'mentee', ?, ?)",
                (user_id, rng.choice(["ky", "ru", "en"]), at, at),
            )
            if rng.random() < 0.9:  # some have no profile at all
                await tx.execute(
                    "INSERT INTO profiles (user_id, step, region, age_band, stage, started_at, updated_at)"
                    " VALUES (?, 'done', ?, ?, ?, ?, ?)",
                    (user_id, rng.choice(REGIONS), rng.choice(["14_15", "16_17", None]), "school", at, at),
                )
            for wave in WAVES:
                if wave != "baseline" and rng.random() < 0.3:
                    continue
                invitation = await tx.insert(
                    "INSERT INTO survey_invitations (user_id, wave, due_at, status) VALUES (?, ?, ?, 'done')",
                    (user_id, wave, at),
                )
                for q in s.waves[wave]:
                    if rng.random() < 0.1:
                        continue  # never answered
                    value = rng.choice([None, "na", *(o.code for o in q.options)])
                    await tx.execute(
                        "INSERT INTO survey_answers VALUES (?, ?, ?, ?, ?, 1, ?)",
                        (invitation, user_id, wave, q.code, value, at),
                    )


async def report_from_raw_rows(db: Database, since: str, until: str):
    """The report as it was read before: every answer row of the cohort, one by one."""
    people = {}
    for row in await db.fetchall(
        "SELECT i.user_id, p.region, p.age_band, u.language, p.stage FROM survey_invitations i"
        " JOIN users u ON u.id = i.user_id LEFT JOIN profiles p ON p.user_id = i.user_id"
        " WHERE i.wave = 'baseline' AND i.due_at >= ? AND i.due_at < ?",
        (since, until),
    ):
        people[row[0]] = {"region": row[1], "age_band": row[2], "language": row[3], "stage": row[4]}
    answers, wg = [], {}
    for user_id, wave, question, value in await db.fetchall(
        "SELECT a.user_id, a.wave, a.question, a.value FROM survey_answers a"
        " JOIN survey_invitations i ON i.user_id = a.user_id AND i.wave = 'baseline'"
        " WHERE i.due_at >= ? AND i.due_at < ?",
        (since, until),
    ):
        if question == "area" and value not in (None, "na"):
            people[user_id]["area"] = value
        elif question.startswith("wg_"):
            wg.setdefault(user_id, {})[question] = value
        else:
            answers.append((user_id, wave, question, value))
    for user_id, person in people.items():
        person["disability"] = disabled(wg.get(user_id, {}))
    return indicator_report(people, answers), len(people)


async def test_the_fast_read_gives_the_same_report_as_the_raw_rows(tmp_path):
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    try:
        await seed(db, random.Random(4))
        since, until = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
        fast, cohort = await flow.indicators(db, since, until)
        before, before_cohort = await report_from_raw_rows(db, since.isoformat(), until.isoformat())
    finally:
        await db.close()
    assert cohort == before_cohort == 270
    assert fast == before
    overall = {r.indicator: r.overall for r in fast}
    assert all(cell.n_paired > 20 for cell in overall.values())
    dimensions = {c.dimension for r in fast for c in r.cells}
    assert dimensions == {"all", "region", "area", "age_band", "disability", "language", "stage"}
    groups = {(c.dimension, c.group) for r in fast for c in r.cells}
    assert ("disability", "yes") in groups and ("area", "unknown") in groups
