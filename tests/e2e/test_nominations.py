"""Nominations: a girl or a woman names a woman for a card; admins decide; she hears back; CSV for writers."""

import csv
import io

from bot.callbacks import cb
from tests.support.builders import english_subscriber, onboard_english_mentee
from tests.support.db import db_rows


async def minor_in_kyrgyz(users, runner):
    """A 15-year-old mentee (onboarded in English) who then switches to Kyrgyz."""
    aijan = users.new("Aijan", "en")
    await onboard_english_mentee(aijan, age="14–17")
    await aijan.press_then_see("✅ Confirm", "/mentors")
    await aijan.send("/language")
    await aijan.press("Кыргызча")
    await runner.settled()
    assert db_rows(runner, "SELECT is_minor FROM profiles WHERE user_id = ?", aijan.id) == [(1,)]
    return aijan


async def nominate(user, name, field, region, why, link=None, *, skip="Skip"):
    await user.send("/nominate")
    await user.reply()
    await user.send(name)
    await user.press(field)
    await user.press(region)
    await user.reply()
    await user.send(why)
    await user.reply()
    if link is None:
        await user.press(skip)
    else:
        await user.send(link)


async def test_an_adult_nominates_in_english_and_hears_back_when_an_admin_accepts(bot, users, admin, runner):
    await admin.start_in("English")
    sara = await english_subscriber(users)
    await nominate(
        sara,
        "  Asel\u200b Sartbaeva\n",
        "Chemistry",
        "Kyrgyzstan",
        '=HYPERLINK("x") She keeps vaccines without fridges',
        "https://example.org/asel",
    )
    await sara.sees("Thank you! The programme team will read your nomination")
    queued = await admin.sees("Nomination #", "Asel Sartbaeva")
    assert "Chemistry" in queued.text and "Kyrgyzstan" in queued.text and "https://example.org/asel" in queued.text

    assert await admin.press("✅ Accept", queued.message_id) == "Accepted ✓"
    await sara.sees("Thank you for nominating Asel Sartbaeva! The programme team accepted it")
    assert admin.buttons(admin.emu.message(admin.id, queued.message_id)) == []
    # A second decision (a double tap, another admin) changes nothing and tells her nothing more.
    assert (
        await admin.press_data(queued.message_id, cb("nom", "no", 1)) == "Another admin has decided this one already."
    )
    assert db_rows(runner, "SELECT status FROM story_nominations") == [("accepted",)]

    await admin.send("/nominations")
    await admin.press("📄 Accepted ones as CSV")
    await runner.settled()
    document = admin.last().document
    table = list(csv.reader(io.StringIO(document.data.decode("utf-8-sig"))))
    assert table[0][:3] == ["id", "name", "field"]
    assert table[1][1] == "Asel Sartbaeva" and table[1][4].startswith("'=HYPERLINK")


async def test_a_minor_nominates_in_kyrgyz_and_hears_the_decline_in_kyrgyz(bot, users, admin, runner):
    await admin.start_in("English")
    aijan = await minor_in_kyrgyz(users, runner)
    await nominate(aijan, "Айгүл", "Физика", "Кыргызстан", "Ал мага шыктандырат", "не ссылка", skip="Өткөрүп жиберүү")
    await aijan.sees("https://")  # not a web address: asked again
    await aijan.press("Өткөрүп жиберүү")
    await aijan.reply()
    queued = await admin.sees("Nomination #", "Айгүл")
    await admin.press("Decline", queued.message_id)
    answer = await aijan.sees("Айгүл")
    assert "карточка жасай албайт" in answer.text  # the decline, in her language
    assert db_rows(runner, "SELECT status, language, link FROM story_nominations WHERE user_id = ?", aijan.id) == [
        ("declined", "ky", "")
    ]


async def test_the_name_is_cleaned_and_an_empty_or_too_long_answer_is_asked_again(bot, users, runner):
    sara = users.new("Sara", "en")
    await sara.start_in("English")
    await sara.send("/nominate")
    await sara.reply()
    await sara.send("\u202e\u200b ")
    await sara.answer("Please type it in words.", "A" * 500)
    await sara.answer("longer than 100 characters", "\u202eAsel   Sartbaeva")
    await sara.sees("What is Asel Sartbaeva's field?")
    await runner.settled()
    assert db_rows(runner, "SELECT name, status FROM story_nominations") == [("Asel Sartbaeva", "draft")]


async def test_her_nomination_is_in_mydata_and_erased_with_her(bot, users, runner):
    import json

    sara = await english_subscriber(users)
    await nominate(sara, "Mira Botbaeva", "Biology and medicine", "Kyrgyzstan", "A biologist from Toktogul")
    await sara.sees("Thank you! The programme team will read your nomination")
    message = await sara.send_then_see("/mydata", "everything I store")
    assert json.loads(message.document.data)["story_nominations"][0]["name"] == "Mira Botbaeva"
    await sara.send("/deleteme")
    await sara.press_then_see("Yes, erase everything", "everything about you is erased")
    assert db_rows(runner, "SELECT COUNT(*) FROM story_nominations") == [(0,)]
