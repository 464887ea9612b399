"""The opportunities' use cases on a real SQLite file: the counts per opportunity that /stats will
show, a forged Save refused for a minor, and the reminders and the applied question sent once."""

from datetime import timedelta

from bot.clock import Clock
from bot.db.users import UserRepository
from bot.onboarding.store import ProfileRepository
from bot.opportunities import flow, report, store
from tests.support.builders import add_mentee

ROW = {
    "kind": "olympiad",
    "titles": {"ru": "Олимпиада", "en": "Olympiad"},
    "texts": {},
    "link": "https://olymp.kg",
    "organiser": "KSTU",
    "starts_on": None,
    "ends_on": None,
    "result_on": None,
    "regions": [],
    "fields": [],
    "stages": [],
    "women_only": False,
    "verified": True,
}


async def add(db, now, days, ages):
    async with db.transaction() as tx:
        row = ROW | {"deadline_at": (now + timedelta(days=days)).isoformat(), "age_bands": ages}
        return await store.add(tx, row, 1, now)


async def test_counts_saves_reminders_and_the_question_once(db):
    now = Clock().now()
    users, profiles = UserRepository(db, "Asia/Bishkek"), ProfileRepository(db)
    await add_mentee(users, profiles, 11, now, name="Aida", minor=True)
    await add_mentee(users, profiles, 12, now, name="Bermet")
    for_all = await add(db, now, 10, ["14-17", "18+"])
    adults_only = await add(db, now, 10, [])

    # Aida (15) never sees the adults-only one, and a forged Save for it is refused.
    assert (await flow.browse(db, 11, now)).lines[0].markup == "<b>Olympiad</b>"
    assert (await flow.browse(db, 11, now)).lines[-1].values == {"n": 1, "total": 1}
    assert (await flow.save(db, 11, adults_only, now)).message == "This one is not open to you."
    assert await flow.save(db, 11, for_all, now) == flow.SAVED
    assert (await flow.browse(db, 12, now)).lines[-1].values == {"n": 1, "total": 2}
    await flow.save(db, 12, for_all, now)
    await flow.dismiss(db, 12, for_all, now)

    week_before = now + timedelta(days=3, minutes=1)
    assert [n.to for n in await flow.due_reminders(db, week_before)] == [11]
    assert await flow.due_reminders(db, week_before) == []
    after = now + timedelta(days=10, minutes=1)
    assert [n.to for n in await flow.due_reminders(db, after)] == []  # past the deadline: skipped
    assert [n.to for n in await flow.applied_questions(db, after)] == [11]
    assert await flow.applied_questions(db, after) == []
    await flow.answer_applied(db, 11, for_all, True, after)
    assert (await flow.answer_applied(db, 11, for_all, False, after)).message == "Already noted, thank you."

    async with db.transaction() as tx:
        counts = {c.opportunity_id: (c.reached, c.saved, c.applied) for c in await store.counts(tx)}
    assert counts == {for_all: (2, 1, 1), adults_only: (1, 0, 0)}  # Bermet saw it after "Not for me"


async def test_a_group_under_five_people_stays_hidden_however_many_cards_she_saw(db):
    now = Clock().now()
    users, profiles = UserRepository(db, "Asia/Bishkek"), ProfileRepository(db)
    await add_mentee(users, profiles, 11, now, name="Aida", minor=True)
    for _ in range(6):
        opportunity = await add(db, now, 10, ["14-17"])
        async with db.transaction() as tx:
            await store.mark_shown(tx, opportunity, 11, now)

    lines = (await report.stats_notice(db, 1)).lines
    # Six views, one girl: her age band, region, fields and stage are not shown as groups.
    assert not [line for line in lines if getattr(line, "message", "").startswith("<b>{title}</b>")]
