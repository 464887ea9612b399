"""Inline mode: her cards in her language, searched in any language, each with a button into the bot."""

from bot.telegram.story_card import deep_link
from sandbox.emulator.state import BOT_USERNAME


def names(answer: dict) -> list[str]:
    return [result["title"] for result in answer["results"]]


async def test_a_girl_who_chose_kyrgyz_gets_kyrgyz_cards_searched_by_any_language(bot, users, runner):
    aida = users.new("Aida", "ru")
    await aida.start_in("Кыргызча")
    answer = await aida.inline("Lovelace")
    assert names(answer) == ["Ада Лавлейс"]
    [card] = answer["results"]
    assert card["type"] == "article" and card["input_message_content"]["message_text"].startswith("<b>Ада Лавлейс</b>")
    [[button]] = card["reply_markup"]["inline_keyboard"]
    assert (
        button["url"]
        == deep_link(BOT_USERNAME, "ada-lovelace")
        == (f"https://t.me/{BOT_USERNAME}?start=story_ada-lovelace")
    )
    assert answer["is_personal"] is True


async def test_a_stranger_gets_cards_in_her_telegram_language_and_all_of_them_with_no_query(bot, users, runner):
    sara = users.new("Sara", "en")
    answer = await sara.inline("")
    assert len(answer["results"]) == min(50, len(runner.services.cards))
    assert "Ada Lovelace" in names(answer)
    nina = users.new("Nina", "ru")
    assert "Ада Лавлейс" in names(await nina.inline("Ада"))


async def test_a_field_in_any_language_finds_its_cards_and_a_hidden_card_is_never_offered(bot, users, runner):
    sara = users.new("Sara", "en")
    physics = names(await sara.inline("физика"))  # the field's Russian label, for an English reader
    in_field = [card.text("en").name for card in runner.services.cards.values() if card.field.value == "physics"]
    assert in_field and set(in_field) <= set(physics)
    await runner.services.stories.set_hidden("ada-lovelace", True)
    assert names(await sara.inline("Lovelace")) == []


async def test_a_card_already_uploaded_is_shared_as_its_picture(bot, users, runner):
    sara = users.new("Sara", "en")
    await sara.start_in("English")
    await sara.send("/story")
    picture = await sara.reply()
    await runner.settled()
    slug = next(s for s, c in runner.services.cards.items() if picture.caption.startswith(c.text("en").name))
    name = runner.services.cards[slug].text("en").name
    [result] = [r for r in (await sara.inline(name))["results"] if r["id"] == slug]
    assert result["type"] == "photo" and result["photo_file_id"] == picture.photo.file_id
    assert result["reply_markup"]["inline_keyboard"][0][0]["url"].endswith(f"?start=story_{slug}")


async def test_the_shared_link_opens_the_card_for_a_brand_new_user(bot, users, runner):
    """She follows the button: /start story_<slug>. The bot asks her language first, then shows the card
    in the language she picked."""
    zarina = users.new("Zarina", "ky")
    await zarina.send("/start story_ada-lovelace")
    await zarina.sees_buttons("Кыргызча", "Русский", "English")
    card = await zarina.press_then_see("Кыргызча", "Ада Лавлейс")
    assert card.photo is not None
