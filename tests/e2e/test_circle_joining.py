"""Joining an open circle end to end: the mentor opens it, only mentees who fit see it, she asks,
the mentor accepts (no history before she joined) or declines; an admin closes it; forged presses
are refused. And a session counts as activity for the quiet-circle nudge."""

from datetime import timedelta

from bot.circles import meetings
from bot.circles.store import CircleStore
from bot.db._rows import iso
from bot.jobs import run_jobs
from tests.support.builders import new_mentee, new_mentor
from tests.support.circles import form_circles
from tests.support.db import db_rows

NOT_OPEN = "This circle is not open to you now."
NOT_YOURS = "This circle is not yours, or you are no longer in it."


async def adults_circle(runner, users):
    mentor = await new_mentor(runner, users, name="Aigul", minors=True, languages=("ky",))
    girls = [await new_mentee(runner, users, name=f"Girl{i}", languages=("ky",)) for i in range(3)]
    await form_circles(runner)
    return mentor, girls, db_rows(runner, "SELECT id, name FROM circles")[0]


async def test_an_open_circle_takes_a_girl_who_fits_and_shows_her_no_history(bot, users, runner, admin):
    mentor, girls, (circle_id, name) = await adults_circle(runner, users)
    assert name == "Aigul #1"
    await girls[0].send("/circle")
    await girls[0].press("✍️ Write to the circle")
    await girls[0].send("Before anyone new")
    await mentor.sees("Before anyone new")

    await mentor.send("/circle")
    assert await mentor.press("Open Aigul #1 to new members") == "Aigul #1 is open to new members."
    assert db_rows(runner, "SELECT open_to_join FROM circles") == [(1,)]

    nura = await new_mentee(runner, users, name="Nura", languages=("ky", "ru"))
    teen = await new_mentee(runner, users, name="Teen", minor=True, languages=("ky",))
    russian = await new_mentee(runner, users, name="Olga", languages=("ru",))
    excluded = await new_mentee(runner, users, name="Dina", languages=("ky",))
    await runner.services.db.execute(
        "INSERT INTO exclusions (mentee_id, mentor_id, reason, created_at) VALUES (?, ?, 'declined', ?)",
        (excluded.id, mentor.id, iso(runner.clock.now())),
    )
    # The ones who do not fit (a minor for an adults' circle, another language, an exclusion) see
    # nothing open, and a forged Ask is refused.
    for girl in (teen, russian, excluded):
        await girl.send("/circle")
        reply = await girl.sees("You are not in a circle yet.")
        assert await girl.press_data(reply.message_id, f"v1:circj:a:{circle_id}") == NOT_OPEN
        assert not [m for m in girl.emu.bot_messages(girl.id) if "open to new members" in (m.text or "")]
    assert db_rows(runner, "SELECT COUNT(*) FROM circle_members WHERE status = 'asked'") == [(0,)]

    await nura.send("/circle")
    await nura.sees("These circles are open to new members")
    await nura.press("Ask to join Aigul #1")
    await nura.sees("I've asked the mentor of Aigul #1")
    ask = await mentor.sees("Nura asks to join your circle Aigul #1")
    assert db_rows(runner, f"SELECT status FROM circle_members WHERE user_id = {nura.id}") == [("asked",)]
    # Someone else pressing the mentor's Accept is refused.
    seen = await girls[1].sees("Before anyone new")
    assert await girls[1].press_data(seen.message_id, f"v1:circj:y:{circle_id}:{nura.id}") == NOT_YOURS
    await mentor.press("✅ Accept", ask.message_id)
    await nura.sees("Welcome to the circle Aigul #1")
    assert await mentor.press_data(ask.message_id, f"v1:circj:y:{circle_id}:{nura.id}") == "Already answered."
    assert db_rows(runner, f"SELECT status FROM circle_members WHERE user_id = {nura.id}") == [("active",)]

    await girls[1].send("/circle")
    await girls[1].press("✍️ Write to the circle")
    await girls[1].send("Welcome, Nura!")
    await nura.sees("Welcome, Nura!")
    assert not [m for m in nura.emu.bot_messages(nura.id) if "Before anyone new" in (m.text or "")]

    # The mentor declines the next one; she is told and may ask elsewhere.
    aida = await new_mentee(runner, users, name="Aida", languages=("ky",))
    await aida.send("/circle")
    await aida.press("Ask to join Aigul #1")
    ask = await mentor.sees("Aida asks to join")
    await mentor.press("✖️ Decline", ask.message_id)
    await aida.sees("cannot take you now")
    assert db_rows(runner, f"SELECT COUNT(*) FROM circle_members WHERE user_id = {aida.id}") == [(0,)]

    # A member cannot open or close it; an admin closes it from /circles, and it is gone from the list.
    reply = await girls[2].sees("Welcome, Nura!")
    assert await girls[2].press_data(reply.message_id, f"v1:circj:c:{circle_id}") == NOT_YOURS
    await admin.start_in("English")
    await admin.send("/circles")
    overview = await admin.sees("Circles")
    assert "4 members, 2 messages and 0 sessions in 30 days" in overview.text
    assert await admin.press("Close Aigul #1 to new members") == "Aigul #1 is closed to new members."
    late = await new_mentee(runner, users, name="Late", languages=("ky",))
    await late.send("/circle")
    reply = await late.sees("You are not in a circle yet.")
    assert await late.press_data(reply.message_id, f"v1:circj:a:{circle_id}") == NOT_OPEN
    kinds = [r[0] for r in db_rows(runner, "SELECT kind FROM circle_events ORDER BY id")]
    assert kinds == ["formed", "active", "opened", "asked", "joined", "asked", "declined", "closed_to_join"]


async def test_a_session_keeps_a_circle_from_counting_as_quiet(bot, users, runner, clock):
    mentor, girls, (circle_id, _) = await adults_circle(runner, users)
    store = CircleStore(runner.services.db)
    clock.advance(timedelta(days=14))
    await meetings.schedule(
        store, circle_id, mentor.id, clock.now() + timedelta(days=6), "Rockets", clock.now(), (), lambda: "https://x"
    )
    clock.advance(timedelta(days=8))  # 22 days since it began, but a session began 2 days ago
    await run_jobs(runner.app)
    assert db_rows(runner, "SELECT nudged_at FROM circles") == [(None,)]
    clock.advance(timedelta(days=20))  # three weeks since the session
    await run_jobs(runner.app)
    await mentor.sees("has been quiet for three weeks")
    assert db_rows(runner, "SELECT kind FROM circle_events WHERE kind = 'nudged'") == [("nudged",)]


async def test_a_full_circle_refuses_a_further_ask_and_a_further_accept(bot, users, runner):
    mentor = await new_mentor(runner, users, name="Aigul", languages=("ky",))
    for i in range(7):
        await new_mentee(runner, users, name=f"Girl{i}", languages=("ky",))
    await form_circles(runner)
    circle_id = db_rows(runner, "SELECT id FROM circles")[0][0]
    active = f"SELECT COUNT(*) FROM circle_members WHERE circle_id = {circle_id} AND status = 'active'"
    assert db_rows(runner, active) == [(7,)]
    await mentor.send("/circle")
    await mentor.press("Open Aigul #1 to new members")

    # Two ask while there is room for one; the first accepted makes it 8.
    asks = {}
    for name in ("Nura", "Aida"):
        girl = await new_mentee(runner, users, name=name, languages=("ky",))
        await girl.send("/circle")
        await girl.press("Ask to join Aigul #1")
        asks[name] = (girl, await mentor.sees(f"{name} asks to join your circle Aigul #1"))
    nura, nura_ask = asks["Nura"]
    await mentor.press("✅ Accept", nura_ask.message_id)
    await nura.sees("Welcome to the circle Aigul #1")
    assert db_rows(runner, active) == [(8,)]

    # Accepting the second now does not take her in: she is told it cannot, and the circle stays at 8.
    aida, aida_ask = asks["Aida"]
    await mentor.press("✅ Accept", aida_ask.message_id)
    await aida.sees("The circle Aigul #1 cannot take you now")
    await mentor.sees("Aida is not joining Aigul #1")
    assert db_rows(runner, active) == [(8,)]
    assert db_rows(runner, f"SELECT COUNT(*) FROM circle_members WHERE user_id = {aida.id}") == [(0,)]
    assert db_rows(runner, "SELECT detail FROM circle_events WHERE kind = 'declined'") == [("full",)]

    # A further ask: the full circle is not offered, and a forged Ask is refused as full.
    late = await new_mentee(runner, users, name="Late", languages=("ky",))
    await late.send("/circle")
    reply = await late.sees("You are not in a circle yet.")
    assert await late.press_data(reply.message_id, f"v1:circj:a:{circle_id}") == "This circle is full."
    assert not [m for m in late.emu.bot_messages(late.id) if "open to new members" in (m.text or "")]
    assert db_rows(runner, active) == [(8,)]
    assert db_rows(runner, "SELECT COUNT(*) FROM circle_members WHERE status = 'asked'") == [(0,)]
