"""The mentorship repository on a real SQLite file: every limit, races, and claims made once."""

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.db import Database
from bot.db.users import UserRepository
from bot.mentorship.rules import EXPIRE_AFTER, MAX_PENDING_REQUESTS, NUDGE_AFTER, Refusal, Refused
from bot.onboarding.store import ProfileRepository
from tests.support.builders import MatchingStores, add_mentee, add_mentor

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
ADMIN = 900001


@pytest.fixture
async def repos(tmp_path):
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    users, profiles = UserRepository(db, "Asia/Bishkek"), ProfileRepository(db)
    yield users, profiles, MatchingStores.on(db)
    await db.close()


async def one_mentee_two_mentors(repos):
    """Mentee 1, and mentors 10 and 11 (Bermet), on file."""
    users, profiles, repo = repos
    await add_mentee(users, profiles, 1, NOW)
    await add_mentor(users, profiles, 10, NOW)
    await add_mentor(users, profiles, 11, NOW, name="Bermet")
    return repo


async def aida_asks_aigul(repos):
    """Mentee 1 and mentor 10 on file, and 1's pending request to 10."""
    users, profiles, repo = repos
    await add_mentee(users, profiles, 1, NOW)
    await add_mentor(users, profiles, 10, NOW)
    return repo, await repo.requests.create_request(1, 10, NOW)


def refusal(error) -> Refusal:
    return error.value.code


async def test_a_request_is_stored_with_its_score_expiry_and_event(repos):
    users, profiles, repo = repos
    await add_mentee(users, profiles, 1, NOW)
    await add_mentor(users, profiles, 10, NOW)
    request = await repo.requests.create_request(1, 10, NOW, note="Hi <b>there</b>")
    assert request.status == "pending" and request.note == "Hi <b>there</b>" and request.source == "mentee"
    assert 0 < request.score <= 100 and request.expires_at == NOW + EXPIRE_AFTER
    assert [e["event"] for e in await repo.mentorships.events(request_id=request.id)] == ["requested"]


async def test_at_most_three_pending_requests_and_one_per_mentor(repos):
    users, profiles, repo = repos
    await add_mentee(users, profiles, 1, NOW)
    for mentor in range(10, 14):
        await add_mentor(users, profiles, mentor, NOW, name=f"M{mentor}")
    for mentor in range(10, 10 + MAX_PENDING_REQUESTS):
        await repo.requests.create_request(1, mentor, NOW)
    with pytest.raises(Refused) as error:
        await repo.requests.create_request(1, 10, NOW)
    assert refusal(error) == Refusal.ALREADY_ASKED
    with pytest.raises(Refused) as error:
        await repo.requests.create_request(1, 13, NOW)
    assert refusal(error) == Refusal.TOO_MANY_PENDING
    assert len(await repo.requests.pending_requests(mentee_id=1)) == MAX_PENDING_REQUESTS


async def test_hard_rules_refuse_requests_to_mentors_she_may_not_have(repos):
    users, profiles, repo = repos
    await add_mentee(users, profiles, 1, NOW, minor=True)
    await add_mentor(users, profiles, 10, NOW)  # not cleared for minors
    await add_mentor(users, profiles, 11, NOW, minors=True, approve=False)
    await add_mentor(users, profiles, 12, NOW, minors=True, languages=("en",))
    await add_mentee(users, profiles, 2, NOW, name="Other")
    for mentor in (10, 11, 12, 2, 999):
        with pytest.raises(Refused) as error:
            await repo.requests.create_request(1, mentor, NOW)
        assert refusal(error) == Refusal.MENTOR_UNAVAILABLE, mentor
    with pytest.raises(Refused) as error:
        await repo.requests.create_request(10, 1, NOW)  # a mentor cannot request
    assert refusal(error) == Refusal.NOT_A_MENTEE


async def test_two_mentors_accepting_the_same_mentee_at_once_only_one_wins(repos):
    repo = await one_mentee_two_mentors(repos)
    first = await repo.requests.create_request(1, 10, NOW)
    second = await repo.requests.create_request(1, 11, NOW)
    outcomes = await asyncio.gather(
        repo.requests.accept(first.id, 10, NOW), repo.requests.accept(second.id, 11, NOW), return_exceptions=True
    )
    won = [o for o in outcomes if not isinstance(o, Exception)]
    lost = [o for o in outcomes if isinstance(o, Exception)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], Refused) and lost[0].code in (Refusal.ANSWERED, Refusal.MENTEE_TAKEN)
    assert [r.id for r in won[0].withdrawn] == [second.id if won[0].request.id == first.id else first.id]
    assert len(await repo.mentorships.current(1)) == 1
    statuses = {
        r.id: r.status for r in (await repo.requests.get_request(first.id), await repo.requests.get_request(second.id))
    }
    assert sorted(statuses.values()) == ["accepted", "withdrawn"]


async def test_one_mentor_accepting_past_her_capacity_at_once_only_fills_it(repos):
    users, profiles, repo = repos
    await add_mentor(users, profiles, 10, NOW, capacity=1)
    requests = []
    for mentee in (1, 2, 3):
        await add_mentee(users, profiles, mentee, NOW, name=f"Mentee{mentee}")
        requests.append(await repo.requests.create_request(mentee, 10, NOW))
    outcomes = await asyncio.gather(*(repo.requests.accept(r.id, 10, NOW) for r in requests), return_exceptions=True)
    assert sum(not isinstance(o, Exception) for o in outcomes) == 1
    assert {o.code for o in outcomes if isinstance(o, Refused)} == {Refusal.MENTOR_FULL}
    assert len(await repo.mentorships.current(10)) == 1
    # Full, she is no longer offered: new requests are refused too.
    await add_mentee(users, profiles, 4, NOW, name="Mentee4")
    with pytest.raises(Refused) as error:
        await repo.requests.create_request(4, 10, NOW)
    assert refusal(error) == Refusal.MENTOR_UNAVAILABLE


async def test_one_active_mentorship_per_mentee_even_if_the_code_forgot(repos, tmp_path):
    repo = await one_mentee_two_mentors(repos)
    accepted = await repo.requests.accept((await repo.requests.create_request(1, 10, NOW)).id, 10, NOW)
    assert accepted.mentorship.status == "active"
    with pytest.raises(Refused) as error:
        await repo.requests.create_request(1, 11, NOW)
    assert refusal(error) == Refusal.HAS_MENTOR
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO mentorships (mentee_id, mentor_id, status, started_at) VALUES (1, 11, 'active', 'x')")


async def test_who_may_answer_a_request_and_when(repos):
    repo = await one_mentee_two_mentors(repos)
    request = await repo.requests.create_request(1, 10, NOW)
    for actor, code in ((11, Refusal.NOT_YOURS), (1, Refusal.OWN_REQUEST)):
        with pytest.raises(Refused) as error:
            await repo.requests.accept(request.id, actor, NOW)
        assert refusal(error) == code
    with pytest.raises(Refused) as error:
        await repo.requests.accept(request.id, 10, NOW + EXPIRE_AFTER)
    assert refusal(error) == Refusal.EXPIRED
    await repo.requests.accept(request.id, 10, NOW)
    with pytest.raises(Refused) as error:
        await repo.requests.accept(request.id, 10, NOW)
    assert refusal(error) == Refusal.ANSWERED
    with pytest.raises(Refused) as error:
        await repo.requests.decline(request.id, 10, "no_time", NOW)
    assert refusal(error) == Refusal.ANSWERED


async def test_a_decline_excludes_the_pair_for_good(repos):
    repo, request = await aida_asks_aigul(repos)
    declined = await repo.requests.decline(request.id, 10, "no_time", NOW)
    assert declined.status == "declined" and declined.decline_reason == "no_time"
    assert (1, 10) in await repo.candidates.exclusions(1)
    with pytest.raises(Refused) as error:
        await repo.requests.create_request(1, 10, NOW)
    assert refusal(error) == Refusal.MENTOR_UNAVAILABLE


async def test_nudge_and_expiry_claims_run_twice_happen_once(repos):
    repo, request = await aida_asks_aigul(repos)
    assert await repo.expiry.due_nudges(NOW + NUDGE_AFTER - timedelta(minutes=1), NUDGE_AFTER) == []
    later = NOW + NUDGE_AFTER
    assert await repo.expiry.due_nudges(later, NUDGE_AFTER) == [request.id]
    claims = await asyncio.gather(*(repo.expiry.claim_nudge(request.id, later) for _ in range(2)))
    assert sum(c is not None for c in claims) == 1
    assert await repo.expiry.due_nudges(later, NUDGE_AFTER) == []
    assert await repo.expiry.due_expiries(later) == []
    end = NOW + EXPIRE_AFTER
    assert await repo.expiry.due_expiries(end) == [request.id]
    expiries = await asyncio.gather(*(repo.expiry.expire(request.id, end) for _ in range(2)))
    assert sum(e is not None for e in expiries) == 1
    assert (await repo.requests.get_request(request.id)).status == "expired"
    events = [e["event"] for e in await repo.mentorships.events(request_id=request.id)]
    assert events == ["requested", "nudged", "expired"]


async def test_three_expiries_in_a_row_pause_the_mentor_and_close_her_other_requests(repos):
    users, profiles, repo = repos
    await add_mentor(users, profiles, 10, NOW, capacity=5)
    for mentee in range(1, 6):
        await add_mentee(users, profiles, mentee, NOW, name=f"Mentee{mentee}")
    requests = [await repo.requests.create_request(m, 10, NOW + timedelta(minutes=m)) for m in range(1, 5)]
    # An answer in between starts the count again.
    await repo.requests.decline((await repo.requests.create_request(5, 10, NOW)).id, 10, "other", NOW)
    end = NOW + EXPIRE_AFTER + timedelta(minutes=3)
    results = [await repo.expiry.expire(r.id, end) for r in requests[:3]]
    assert [r.mentor_paused for r in results] == [False, False, True]
    assert [r.id for r in results[2].withdrawn] == [requests[3].id]
    profile = await profiles.get(10)
    assert profile.mentor_paused
    assert (await repo.candidates.mentor_profile(10)).paused


async def test_contacts_need_both_and_never_for_a_minor(repos):
    users, profiles, repo = repos
    await add_mentee(users, profiles, 1, NOW)
    await add_mentee(users, profiles, 2, NOW, name="Dana", minor=True)
    await add_mentor(users, profiles, 10, NOW, minors=True)
    adult = (await repo.requests.accept((await repo.requests.create_request(1, 10, NOW)).id, 10, NOW)).mentorship
    minor = (await repo.requests.accept((await repo.requests.create_request(2, 10, NOW)).id, 10, NOW)).mentorship
    _, both = await repo.mentorships.share_contact(adult.id, 1, NOW)
    assert not both
    _, both = await repo.mentorships.share_contact(adult.id, 1, NOW)  # a double press
    assert not both
    shared, both = await repo.mentorships.share_contact(adult.id, 10, NOW)
    assert both and shared.contacts_sent_at is not None
    _, again = await repo.mentorships.share_contact(adult.id, 10, NOW)
    assert not again  # sent once
    for who in (2, 10):
        with pytest.raises(Refused) as error:
            await repo.mentorships.share_contact(minor.id, who, NOW)
        assert refusal(error) == Refusal.MINOR
    with pytest.raises(Refused) as error:
        await repo.mentorships.share_contact(adult.id, 2, NOW)
    assert refusal(error) == Refusal.NOT_YOURS


async def test_report_pauses_block_cancels_end_completes_each_recorded(repos):
    users, profiles, repo = repos
    for mentee in (1, 2, 3):
        await add_mentee(users, profiles, mentee, NOW, name=f"Mentee{mentee}")
    await add_mentor(users, profiles, 10, NOW, capacity=3)
    ships = [
        (await repo.requests.accept((await repo.requests.create_request(m, 10, NOW)).id, 10, NOW)).mentorship
        for m in (1, 2, 3)
    ]
    message = await repo.relay.relay(ships[0].id, 10, "Hello!", NOW)
    assert message.recipient_id == 1
    report = await repo.reports.report(ships[0].id, 1, "inappropriate", NOW)
    assert report.reported_id == 10 and (await repo.mentorships.get(ships[0].id)).status == "paused"
    with pytest.raises(Refused) as error:
        await repo.relay.relay(ships[0].id, 10, "Are you there?", NOW)
    assert refusal(error) == Refusal.NOT_ACTIVE
    assert (await repo.mentorships.block(ships[1].id, 2, NOW)).status == "cancelled"
    ended = await repo.mentorships.end(ships[2].id, 10, "goals", NOW)
    assert ended.status == "completed" and ended.end_reason == "goals"
    with pytest.raises(Refused) as error:
        await repo.mentorships.end(ships[2].id, 10, "goals", NOW)
    assert refusal(error) == Refusal.NOT_ACTIVE
    assert {(1, 10), (2, 10)} <= await repo.candidates.exclusions()
    assert [e["event"] for e in await repo.mentorships.events(mentorship_id=ships[0].id)] == [
        "active",
        "paused",
    ]
    assert [e["event"] for e in await repo.mentorships.events(mentorship_id=ships[1].id)] == [
        "active",
        "cancelled",
    ]
    assert [m.text for m in await repo.relay.last_messages(ships[0].id, 5)] == ["Hello!"]


async def test_a_cohort_run_is_claimed_once(repos):
    users, profiles, repo = repos
    await add_mentee(users, profiles, 1, NOW)
    await users.seen(ADMIN, "Admin", "en", NOW)
    run = await repo.cohort_runs.save_cohort_run(ADMIN, {"pairs": [[1, 10, 80]], "unmatched": {}, "ids": [1, 10]}, NOW)
    claims = await asyncio.gather(
        repo.cohort_runs.claim_cohort_run(run, NOW), repo.cohort_runs.claim_cohort_run(run, NOW)
    )
    assert sum(c is not None for c in claims) == 1
    assert await repo.cohort_runs.cohort_run_status(run) == "confirmed"


async def test_erasing_a_user_erases_her_rows_and_previews_naming_her(repos, tmp_path):
    users, profiles, repo = repos
    await add_mentee(users, profiles, 1, NOW)
    await add_mentor(users, profiles, 10, NOW)
    ship = (await repo.requests.accept((await repo.requests.create_request(1, 10, NOW)).id, 10, NOW)).mentorship
    await repo.relay.relay(ship.id, 1, "Hi", NOW)
    await repo.reports.report(ship.id, 1, "other", NOW)
    await repo.cohort_runs.save_cohort_run(10, {"pairs": [], "unmatched": {"1": "full"}, "ids": [1]}, NOW)
    await profiles.erase(1, NOW)
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        for table in (
            "requests",
            "mentorships",
            "mentorship_events",
            "relay_messages",
            "exclusions",
            "cohort_runs",
        ):
            assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
        # Her open report stays for the admins, without her id, with the messages it rests on (F3).
        report = conn.execute("SELECT reporter_id, reported_id, mentorship_id, status FROM reports").fetchall()
        assert report == [(None, 10, None, "open")]
        assert conn.execute("SELECT kind, sender, text FROM report_evidence").fetchall() == [
            ("message", "mentee", "Hi")
        ]
