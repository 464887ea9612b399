"""A mentor recommends an opportunity to her 15-year-old mentee from `/opportunities`: only what fits
the mentee, a line with contact details refused with the reason, then sent with her line; the
mentee sees who recommended it and saves it; a forged press for another mentor's mentee is refused."""

from tests.support.builders import new_mentee, pair
from tests.support.db import db_rows
from tests.support.opportunities import add_opportunity


async def add(runner, title, ages):
    link = f"https://example.kg/{title.split()[0].lower()}"
    return await add_opportunity(runner, title, ages=ages, link=link, verified=True, by=0)


async def test_a_mentor_recommends_with_her_line_and_the_mentee_saves_it(emulator, users, runner):
    await runner.start()
    aida, aigul, _ = await pair(runner, users, minor=True)
    teens = await add(runner, "Teen physics olympiad", ["14-17"])
    await add(runner, "Adults only internship", ["18+"])

    card = await aigul.send_then_see("/opportunities", "Teen physics olympiad", "1 of 1")
    assert "🌟 Recommend to Aida" in aigul.buttons(card)

    await aigul.press("🌟 Recommend to Aida")
    await aigul.answer("Type a short line for Aida", "Write to me at aigul@mail.kg")
    await aigul.sees("Aida is under 18", "aigul@mail.kg")
    assert db_rows(runner, "SELECT COUNT(*) FROM opportunity_recommendations")[0][0] == 0
    await aigul.send_then_see("You'd love this one, go for it!", "Sent to Aida ✓")

    seen = await aida.sees("Your mentor Aigul recommends this to you:", "go for it!", "Teen physics olympiad")
    assert "aigul@mail.kg" not in seen.text
    assert await aida.press("⭐ Save") == "Saved. I'll remind you 7 days and 1 day before the deadline."
    rows = db_rows(runner, "SELECT opportunity_id, mentor_id, mentee_id, note FROM opportunity_recommendations")
    assert [tuple(r) for r in rows] == [(teens, aigul.id, aida.id, "You'd love this one, go for it!")]
    assert db_rows(runner, "SELECT choice FROM opportunity_choices WHERE user_id = ?", aida.id)[0][0] == "saved"

    # Once only; and never to someone who is not her mentee.
    again = await aigul.press("🌟 Recommend to Aida", card.message_id)
    assert again == "You have already recommended this one to Aida."
    stranger = await new_mentee(runner, users, name="Bermet", minor=True)
    forged = await aigul.press_data(card.message_id, f"v1:oprec:pick:{teens}:{stranger.id}")
    assert forged == "You can recommend opportunities only to your current mentees."


async def test_skip_sends_the_card_alone(emulator, users, runner):
    await runner.start()
    aida, aigul, _ = await pair(runner, users)
    await add(runner, "Open data school", [])
    await aigul.send("/opportunities")
    await aigul.press("🌟 Recommend to Aida")
    await aigul.press_then_see("Skip", "Sent to Aida ✓")
    seen = await aida.sees("Your mentor Aigul recommends this to you:", "Open data school")
    assert "⭐ Save" in aida.buttons(seen)
