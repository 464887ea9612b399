"""The session repository on a real SQLite file: slots, a booking race, reminders claimed once,
changes that re-plan, feedback given once, and the mentorship's rhythm."""

import asyncio
import re
import sqlite3
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.clock import Clock
from bot.db import Database
from bot.db.users import UserRepository
from bot.mentorship.store.requests import RequestRepository
from bot.onboarding.store import ProfileRepository
from bot.sessions import flow
from bot.sessions.rules import MIN_NOTICE, Outcome, Refusal, Refused
from bot.sessions.slot_times import SlotError
from bot.sessions.store.bookings import BookingRepository
from bot.sessions.store.feedback import FeedbackRepository
from bot.sessions.store.reminders import ReminderRepository
from bot.sessions.store.rhythm import RhythmRepository
from bot.sessions.store.sessions import SessionRepository
from bot.sessions.store.slots import SlotRefused, SlotRepository
from bot.telegram.send import Sender
from tests.support.builders import add_mentee, add_mentor

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday, 15:00 in Bishkek
OFFSETS = (timedelta(hours=24), timedelta(hours=1))
MENTOR, MENTEE, OTHER_MENTEE, STRANGER = 10, 1, 2, 99
TOMORROW_NOON = datetime(2025, 3, 4, 6, 0, tzinfo=UTC)  # Tuesday 12:00 in Bishkek


def link() -> str:
    return "https://meet.example.org/room"


class World:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.users = UserRepository(db, "Asia/Bishkek")
        self.profiles = ProfileRepository(db)
        self.requests = RequestRepository(db)
        self.sessions = SessionRepository(db)
        self.slots = SlotRepository(db)
        self.bookings = BookingRepository(db)
        self.reminders = ReminderRepository(db)
        self.feedback = FeedbackRepository(db)
        self.rhythms = RhythmRepository(db)

    async def pair(self, mentee: int, mentor: int = MENTOR) -> int:
        request = await self.requests.create_request(mentee, mentor, NOW)
        return (await self.requests.accept(request.id, mentor, NOW)).mentorship.id

    async def book(self, mentorship_id: int, mentee: int = MENTEE, start=TOMORROW_NOON, **kw):
        return await self.bookings.book(mentorship_id, mentee, start, NOW, offsets=OFFSETS, new_link=link, **kw)

    def rows(self, sql: str, *params):
        with sqlite3.connect(self.db.path) as conn:
            return [tuple(r) for r in conn.execute(sql, params).fetchall()]


@pytest.fixture
async def world(tmp_path):
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    w = World(db)
    await add_mentor(w.users, w.profiles, MENTOR, NOW, capacity=3)
    await add_mentee(w.users, w.profiles, MENTEE, NOW)
    await add_mentee(w.users, w.profiles, OTHER_MENTEE, NOW, name="Bermet")
    await w.slots.add_one_off(MENTOR, TOMORROW_NOON, 120, "Asia/Bishkek", NOW)
    yield w
    await db.close()


def refusal(error) -> Refusal:
    return error.value.code


async def test_slots_are_validated_listed_and_deleted(world):
    s = world.slots
    weekly = await s.add_weekly(MENTOR, 0, time(18), 120, "Asia/Bishkek", NOW)
    with pytest.raises(SlotRefused) as overlap:
        await s.add_weekly(MENTOR, 0, time(19), 60, "Asia/Bishkek", NOW)
    assert overlap.value.code == SlotError.OVERLAPS
    with pytest.raises(SlotRefused) as past:
        await s.add_one_off(MENTOR, NOW - timedelta(hours=1), 60, "Asia/Bishkek", NOW)
    assert past.value.code == SlotError.IN_PAST
    assert [slot.kind for slot in await s.of_mentor(MENTOR, NOW)] == ["weekly", "one_off"]
    assert not await s.delete_slot(weekly.id, STRANGER)  # only her own
    assert await s.delete_slot(weekly.id, MENTOR)
    assert [slot.kind for slot in await s.of_mentor(MENTOR, NOW)] == ["one_off"]


async def test_free_slots_leave_out_booked_time_and_its_buffer(world):
    mentorship = await world.pair(MENTEE)
    free = await world.slots.free_slots(MENTOR, NOW)
    assert [slot.start_utc for slot in free] == [TOMORROW_NOON, TOMORROW_NOON + timedelta(hours=1)]
    await world.book(mentorship)
    # The next hour starts right at the end of the session: inside the 15-minute buffer.
    assert await world.slots.free_slots(MENTOR, NOW) == []


async def test_two_bookings_of_one_slot_at_once_exactly_one_wins(world):
    first, second = await world.pair(MENTEE), await world.pair(OTHER_MENTEE)
    results = await asyncio.gather(
        world.book(first, MENTEE),
        world.book(second, OTHER_MENTEE),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Refused)]
    assert len(won) == 1 and len(lost) == 1 and lost[0].code == Refusal.SLOT_TAKEN
    assert world.rows("SELECT status, starts_at FROM sessions") == [("requested", TOMORROW_NOON.isoformat())]


async def test_the_unique_index_is_the_last_line_against_a_double_booking(world, monkeypatch):
    first, second = await world.pair(MENTEE), await world.pair(OTHER_MENTEE)
    await world.book(first, MENTEE)

    async def let_everything_through(*args, **kwargs):
        return None  # as if two writers had both passed the free-slot check

    bookings = BookingRepository(world.db)
    monkeypatch.setattr(bookings, "_bookable", let_everything_through)
    with pytest.raises(Refused) as error:
        await bookings.book(second, OTHER_MENTEE, TOMORROW_NOON, NOW, offsets=OFFSETS, new_link=link)
    assert refusal(error) == Refusal.SLOT_TAKEN
    assert len(world.rows("SELECT id FROM sessions")) == 1


async def test_confirm_plans_reminders_for_both_and_a_claim_is_taken_once(world):
    mentorship = await world.pair(MENTEE)
    session = await world.book(mentorship)
    assert session.status == "requested" and session.meeting_link == link()
    assert await world.reminders.of_session(session.id) == []
    with pytest.raises(Refused) as error:
        await world.bookings.confirm(session.id, MENTEE, NOW, offsets=OFFSETS)
    assert refusal(error) == Refusal.NOT_YOURS
    await world.bookings.confirm(session.id, MENTOR, NOW, offsets=OFFSETS)
    planned = world.rows("SELECT recipient_id, offset_seconds, due_at, status FROM reminders ORDER BY due_at, 1")
    # 21 hours ahead: the 24-hour reminder's moment has passed, so only the 1-hour ones.
    assert planned == [
        (MENTEE, 3600, (TOMORROW_NOON - OFFSETS[1]).isoformat(), "pending"),
        (MENTOR, 3600, (TOMORROW_NOON - OFFSETS[1]).isoformat(), "pending"),
    ]
    with pytest.raises(Refused) as again:
        await world.bookings.confirm(session.id, MENTOR, NOW, offsets=OFFSETS)
    assert refusal(again) == Refusal.NOT_PENDING

    due = await world.reminders.due_reminders(TOMORROW_NOON - timedelta(minutes=30))
    assert len(due) == 2
    claims = await asyncio.gather(*(world.reminders.claim_reminder(due[0].id) for _ in range(2)))
    assert sorted(claims) == [False, True]
    await world.reminders.reminder_sent(due[0].id, NOW)
    assert not await world.reminders.claim_reminder(due[0].id)
    statuses = world.rows("SELECT status, attempts FROM reminders WHERE id = ?", due[0].id)
    assert statuses == [("sent", 1)]


async def test_a_crash_mid_send_counts_as_sent_never_resent(world):
    mentorship = await world.pair(MENTEE)
    session = await world.book(mentorship)
    await world.bookings.confirm(session.id, MENTOR, NOW, offsets=OFFSETS)
    due = await world.reminders.due_reminders(TOMORROW_NOON - timedelta(minutes=30))
    assert await world.reminders.claim_reminder(due[0].id)
    # ... and the bot dies here. On start-up:
    assert await world.reminders.settle_interrupted_sends(NOW) == 1
    row = world.rows("SELECT status, error FROM reminders WHERE id = ?", due[0].id)
    assert row == [("sent", "uncertain: the bot stopped while sending")]
    assert due[0].id not in [d.id for d in await world.reminders.due_reminders(TOMORROW_NOON - timedelta(minutes=30))]


async def test_reschedule_replans_and_cancel_stops_the_reminders(world):
    mentorship = await world.pair(MENTEE)
    session = await world.book(mentorship)
    await world.bookings.confirm(session.id, MENTOR, NOW, offsets=OFFSETS)
    later = TOMORROW_NOON + timedelta(hours=1)
    old, new = await world.bookings.reschedule(session.id, MENTOR, later, NOW, offsets=OFFSETS)
    assert old.status == "cancelled" and not old.late_change
    assert (new.status, new.rescheduled_from, new.sequence) == ("confirmed", old.id, 1)
    assert await world.sessions.first_id(new.id) == session.id
    by_session = world.rows("SELECT session_id, status, COUNT(*) FROM reminders GROUP BY 1, 2 ORDER BY 1")
    assert by_session == [(old.id, "cancelled", 2), (new.id, "pending", 2)]

    await world.bookings.cancel(new.id, MENTEE, NOW)
    assert world.rows("SELECT DISTINCT status FROM reminders") == [("cancelled",)]
    with pytest.raises(Refused) as error:
        await world.bookings.cancel(new.id, MENTOR, NOW)
    assert refusal(error) == Refusal.NOT_UPCOMING


async def test_a_mentee_moving_a_session_needs_the_mentor_again(world):
    mentorship = await world.pair(MENTEE)
    session = await world.book(mentorship)
    await world.bookings.confirm(session.id, MENTOR, NOW, offsets=OFFSETS)
    _, new = await world.bookings.reschedule(
        session.id, MENTEE, TOMORROW_NOON + timedelta(hours=1), NOW, offsets=OFFSETS
    )
    assert new.status == "requested"
    assert world.rows("SELECT COUNT(*) FROM reminders WHERE session_id = ?", new.id) == [(0,)]


async def test_inside_the_notice_a_reason_is_required_and_the_late_change_recorded(world):
    mentorship = await world.pair(MENTEE)
    session = await world.book(mentorship)
    late = TOMORROW_NOON - MIN_NOTICE + timedelta(minutes=1)
    with pytest.raises(Refused) as error:
        await world.bookings.cancel(session.id, MENTEE, late)
    assert refusal(error) == Refusal.REASON_NEEDED
    with pytest.raises(Refused) as stranger:
        await world.bookings.cancel(session.id, STRANGER, late, "no")
    assert refusal(stranger) == Refusal.NOT_YOURS
    await world.bookings.cancel(session.id, MENTEE, late, "I am ill")
    assert world.rows("SELECT status, cancelled_by, cancel_reason, late_change FROM sessions") == [
        ("cancelled", MENTEE, "I am ill", 1)
    ]


async def test_feedback_is_taken_once_and_only_after_the_end(world):
    mentorship = await world.pair(MENTEE)
    session = await world.book(mentorship)
    await world.bookings.confirm(session.id, MENTOR, NOW, offsets=OFFSETS)
    during = TOMORROW_NOON + timedelta(minutes=30)
    after = TOMORROW_NOON + timedelta(hours=1)
    assert await world.feedback.due_feedback(during) == []
    with pytest.raises(Refused) as early:
        await world.feedback.record_outcome(session.id, MENTEE, Outcome.HELD, during)
    assert refusal(early) == Refusal.NOT_OVER
    assert await world.feedback.due_feedback(after) == [session.id]
    assert await world.feedback.claim_feedback(session.id, after) is not None
    assert await world.feedback.claim_feedback(session.id, after) is None

    await world.feedback.record_outcome(session.id, MENTEE, Outcome.HELD, after)
    with pytest.raises(Refused) as twice:
        await world.feedback.record_outcome(session.id, MENTEE, Outcome.NO_SHOW, after)
    assert refusal(twice) == Refusal.ANSWERED
    await world.feedback.record_feedback(session.id, MENTEE, "minutes", 45, after)
    with pytest.raises(Refused) as again:
        await world.feedback.record_feedback(session.id, MENTEE, "minutes", 90, after)
    assert refusal(again) == Refusal.ANSWERED
    with pytest.raises(Refused) as stranger:
        await world.feedback.record_outcome(session.id, STRANGER, Outcome.HELD, after)
    assert refusal(stranger) == Refusal.NOT_YOURS
    assert world.rows("SELECT user_id, outcome, minutes FROM session_feedback") == [(MENTEE, "held", 45)]
    assert world.rows("SELECT status FROM sessions") == [("held",)]


async def test_a_suspended_mentor_cannot_be_booked(world):
    mentorship = await world.pair(MENTEE)
    await world.db.execute("UPDATE users SET suspended_at = ? WHERE id = ?", (NOW.isoformat(), MENTOR))
    with pytest.raises(Refused) as error:
        await world.book(mentorship)
    assert refusal(error) == Refusal.SUSPENDED


async def test_the_rhythm_is_agreed_once_and_closes_the_mentorship_once(world):
    mentorship = await world.pair(MENTEE)
    assert await world.rhythms.add_missing_rhythms() == 1
    assert not await world.rhythms.start_rhythm(mentorship, NOW)
    await world.rhythms.agree(mentorship, MENTEE, 14, NOW)
    with pytest.raises(Refused) as twice:
        await world.rhythms.agree(mentorship, MENTOR, 7, NOW)
    assert refusal(twice) == Refusal.AGREED
    with pytest.raises(Refused) as stranger:
        await world.rhythms.agree(mentorship, STRANGER, 7, NOW)
    assert refusal(stranger) == Refusal.NOT_YOURS
    (rhythm,) = await world.rhythms.active()
    assert rhythm.meet_every_days == 14 and rhythm.state.ends_at == NOW + timedelta(days=182)
    end = rhythm.state.ends_at
    assert await world.rhythms.complete_at_programme_end(mentorship, end)
    assert not await world.rhythms.complete_at_programme_end(mentorship, end)
    assert world.rows("SELECT status, end_reason FROM mentorships") == [("completed", "programme_end")]
    assert await world.rhythms.active() == []


async def test_a_mentorship_that_stops_takes_its_future_sessions_and_reminders_with_it(tmp_path):
    """A report (paused), a block or an end: nothing of it is still booked or reminded of."""
    from bot.db import Database
    from bot.mentorship.store.reports import ReportRepository

    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    now = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    iso = now.isoformat()
    async with db.transaction() as tx:
        for uid in (1, 2):
            await tx.execute("INSERT INTO users (id, created_at, last_seen_at) VALUES (?, ?, ?)", (uid, iso, iso))
            # An adult pair: migration 0011's triggers refuse a mentorship between people without a profile.
            await tx.execute(
                "INSERT INTO profiles (user_id, step, age_band, started_at, updated_at)"
                " VALUES (?, 'done', '18+', ?, ?)",
                (uid, iso, iso),
            )
        await tx.execute(
            "INSERT INTO mentorships (id, mentee_id, mentor_id, status, started_at) VALUES (1, 1, 2, 'active', ?)",
            (iso,),
        )
        await tx.execute(
            "INSERT INTO sessions (id, mentorship_id, mentor_id, mentee_id, starts_at, minutes, status, created_at)"
            " VALUES (1, 1, 2, 1, ?, 60, 'confirmed', ?)",
            ((now + timedelta(days=2)).isoformat(), iso),
        )
        await tx.execute(
            "INSERT INTO reminders (session_id, recipient_id, offset_seconds, due_at) VALUES (1, 1, 3600, ?)",
            ((now + timedelta(days=1)).isoformat(),),
        )
    await ReportRepository(db).report(1, 1, "other", now)
    await db.close()
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        assert conn.execute("SELECT status FROM sessions").fetchone()[0] == "cancelled"
        assert conn.execute("SELECT status FROM reminders").fetchone()[0] == "cancelled"


class FakeBot:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id, text, reply_markup=None):
        self.sent.append((chat_id, text))
        return SimpleNamespace(message_id=len(self.sent))

    async def send_document(self, chat_id, document, caption=None):
        self.sent.append((chat_id, caption))


async def test_confirming_reads_both_people_once_for_the_cards_and_the_calendar_files(world):
    mentorship = await world.pair(MENTEE)
    session = await world.book(mentorship)
    bot = FakeBot()
    services = SimpleNamespace(
        db=world.db,
        bookings=world.bookings,
        sessions=world.sessions,
        settings=SimpleNamespace(reminder_offsets=OFFSETS),
        sender=Sender(bot, world.users, Clock(), ZoneInfo("Asia/Bishkek")),
    )
    statements: list[str] = []
    await world.db._conn.set_trace_callback(statements.append)
    done = await flow.confirm(services, session.id, MENTOR, NOW)
    await services.sender.send(done.notices)
    await world.db._conn.set_trace_callback(None)
    # The safety check inside the confirming transaction (is a minor's mentor's clearance held?)
    # reads profiles by rule; it is not a read for the cards.
    people_reads = [s for s in statements if re.search(r"\bFROM (users|profiles)\b", s) and "cleared_for_min" not in s]
    # One read of both names for the cards, then each reader's language and zone once.
    assert len(people_reads) <= 3, people_reads
    texts = dict((chat, text) for chat, text in bot.sent if text and "Session with" in text)
    assert "Session with your mentor Aigul" in texts[MENTEE] and "Session with your mentee Aida" in texts[MENTOR]
