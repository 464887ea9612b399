"""The mentorship use cases on a real SQLite file: what each changes, and what it tells whom."""

import sqlite3
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from bot.db import Database
from bot.db.users import UserRepository
from bot.limits.rules import Limits
from bot.mentorship import flow
from bot.mentorship.flow import Relay
from bot.mentorship.rules import EndReason, Refusal, Refused, ReportReason
from bot.notices import Msg
from bot.onboarding.store import ProfileRepository
from tests.support.builders import MatchingStores, add_mentee, add_mentor

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
MENTEE, MENTOR, OTHER_MENTEE, STRANGER, ADMIN = 1, 10, 2, 99, 900001


async def services_on(db: Database, *, minor: bool = False, cleared: bool = True) -> SimpleNamespace:
    users, profiles = UserRepository(db, "Asia/Bishkek"), ProfileRepository(db)
    stores = MatchingStores.on(db)
    await add_mentee(users, profiles, MENTEE, NOW, minor=minor)
    await add_mentee(users, profiles, OTHER_MENTEE, NOW, name="Bermet")
    await add_mentor(users, profiles, MENTOR, NOW, capacity=3, minors=cleared)
    await users.seen(ADMIN, "Admin", "en", NOW)
    return SimpleNamespace(
        db=db,
        users=users,
        profiles=profiles,
        mentorships=stores.mentorships,
        relay=stores.relay,
        reports=stores.reports,
        requests=stores.requests,
        limits=Limits(),
        settings=SimpleNamespace(admin_ids=frozenset({ADMIN})),
    )


async def pair(services, mentee=MENTEE):
    request = await services.requests.create_request(mentee, MENTOR, NOW)
    return (await services.requests.accept(request.id, MENTOR, NOW)).mentorship


def rows(db: Database, sql: str, *params):
    with sqlite3.connect(db.path) as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def texts(notice) -> list[str]:
    return [line.message if isinstance(line, Msg) else str(line) for line in notice.lines]


@pytest.fixture
async def db(tmp_path):
    database = Database(tmp_path / "bot.sqlite3")
    await database.open()
    yield database
    await database.close()


async def test_a_message_is_stored_and_goes_to_the_other_side_with_a_reply_button(db):
    services = await services_on(db)
    m = await pair(services)
    relayed = await flow.relay(services, m.id, MENTEE, "Hello <b>Aigul</b>", NOW)
    assert relayed.outcome is Relay.SENT
    [notice] = relayed.notices
    assert notice.to == MENTOR and notice.lines[-1] == "Hello <b>Aigul</b>"  # escaped when rendered
    assert notice.buttons[0][0].data.endswith(f":ship:msg:{m.id}")
    assert rows(db, "SELECT sender_id, recipient_id, text FROM relay_messages") == [
        (MENTEE, MENTOR, "Hello <b>Aigul</b>")
    ]


async def test_a_minors_contact_details_are_held_stored_as_a_flag_and_shown_to_admins_only(db):
    services = await services_on(db, minor=True)
    m = await pair(services)
    relayed = await flow.relay(services, m.id, MENTEE, "call me on +996 555 123 456", NOW)
    assert relayed.outcome is Relay.HOLD and relayed.message is None
    assert [n.to for n in relayed.notices] == [ADMIN]
    assert rows(db, "SELECT COUNT(*) FROM relay_messages") == [(0,)]
    assert rows(db, "SELECT sender_id, minor FROM contact_flags") == [(MENTEE, 1)]


async def test_adults_contact_details_are_not_sent_and_admins_are_not_told(db):
    services = await services_on(db)
    m = await pair(services)
    relayed = await flow.relay(services, m.id, MENTOR, "write to me at aigul@example.org", NOW)
    assert relayed.outcome is Relay.SHARE and relayed.notices == []
    assert rows(db, "SELECT minor, text FROM contact_flags") == [(0, "")]


async def test_a_stranger_or_a_paused_mentorship_cannot_relay(db):
    services = await services_on(db)
    m = await pair(services)
    with pytest.raises(Refused) as stranger:
        await flow.relay(services, m.id, STRANGER, "hi", NOW)
    assert stranger.value.code == Refusal.NOT_YOURS
    await flow.report(services, m.id, MENTEE, ReportReason.OTHER, NOW)
    with pytest.raises(Refused) as paused:
        await flow.relay(services, m.id, MENTOR, "hi", NOW)
    assert paused.value.code == Refusal.NOT_ACTIVE


async def test_a_mentor_not_cleared_for_minors_cannot_write_to_a_minor(db):
    services = await services_on(db, minor=True)
    m = await pair(services)
    await db.execute("UPDATE profiles SET cleared_for_minors = 0 WHERE user_id = ?", (MENTOR,))
    with pytest.raises(Refused) as held:
        await flow.relay(services, m.id, MENTOR, "hi", NOW)
    assert held.value.code == Refusal.ACCEPT_CODE


async def test_a_report_pauses_alerts_admins_and_tells_the_other_side_only_of_the_pause(db):
    services = await services_on(db)
    m = await pair(services)
    reported = await flow.report(services, m.id, MENTEE, ReportReason.CONTACT, NOW)
    assert [n.to for n in reported.notices] == [ADMIN, MENTOR]
    assert "Safety report" not in " ".join(texts(reported.notices[1]))
    assert rows(db, "SELECT status FROM mentorships") == [("paused",)]
    # The counter-report: nobody is told of a pause again.
    counter = await flow.report(services, m.id, MENTOR, ReportReason.OTHER, NOW)
    assert counter.report.counter_of == reported.report.id
    assert [n.to for n in counter.notices] == [ADMIN]
    assert [n.to for n in await flow.add_details(services, reported.report.id, MENTEE, "he asked twice")] == [ADMIN]
    assert await flow.add_details(services, reported.report.id, MENTOR, "not mine") == []


async def test_end_and_block_tell_the_other_side_and_block_excludes_the_pair(db):
    services = await services_on(db)
    m = await pair(services)
    done = await flow.end(services, m.id, MENTOR, EndReason.GOALS, NOW)
    assert done.other_name == "Aida" and [n.to for n in done.notices] == [MENTEE]
    assert len(done.notices[0].lines) == 4  # ended, reason, thanks, and /mentors for a mentee
    second = await pair(services, OTHER_MENTEE)
    blocked = await flow.block(services, second.id, OTHER_MENTEE, NOW)
    assert [n.to for n in blocked.notices] == [MENTOR] and len(blocked.notices[0].lines) == 2
    assert rows(db, "SELECT mentee_id, reason FROM exclusions") == [(OTHER_MENTEE, "blocked")]
    with pytest.raises(Refused):
        await flow.end(services, m.id, MENTOR, EndReason.GOALS, NOW)  # already over


async def test_decisions_close_once_resume_only_when_nothing_else_is_open_and_are_audited(db):
    services = await services_on(db)
    m = await pair(services)
    first = await flow.report(services, m.id, MENTEE, ReportReason.OTHER, NOW)
    counter = await flow.report(services, m.id, MENTOR, ReportReason.OTHER, NOW)
    decided = await flow.decide(services, first.report.id, ADMIN, "dismiss", NOW)
    assert [n.to for n in decided.notices] == [MENTEE]  # still paused: the counter-report is open
    assert rows(db, "SELECT status FROM mentorships") == [("paused",)]
    assert await flow.decide(services, first.report.id, ADMIN, "warn", NOW) is None
    decided = await flow.decide(services, counter.report.id, ADMIN, "warn", NOW)
    assert [n.to for n in decided.notices] == [MENTEE, MENTOR]  # warned, and the reporter hears
    assert rows(db, "SELECT status FROM mentorships") == [("active",)]
    assert rows(db, "SELECT action FROM admin_audit ORDER BY id") == [("report_dismiss",), ("report_warn",)]


async def test_suspending_a_mentor_ends_all_her_mentorships_and_withdraws_her_requests(db):
    services = await services_on(db)
    m = await pair(services)
    second = await pair(services, OTHER_MENTEE)
    await db.execute("UPDATE profiles SET capacity = 5 WHERE user_id = ?", (MENTOR,))
    reported = await flow.report(services, m.id, MENTEE, ReportReason.CONTACT, NOW)
    decided = await flow.decide(services, reported.report.id, ADMIN, "suspend", NOW)
    assert [n.to for n in decided.notices] == [MENTOR, MENTEE, OTHER_MENTEE]
    assert rows(db, "SELECT id, status FROM mentorships ORDER BY id") == [(m.id, "cancelled"), (second.id, "cancelled")]
    assert rows(db, "SELECT suspended_at IS NOT NULL FROM users WHERE id = ?", MENTOR) == [(1,)]


async def test_erasure_ends_each_current_mentorship_and_tells_the_other_side(db):
    services = await services_on(db)
    await pair(services)
    await pair(services, OTHER_MENTEE)
    told = await flow.end_all_for_erasure(services, MENTOR, NOW)
    assert sorted(n.to for n in told) == [MENTEE, OTHER_MENTEE]
    assert rows(db, "SELECT DISTINCT status, end_reason FROM mentorships") == [("cancelled", "erased")]
    assert await flow.end_all_for_erasure(services, MENTOR, NOW) == []
