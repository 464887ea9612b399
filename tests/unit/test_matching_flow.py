"""The request use cases on a real SQLite file: what each returns to whom where the rules branch."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import Clock
from bot.config import Settings
from bot.contact_guard.rules import Action
from bot.db import Database
from bot.i18n import translator
from bot.matching import flow
from bot.mentorship.rules import EXPIRE_AFTER, MISSED_TO_PAUSE, Refusal, Refused
from bot.notices import render_text
from bot.services import Services
from tests.support.builders import add_mentee, add_mentor

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Bishkek")
ADMIN = 900001


@pytest.fixture
async def services(tmp_path):
    settings = Settings(
        bot_token=None,
        admin_ids=frozenset({ADMIN}),
        database_path=Path(tmp_path / "bot.sqlite3"),
        api_base_url="http://127.0.0.1:1/bot",
        default_timezone=ZONE,
        webhook_url=None,
        webhook_secret=None,
        port=0,
        broadcast_rate=25.0,
        reminder_offsets=(timedelta(hours=24),),
        log_level="WARNING",
    )
    db = Database(settings.database_path)
    services = await Services.open(settings, Clock(), db, None)
    yield services
    await services.close()


def shown(notice) -> str:
    return render_text(notice, translator("en"), ZONE)


async def people(services, *, minor=False, mentors=1):
    await add_mentee(services.users, services.profiles, 1, NOW, minor=minor)
    for i in range(mentors):
        await add_mentor(services.users, services.profiles, 10 + i, NOW, name=f"Mentor{i}", minors=minor)


async def test_a_request_gives_her_the_sent_reply_and_the_mentor_the_card(services):
    await people(services)
    done = await flow.request(services, 1, 10, "Hi <b>there</b>", NOW)
    assert done.held is None and done.request.status == "pending"
    [card] = done.notices
    assert card.to == 10 and "A new mentee would like you" in shown(card)
    assert "Hi &lt;b&gt;there&lt;/b&gt;" in shown(card)  # her note escaped
    assert [b.data for b in card.buttons[0]] == [f"v1:req:acc:{done.request.id}", f"v1:req:dec:{done.request.id}"]


async def test_a_minors_note_with_contacts_is_held_and_the_admins_see_it(services):
    await people(services, minor=True)
    done = await flow.request(services, 1, 10, "text me at +996 555 123 456", NOW)
    assert done.held is Action.HOLD and done.request is None
    assert [n.to for n in done.notices] == [ADMIN]
    assert await services.requests.pending_requests(mentee_id=1) == []


async def test_an_adults_note_with_contacts_is_refused_without_telling_the_admins(services):
    await people(services)
    done = await flow.request(services, 1, 10, "mail me: aida@example.com", NOW)
    assert done.held is Action.SHARE and done.notices == []


async def test_accept_introduces_both_and_closes_her_other_requests(services):
    await people(services, mentors=2)
    first = (await flow.request(services, 1, 10, None, NOW)).request
    await flow.request(services, 1, 11, None, NOW)
    done = await flow.accept(services, first.id, 10, NOW)
    told = {(n.to, shown(n).splitlines()[0]) for n in done.notices}
    assert (1, "🎉 Good news: Mentor0 accepted your request! Meet your mentor:") in told
    assert any(to == 10 and "You are now mentoring Aida" in line for to, line in told)
    assert (11, "Aida has found a mentor, so her request to you is closed. Thank you for your time! 🌷") in told
    assert sum("Your agreement" in shown(n) for n in done.notices) == 2


async def test_a_third_person_can_not_answer_a_request(services):
    await people(services, mentors=2)
    request = (await flow.request(services, 1, 10, None, NOW)).request
    with pytest.raises(Refused) as error:
        await flow.accept(services, request.id, 11, NOW)
    assert error.value.code == Refusal.NOT_YOURS
    with pytest.raises(Refused) as error:
        await flow.withdraw(services, request.id, 10, NOW, block=False)
    assert error.value.code == Refusal.NOT_YOURS


async def test_a_decline_offers_her_the_next_best_match(services):
    await people(services, mentors=2)
    request = (await flow.request(services, 1, 10, None, NOW)).request
    done = await flow.decline(services, request.id, 10, "no_time", NOW)
    assert [n.to for n in done.notices] == [1, 1]
    assert "Here is your next best match:" in shown(done.notices[0])
    assert "Mentor1" in shown(done.notices[1]) and done.notices[1].buttons  # the card with Request


async def test_expiry_re_offers_and_the_third_miss_pauses_the_mentor(services):
    await people(services)
    for mentee in (2, 3):
        await add_mentee(services.users, services.profiles, mentee, NOW, name=f"Mentee{mentee}")
    for mentee in (1, 2, 3):
        await flow.request(services, mentee, 10, None, NOW + timedelta(minutes=mentee))
    told = await flow.expire_due(services, NOW + EXPIRE_AFTER + timedelta(hours=1))
    to_mentor = [shown(n) for n in told if n.to == 10]
    assert len(to_mentor) == MISSED_TO_PAUSE
    assert "stopped suggesting you" in to_mentor[-1] and "stopped suggesting you" not in to_mentor[0]
    assert all(any(n.to == mentee for n in told) for mentee in (1, 2, 3))
    assert await flow.expire_due(services, NOW + EXPIRE_AFTER + timedelta(hours=2)) == []  # once


async def test_withdraw_all_tells_both_sides_and_never_re_offers_the_one_leaving(services):
    await people(services, mentors=2)
    await add_mentor(services.users, services.profiles, 20, NOW, name="Leaving")
    await add_mentee(services.users, services.profiles, 2, NOW, name="Dana")
    await flow.request(services, 1, 10, None, NOW)
    await flow.request(services, 2, 20, None, NOW)
    # The mentee leaves: her mentor hears of it.
    told = await flow.withdraw_all(services, 1, NOW)
    assert [(n.to, shown(n)) for n in told] == [(10, "Aida has withdrawn her request.")]
    # The mentor leaves: her mentee is offered someone else, never her.
    told = await flow.withdraw_all(services, 20, NOW)
    assert told[0].to == 2 and "Leaving has left the programme" in shown(told[0])
    assert all("Leaving\n" not in shown(n) for n in told[1:])
    assert await services.requests.pending_requests(mentor_id=20) == []


async def test_a_question_is_counted_and_the_answer_goes_back_to_the_mentor(services):
    await people(services)
    request = (await flow.request(services, 1, 10, None, NOW)).request
    asked = await flow.ask(services, request.id, 10, "Why STEM?", NOW)
    assert asked.notices[0].to == 1 and asked.notices[0].buttons[0][0].data.startswith("v1:req:ans:")
    answered = await flow.answer(services, request.id, 1, "Because I love it", NOW)
    assert answered.notices[0].to == 10 and "She answered your question" in shown(answered.notices[0])
    with pytest.raises(Refused) as error:  # one answer per question
        await flow.answer(services, request.id, 1, "Again", NOW)
    assert error.value.code == Refusal.ANSWERED
