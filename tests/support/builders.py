"""Builders: people and pairs in a known state, through the real repositories (fast) or, for
onboarding, through the real flow (`onboard_english_mentee`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.conduct import store as conduct_store
from bot.conduct.rules import VERSION as CONDUCT_VERSION
from bot.db import Database
from bot.matching import notices
from bot.matching.store import CandidateRepository, CohortRunRepository
from bot.mentorship.store.expiry import RequestExpiryRepository
from bot.mentorship.store.mentorships import MentorshipRepository
from bot.mentorship.store.relay import RelayRepository
from bot.mentorship.store.reports import ReportRepository
from bot.mentorship.store.requests import RequestRepository
from tests.support.personas import ADMIN_ID as APPROVED_BY


async def _answered(users, profiles, user_id, now, name, language, answers):
    """Her user row and a profile with every answer given, waiting at the summary."""
    await users.seen(user_id, name, language, now)
    await users.set_language(user_id, language)
    await profiles.start(user_id, now, "role")
    await profiles.save(user_id, now, step="summary", consent_at=now.isoformat(), display_name=name, **answers)


async def add_mentee(
    users,
    profiles,
    user_id,
    now,
    *,
    name="Aida",
    minor=False,
    languages=("ky", "ru"),
    fields=("it",),
    goals=("first_job",),
    language="en",
    region="bishkek",
):
    """A mentee who finished onboarding, written through the repositories."""
    answers = dict(
        role="mentee",
        age_band="14-17" if minor else "18+",
        is_minor=minor,
        guardian_consent_at=now.isoformat() if minor else None,
        region=region,
        stage="school" if minor else "university",
        fields=set(fields),
        goals=set(goals),
        languages=set(languages),
        availability={"wd_evening"},
        meeting_format="online",
    )
    await _answered(users, profiles, user_id, now, name, language, answers)
    assert await profiles.complete(user_id, now, mentor=False)


async def add_mentor(
    users,
    profiles,
    user_id,
    now,
    *,
    name="Aigul",
    capacity=2,
    minors=False,
    languages=("ky",),
    fields=("it",),
    topics=("first_job", "confidence"),
    language="en",
    approve=True,
    region="osh_city",
    title="Engineer",
    organisation="Kyrgyz Telecom",
):
    """An approved mentor (unless approve=False), written through the repositories."""
    answers = dict(
        role="mentor",
        age_band="18+",
        is_minor=False,
        region=region,
        stage="experienced",
        fields=set(fields),
        goals=set(topics),
        languages=set(languages),
        availability={"wd_evening", "weekend"},
        meeting_format="both",
        job_title=title,
        organisation=organisation,
        bio="I love helping girls into tech.",
        capacity=capacity,
        link_answered=True,
    )
    await _answered(users, profiles, user_id, now, name, language, answers)
    assert await profiles.complete(user_id, now, mentor=True)
    await conduct_store.accept(profiles._db, user_id, CONDUCT_VERSION, now)
    if approve:
        assert await profiles.decide_mentor(user_id, "approved", APPROVED_BY, now, cleared_for_minors=minors)


async def new_mentee(runner, users, name="Aida", **kwargs):
    persona = users.new(name, "en")
    services = runner.services
    await add_mentee(services.users, services.profiles, persona.id, runner.clock.now(), name=name, **kwargs)
    return persona


async def new_mentor(runner, users, name="Aigul", **kwargs):
    persona = users.new(name, "en")
    services = runner.services
    await add_mentor(services.users, services.profiles, persona.id, runner.clock.now(), name=name, **kwargs)
    return persona


async def matched(runner, mentee, mentor):
    services = runner.services
    request = await services.requests.create_request(mentee.id, mentor.id, runner.clock.now())
    return (await services.requests.accept(request.id, mentor.id, runner.clock.now())).mentorship


async def request_card(runner, mentee, mentor, note=None):
    """A request as if she had sent it, and its card in the mentor's chat."""
    services = runner.services
    request = await services.requests.create_request(mentee.id, mentor.id, runner.clock.now(), note=note)
    await services.sender.send([notices.request_card(request, await services.profiles.get(mentee.id))])
    card = await mentor.sees_buttons("✅ Accept")
    return request, card


async def pair(runner, users, *, mentee="Aida", mentor="Aigul", minor=False, **kwargs):
    """A mentee and a mentor in an active mentorship (through the repositories)."""
    language = kwargs.pop("language", "en")
    mentor_language = kwargs.pop("mentor_language", "en")
    aida = await new_mentee(runner, users, name=mentee, minor=minor, language=language)
    aigul = await new_mentor(runner, users, name=mentor, minors=minor, language=mentor_language)
    mentorship = await matched(runner, aida, aigul)
    return aida, aigul, mentorship


async def minor_and_mentor(runner, users, *, name="Dana"):
    """A girl under 18 with her guardian's consent, and a mentor cleared for minors (not matched)."""
    girl = await new_mentee(runner, users, name=name, minor=True)
    aigul = await new_mentor(runner, users, minors=True)
    return girl, aigul


async def minor_pair(runner, users, *, name="Dana"):
    """A girl under 18 in an active mentorship with a mentor cleared for minors."""
    girl, aigul = await minor_and_mentor(runner, users, name=name)
    return girl, aigul, await matched(runner, girl, aigul)


async def write_through_the_bot(person, text):
    """She opens /mentorship and sends `text` to the other person through the bot."""
    await person.send("/mentorship")
    await person.press("✉️ Message through the bot")
    await person.send(text)


async def free_hour(runner, mentor, hours_ahead=26, minutes=60):
    """A one-off slot of the mentor's starting on a whole hour about `hours_ahead` from now."""
    start = (runner.clock.now() + timedelta(hours=hours_ahead)).replace(minute=0, second=0, microsecond=0)
    await runner.services.slots.add_one_off(mentor.id, start, minutes, "Asia/Bishkek", runner.clock.now())
    return start


async def confirmed_session(runner, mentorship, start):
    services = runner.services
    now = runner.clock.now()
    offsets = services.settings.reminder_offsets
    session = await services.bookings.book(
        mentorship.id, mentorship.mentee_id, start, now, offsets=offsets, new_link=lambda: "x"
    )
    return await services.bookings.confirm(session.id, mentorship.mentor_id, now, offsets=offsets)


async def pick_many(user, *labels, done="Done ✔️"):
    """A question with several answers: each pressed and shown ticked, then `done`."""
    for label in labels:
        await user.press(label)
        await user.sees_buttons("✅ " + label)
    await user.press(done)


async def to_the_age_question(user, *, role="I want a mentor"):
    """From /start in English: the role chosen and the consent given."""
    await user.start_in("English")
    await user.press(role)
    await user.press("I agree")


async def to_the_name_question(user, *, role="I want a mentor", age="18 or older"):
    """From /start in English up to "What should I call you?", each answer checked on its way."""
    await to_the_age_question(user, role=role)
    await user.sees_buttons(age)
    await user.press(age)
    if age == "14–17":
        await user.press("Yes, my parent or guardian agrees")
    await user.sees("What should I call you?")


async def to_the_name_question_in_kyrgyz(user):
    """From /start in Kyrgyz, as a mentee of 18 or older, up to the question of her name."""
    await user.start_in("Кыргызча")
    await user.presses("Мага ментор керек", "Макулмун", "18 жаш жана андан улуу")
    await user.sees_buttons("⬅️ Артка")


async def _shared_answers(user, name, region_and_stage, choices, meeting_format):
    """What mentees and mentors both answer after the name question, each pressed as she would."""
    await user.send(name)
    await user.presses(*region_and_stage)
    for labels in choices:
        await pick_many(user, *labels)
    await user.press(meeting_format)


async def onboard_english_mentee(user, *, age="18 or older"):
    await to_the_name_question(user, age=age)
    fields, goals = ("Software and IT", "Data and AI"), ("Finding a first job or internship",)
    choices = [fields, goals, ("Kyrgyz", "Russian"), ("Weekday evenings",)]
    await _shared_answers(user, "Aida 🌸", ("Bishkek", "At university"), choices, "Online")
    return await user.sees_buttons("✅ Confirm")


async def onboard_english_mentor(user, *, link="https://meet.jit.si/aigul-stem"):
    await to_the_name_question(user, role="I want to mentor")
    choices = [("Engineering",), ("Confidence", "Leadership"), ("Kyrgyz",), ("Weekends",)]
    await _shared_answers(user, "Aigul", ("Osh city", "Experienced professional"), choices, "Both")
    await user.answer("job title", "Civil engineer")
    await user.answer("Where do you work?", "Kyrgyz State Technical University")
    await user.answer("Tell mentees about yourself", "I build bridges <b>and</b> I love it.")
    await user.press("3")
    await user.sees_buttons("Skip")
    if link:
        await user.send(link)
    else:
        await user.press("Skip")
    return await user.sees_buttons("✅ Confirm")


async def onboarded_english_mentee(user, **kwargs):
    """`onboard_english_mentee`, confirmed: her profile is done."""
    await onboard_english_mentee(user, **kwargs)
    await user.press("✅ Confirm")
    await user.sees("/mentors")


async def approved_english_mentor(user, admin, *, approve="✅ Approve", **kwargs):
    """`onboard_english_mentor`, confirmed, the code accepted and approved by the admin through the bot."""
    await onboard_english_mentor(user, **kwargs)
    await user.press("✅ Confirm")
    card = await admin.sees("New mentor to check")
    await user.press("✅ I accept the code")
    await admin.press(approve, card.message_id)
    await user.sees("you are approved as a mentor")


async def english_subscriber(users, name="Sara"):
    sara = users.new(name, "en")
    await sara.start_in("English")
    await sara.presses("Only stories", "I agree", "18 or older")
    await sara.answer("What should I call you?", name)
    await sara.presses("Bishkek", "Leader", "✅ Confirm")
    await sara.sees("twice a week")
    return sara


def reminders_seen(emulator, user):
    return [m for m in emulator.bot_messages(user.id) if (m.text or "").startswith("⏰")]


RECIPIENTS = 60


async def seed_members(emulator, database_path, count=RECIPIENTS):
    """Women who already chose a language: rows as the bot would have written them."""
    db = Database(database_path)
    await db.open()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    ids = [emulator.add_user(first_name=f"W{i}", language_code="ru") for i in range(count)]
    async with db.transaction() as tx:
        await tx.executemany(
            "INSERT INTO users (id, language, first_name, created_at, last_seen_at) VALUES (?, 'ru', ?, ?, ?)",
            [(uid, f"W{i}", now, now) for i, uid in enumerate(ids)],
        )
    await db.close()
    return ids


async def send_confirmed_cards(runner, session, intro="Your session is confirmed! 🎉"):
    """Both people get the confirmed session's card and .ics, as after the mentor's Confirm."""
    from bot.sessions import notices

    services = runner.services
    people = await services.sessions.people(session)
    first = await services.sessions.first_id(session.id)
    await services.sender.send(notices.both_confirmed(session, people, intro, first, runner.clock.now()))


@dataclass(frozen=True)
class MatchingStores:
    """The repositories of matching and mentorship on one database, for tests that drive them directly."""

    mentorships: MentorshipRepository
    relay: RelayRepository
    candidates: CandidateRepository
    requests: RequestRepository
    expiry: RequestExpiryRepository
    reports: ReportRepository
    cohort_runs: CohortRunRepository

    @classmethod
    def on(cls, db: Database) -> MatchingStores:
        return cls(
            MentorshipRepository(db),
            RelayRepository(db),
            CandidateRepository(db),
            RequestRepository(db),
            RequestExpiryRepository(db),
            ReportRepository(db),
            CohortRunRepository(db),
        )
