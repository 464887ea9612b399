"""/cohort end to end: a preview explaining who is left out, Confirm sending once, admins only."""

from tests.support.builders import new_mentee, new_mentor
from tests.support.db import db_rows


async def test_cohort_preview_then_confirm_sends_each_request_once(bot, users, runner, admin):
    await admin.start_in("English")
    aida = await new_mentee(runner, users, fields=("it",))
    bermet_mentee = await new_mentee(runner, users, name="Nuria", fields=("physics",))
    lonely = await new_mentee(runner, users, name="Sara", languages=("en",))
    aigul = await new_mentor(runner, users, capacity=1, fields=("it",))
    zarina = await new_mentor(runner, users, name="Zarina", capacity=1, fields=("physics",))
    preview = await admin.send_then_see("/cohort", "Cohort preview")
    assert "2 of 3 waiting mentees matched" in preview.text
    assert "Aida → Aigul" in preview.text and "Nuria → Zarina" in preview.text
    assert "Sara: no free mentor speaks her languages" in preview.text
    assert db_rows(runner, "SELECT COUNT(*) FROM requests")[0][0] == 0  # nothing sent yet
    confirm = preview.keyboard[0][0]["callback_data"]
    assert await admin.press("✅ Confirm and send", preview.message_id) == "Sending…"
    await admin.sees("Sent: 2 requests.")
    for mentor, mentee_name in ((aigul, "Aida"), (zarina, "Nuria")):
        card = await mentor.sees("The programme team suggests a mentee for you")
        assert mentee_name in card.text and mentor.buttons(card)[0] == "✅ Accept"
    await aida.sees("the programme team has matched you with Aigul")
    await bermet_mentee.sees("the programme team has matched you with Zarina")

    again = await admin.press_data(preview.message_id, confirm)
    assert again == "Already done: this preview was sent or discarded."
    rows = db_rows(runner, "SELECT mentee_id, mentor_id, source, status FROM requests ORDER BY mentee_id")
    assert [tuple(r) for r in rows] == [
        (aida.id, aigul.id, "cohort", "pending"),
        (bermet_mentee.id, zarina.id, "cohort", "pending"),
    ]
    for mentor in (aigul, zarina):
        cards = [m for m in mentor.emu.bot_messages(mentor.id) if "suggests a mentee" in (m.text or "")]
        assert len(cards) == 1
    assert lonely.id not in {r[0] for r in rows}
    # They are no longer waiting: a new preview finds only Sara.
    second = await admin.send_then_see("/cohort", "Cohort preview")
    assert "0 of 1 waiting mentees matched" in second.text


async def test_cohort_is_for_admins_only(bot, users, runner, admin):
    await admin.start_in("English")
    await new_mentee(runner, users)
    await new_mentor(runner, users)
    preview = await admin.send_then_see("/cohort", "Cohort preview")
    aida = await new_mentee(runner, users, name="Mallory")
    refused = await aida.send_then_see("/cohort", "This is for programme admins only.")
    answer = await aida.press_data(refused.message_id, preview.keyboard[0][0]["callback_data"])
    assert answer == "This is for programme admins only."
    assert db_rows(runner, "SELECT COUNT(*) FROM requests")[0][0] == 0
    assert db_rows(runner, "SELECT status FROM cohort_runs")[0][0] == "preview"
