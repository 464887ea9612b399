"""Stories end to end: a card now, the road to a mentor, subscriptions on her schedule, deep links."""

from datetime import datetime, timedelta

from bot.callbacks import cb
from bot.jobs import run_jobs
from tests.support.builders import english_subscriber
from tests.support.db import db_rows


async def test_story_sends_a_picture_card_in_her_language_with_the_ways_on(bot, users, runner, emulator):
    aida = users.new("Aida", "ru")
    await aida.start_in("Русский")
    await aida.send("/story")
    card = await aida.reply()
    assert card.photo is not None and card.photo.data[:3] == b"\xff\xd8\xff"  # a JPEG
    await runner.settled()
    first_slug = runner.services.cards[db_rows(runner, "SELECT slug FROM story_views WHERE user_id = ?", aida.id)[0][0]]
    assert card.caption.startswith(first_slug.text("ru").name)
    assert aida.buttons(card) == [
        "📖 Ещё история",
        "🤝 Найти ментора в этой области",
        "💌 Поделиться",
    ]
    share = card.keyboard[2][0]["url"]
    assert share.startswith("https://t.me/share/url?url=") and f"story_{first_slug.slug}" in share

    await aida.press("📖 Ещё история", card.message_id)
    second = await aida.reply()
    await runner.settled()
    assert second.photo is not None and second.caption != card.caption
    assert len(db_rows(runner, "SELECT DISTINCT slug FROM story_views WHERE user_id = ?", aida.id)) == 2


async def test_a_picture_is_uploaded_once_per_card_and_language_then_reused(bot, users, runner, emulator):
    one, two = users.new("One", "en"), users.new("Two", "en")
    for user in (one, two):
        await user.start_in("English")
        await user.send("/story")
        await user.reply()
    await runner.settled()
    uploads = [c for c in emulator.calls("sendPhoto") if c.ok]
    assert len(uploads) == 2
    assert isinstance(uploads[1].params["photo"], str)  # the first upload's file_id, not new bytes
    assert db_rows(runner, "SELECT COUNT(*) FROM story_pictures")[0][0] == 1


async def test_a_subscriber_gets_her_stories_on_schedule_never_twice_across_a_restart(bot, users, runner, clock):
    sara = await english_subscriber(users)
    await runner.settled()
    (due,) = db_rows(runner, "SELECT next_due_at FROM story_subscriptions WHERE user_id = ?", sara.id)[0]
    due = datetime.fromisoformat(due)
    local = due.astimezone(runner.services.settings.default_timezone)
    assert (local.hour, local.weekday() in (1, 4)) == (
        19,
        True,
    )  # Tuesday or Friday evening, Bishkek time

    clock.advance(due - clock.now() - timedelta(minutes=1))
    await run_jobs(bot)
    await runner.services.delivery.wait_idle("stories")
    assert [m for m in emulator_photos(sara)] == []

    clock.advance(timedelta(minutes=2))
    await run_jobs(bot)
    await run_jobs(bot)  # a second tick queues nothing more
    await runner.services.delivery.wait_idle("stories")
    assert len(emulator_photos(sara)) == 1

    await runner.restart()
    await run_jobs(runner.app)
    await runner.services.delivery.wait_idle("stories")
    assert len(emulator_photos(sara)) == 1  # nothing re-sent after the restart

    clock.advance(timedelta(days=4))
    await run_jobs(runner.app)
    await runner.services.delivery.wait_idle("stories")
    photos = emulator_photos(sara)
    assert len(photos) == 2 and photos[0].caption != photos[1].caption
    sent = db_rows(runner, "SELECT status, COUNT(*) FROM outbox GROUP BY status")
    assert sent == [("sent", 2)]


def emulator_photos(user):
    return [m for m in user.emu.bot_messages(user.id) if m.photo is not None]


async def test_frequency_and_time_of_day_can_be_changed_and_stories_turned_off(bot, users, runner, clock):
    sara = await english_subscriber(users)
    await runner.settled()
    await sara.send_then_see("/stories", "You get a story: twice a week, evening (19:00).")
    await sara.press("Every day")
    await sara.sees_buttons("✅ Every day")
    await sara.press_then_see("Morning (9:00)", "You get a story: every day, morning (9:00).")
    await runner.settled()
    (due,) = db_rows(runner, "SELECT next_due_at FROM story_subscriptions WHERE user_id = ?", sara.id)[0]
    local = datetime.fromisoformat(due).astimezone(runner.services.settings.default_timezone)
    assert local.hour == 9 and datetime.fromisoformat(due) - clock.now() <= timedelta(days=1)
    await sara.press_then_see("🔕 Turn off", "Stories are off")
    await runner.settled()
    clock.advance(timedelta(days=8))
    await run_jobs(bot)
    await runner.services.delivery.wait_idle("stories")
    assert emulator_photos(sara) == []


async def test_a_subscriber_who_blocked_the_bot_is_skipped_and_marked(bot, users, runner, clock, emulator):
    sara = await english_subscriber(users, "Sara")
    nuri = await english_subscriber(users, "Nuri")
    await runner.settled()
    emulator.block(nuri.id)
    await emulator.wait_for(lambda: db_rows(runner, "SELECT blocked_bot FROM users WHERE id = ?", nuri.id)[0][0] == 1)
    clock.advance(timedelta(days=7))
    await run_jobs(bot)
    await runner.services.delivery.wait_idle("stories")
    assert len(emulator_photos(sara)) == 1 and emulator_photos(nuri) == []


async def test_a_shared_deep_link_opens_the_bot_on_that_card(bot, users, runner):
    aida = users.new("Aida", "en")
    await aida.start_in("English")
    card = await aida.send_then_see("/start story_tu-youyou", "Tu Youyou")
    assert card.photo is not None
    await aida.send("/start story_no-such-card")
    await aida.sees_buttons("I want a mentor")  # no card, just where she was


async def test_a_new_user_from_a_shared_link_sees_the_story_after_she_picks_her_language(bot, users, runner):
    aida = users.new("Aida", "en")
    await aida.send("/start story_tu-youyou")
    await aida.sees_buttons("English")
    await runner.restart()  # kept in the database, not in memory
    card = await aida.press_then_see("English", "Tu Youyou")
    assert card.photo is not None
    await aida.sees_buttons("I want a mentor")  # and onboarding goes on as usual
    assert db_rows(runner, "SELECT COUNT(*) FROM pending_inputs") == [(0,)]


async def test_a_hidden_card_is_never_sent(bot, users, runner):
    slugs = await runner.services.stories.visible_slugs()
    for slug in slugs[1:]:
        await runner.services.stories.set_hidden(slug, True)
    aida = users.new("Aida", "en")
    await aida.start_in("English")
    for _ in range(3):
        await aida.send("/story")
        card = await aida.reply()
        assert card.caption.startswith(runner.services.cards[slugs[0]].text("en").name)


async def test_admins_preview_hide_and_show_cards(bot, users, runner, admin):
    await admin.start_in("English")
    library = await admin.send_then_see("/cards", "Story library", f"{len(runner.services.cards)} cards, 0 hidden")
    ada = next(b for b in admin.buttons(library) if b.startswith("Ada Lovelace"))
    await admin.press(ada, library.message_id)
    await admin.sees("preview in each language")
    await admin.emu.wait_for(lambda: len([m for m in admin.emu.bot_messages(admin.id) if m.photo]) >= 3)
    captions = [m.caption for m in admin.emu.bot_messages(admin.id) if m.photo]
    assert [c.split(" · ")[0] for c in captions[-3:]] == [
        "Ада Лавлейс",
        "Ада Лавлейс",
        "Ada Lovelace",
    ]
    assert await admin.press("🙈 Hide it") == "Hidden: nobody will get this card."
    await runner.settled()
    assert "ada-lovelace" in await runner.services.stories.hidden_slugs()
    assert db_rows(runner, "SELECT COUNT(*) FROM story_views") == [(0,)]  # previews are not views
    show = cb("cards", "show", "ada-lovelace")
    assert await admin.press_data(library.message_id, show) == "Shown again."
    await runner.settled()
    assert "ada-lovelace" not in await runner.services.stories.hidden_slugs()
    forged = await admin.press_data(library.message_id, cb("cards", "zap", "ada-lovelace"))
    assert forged == "This button is out of date. Tap /start to begin again."


async def test_find_a_mentor_in_this_field_opens_mentors_filtered(bot, users, runner):
    from tests.support.builders import new_mentee, new_mentor

    aida = await new_mentee(runner, users)
    await new_mentor(runner, users, name="Aigul")
    await aida.send("/story")
    card = await aida.reply()
    await runner.settled()
    field = runner.services.cards[db_rows(runner, "SELECT slug FROM story_views")[0][0]].field
    await aida.press("🤝 Find a mentor in this field", card.message_id)
    reply = await aida.reply()
    from bot.domain import FIELD_LABELS

    assert FIELD_LABELS[field] in reply.text


async def test_a_settings_button_pressed_on_a_story_picture_is_answered_without_an_error(bot, users, runner, caplog):
    # A forged press: the subscription buttons' data on a picture, which has no text to edit.
    aida = users.new("Aida", "en")
    await aida.start_in("English")
    await aida.send("/story")
    card = await aida.reply()
    answer = await aida.press_data(card.message_id, cb("sub", "freq", "twice_weekly"))
    assert answer == "Saved ✓"
    await aida.sees("twice a week")  # below the picture, which has no text to replace
    await runner.settled()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
