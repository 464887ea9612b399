"""Cards without a deploy: an admin sends a card file, sees every problem or a preview, and publishes it."""

from pathlib import Path

from tests.support.db import db_rows

CARDS = Path(__file__).resolve().parent.parent / "data" / "cards"
GOOD = (CARDS / "aigul-test.toml").read_bytes()


async def upload(admin, data: bytes, name: str = "aigul-test.toml"):
    await admin.send_document(data, name)


async def test_a_valid_card_is_previewed_in_each_language_then_published_and_kept_across_a_restart(
    bot, admin, users, runner, emulator
):
    await admin.start_in("English")
    await upload(admin, GOOD)
    ask = await admin.sees_buttons("✅ Publish", "Cancel")
    previews = [m for m in admin._shown_since_cursor() if m.photo is not None]
    assert [m.caption.split(" · ")[0] for m in previews] == ["Айгүл Тестова", "Айгуль Тестова", "Aigul Testova"]
    assert all(m.photo.data[:3] == b"\xff\xd8\xff" for m in previews)
    assert "aigul-test" not in runner.services.cards

    assert await admin.press("✅ Publish", ask.message_id) == "Published ✓"
    await admin.sees("is in the library (version 1)")
    assert db_rows(runner, "SELECT slug, version FROM story_uploads") == [("aigul-test", 1)]
    assert db_rows(runner, "SELECT hidden FROM story_cards WHERE slug = 'aigul-test'") == [(0,)]

    await runner.restart()
    assert runner.services.cards["aigul-test"].text("en").name == "Aigul Testova"
    await admin.send("/cards")
    await admin.sees_buttons("Aigul Testova · Engineering")


async def test_each_problem_of_an_invalid_card_is_named_and_nothing_is_published(bot, admin, runner):
    await admin.start_in("English")
    broken = (
        GOOD.decode()
        .replace('sources = ["https://example.org/aigul-test"]', "sources = []")
        .replace("2024-жылга", "2023-жылга")
        .replace('field = "engineering"', 'field = "poetry"')
        .replace("[ky]", "[kz]")
    )
    await upload(admin, broken.encode())
    reply = await admin.sees("This card file has problems")
    for fragment in (
        "unknown field 'poetry'",
        "sources is empty",
        "unknown key 'kz'",
        "missing [ky] table",
    ):
        assert fragment in reply.text, reply.text
    await upload(admin, GOOD.replace(b"2024-", b"2023-"))
    assert "[ky] numbers differ from [en]: lacks 2024; adds 2023" in (await admin.sees("problems")).text
    await upload(admin, b"\xff\xfe not utf-8")
    assert "not UTF-8" in (await admin.sees("problems")).text
    await upload(admin, GOOD, "aigul.toml")
    assert "differs from the file name" in (await admin.sees("problems")).text
    await upload(admin, GOOD, "ada-lovelace.toml")
    assert "shipped in stories/" in (await admin.sees("problems")).text
    await upload(admin, GOOD.replace(b'body = """', b'body = """<b>', 1))
    assert "problems" in (await admin.sees("problems")).text
    await runner.settled()
    assert db_rows(runner, "SELECT COUNT(*) FROM story_uploads") == [(0,)]


async def test_a_new_version_replaces_the_card_and_hiding_keeps_it_from_readers(bot, admin, users, runner):
    await admin.start_in("English")
    await upload(admin, GOOD)
    await admin.press_then_see("✅ Publish", "version 1")
    newer = GOOD.replace(b"Aigul Testova", b"Aigul Testova-Uulu")
    await upload(admin, newer)
    ask = await admin.sees("replace the current version")
    await admin.press("✅ Publish", ask.message_id)
    await admin.sees("version 2")
    assert runner.services.cards["aigul-test"].text("en").name == "Aigul Testova-Uulu"
    assert db_rows(runner, "SELECT COUNT(*) FROM story_cards WHERE slug = 'aigul-test'") == [(1,)]

    listing = await admin.send_then_see("/cards", "Story library")
    last_page = listing
    while "▶️" in admin.buttons(last_page):
        await admin.press("▶️", last_page.message_id)
        last_page = admin.emu.message(admin.id, last_page.message_id)
        if "Aigul Testova-Uulu · Engineering" in admin.buttons(last_page):
            break
    await admin.press("Aigul Testova-Uulu · Engineering", last_page.message_id)
    await admin.press("🙈 Hide it")
    assert db_rows(runner, "SELECT hidden FROM story_cards WHERE slug = 'aigul-test'") == [(1,)]
    assert "aigul-test" not in await runner.services.stories.visible_slugs()


async def test_a_document_from_someone_who_is_not_an_admin_is_not_taken_as_a_card(bot, users, runner):
    aida = users.new("Aida", "en")
    await aida.start_in("English")
    await aida.send_document(GOOD, "aigul-test.toml")
    reply = await aida.reply()
    assert "problems" not in (reply.text or "") and "Publish" not in aida.buttons(reply)
    await runner.settled()
    assert db_rows(runner, "SELECT COUNT(*) FROM story_drafts") == [(0,)]


async def test_a_card_whose_source_has_an_ampersand_still_opens_in_the_library(bot, admin, runner):
    await admin.start_in("English")
    await upload(admin, GOOD.replace(b"https://example.org/aigul-test", b"https://example.org/?p=aigul&lt=en"))
    await admin.press_then_see("✅ Publish", "version 1")
    listing = await admin.send_then_see("/cards", "Story library")
    while "Aigul Testova · Engineering" not in admin.buttons(listing):
        await admin.press("▶️", listing.message_id)
        listing = admin.emu.message(admin.id, listing.message_id)
    await admin.press("Aigul Testova · Engineering", listing.message_id)
    opened = await admin.sees("preview in each language below")
    assert "https://example.org/?p=aigul&lt=en" in opened.text


async def test_a_file_too_large_to_be_a_card_is_refused_without_a_draft(bot, admin, runner):
    await admin.start_in("English")
    await upload(admin, GOOD + b"#" * (64 * 1024))
    assert "larger than 64 KB" in (await admin.sees("problems")).text
    await runner.settled()
    assert db_rows(runner, "SELECT COUNT(*) FROM story_drafts") == [(0,)]
