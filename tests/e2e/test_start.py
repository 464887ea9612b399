"""First contact: language, greeting, help, language switch, menus, blocking and stray input."""

from bot.callbacks import cb


async def test_a_new_user_picks_russian_and_is_greeted_in_russian(bot, users, runner):
    aida = users.new("Aida", "ru")
    await aida.send("/start")
    question = await aida.reply()
    assert aida.buttons(question) == ["Русский", "Кыргызча", "English"]  # hers first
    assert question.text.splitlines()[0] == "Пожалуйста, выберите язык:"
    greeting = await aida.press_then_see("Русский", "Здравствуйте, Aida!")
    assert "ментор" in greeting.text
    await aida.sees_buttons("Ищу ментора", "Хочу стать ментором", "Только истории")
    assert (await runner.services.users.get(aida.id)).language == "ru"


async def test_the_language_buttons_put_her_telegram_language_first(bot, users):
    for code, first in (
        ("en-US", "English"),
        ("ky", "Кыргызча"),
        ("de", "Кыргызча"),
        (None, "Кыргызча"),
    ):
        user = users.new("Test", code)
        await user.send("/start")
        assert user.buttons(await user.reply())[0] == first
        assert sorted(user.buttons()) == sorted(["Кыргызча", "Русский", "English"])


async def test_help_lists_the_commands_in_her_language(bot, users, runner):
    expected = {
        "ky": "Мен буларды кыла алам:",
        "ru": "Вот что я умею:",
        "en": "Here is what I can do:",
    }
    button = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
    for language, heading in expected.items():
        user = users.new(f"U{language}", "en")
        await user.start_in(button[language])
        help_message = await user.send_then_see("/help", heading)
        for command in (
            "/start",
            "/help",
            "/language",
            "/privacy",
            "/cancel",
            "/profile",
            "/mydata",
            "/deleteme",
        ):
            assert command in help_message.text


async def test_language_can_be_changed_and_survives_a_restart(bot, users, runner):
    aida = users.new("Aida", "ru")
    await aida.start_in("Русский")
    await aida.send("/language")
    await aida.press_then_see("Кыргызча", "Тандалган тил: Кыргызча")
    await aida.sees_buttons("Мага ментор керек")  # the question she was on, now in Kyrgyz

    await runner.restart()
    await aida.send_then_see("/help", "Мен буларды кыла алам:")


async def test_command_menus_are_published_in_every_language(bot, emulator):
    calls = [c for c in emulator.calls("setMyCommands") if c.ok]
    by_language = {c.params.get("language_code"): c.params["commands"] for c in calls if "scope" not in c.params}
    assert set(by_language) == {"ky", "ru", "en", None}
    descriptions = {
        lang: {cmd["command"]: cmd["description"] for cmd in commands} for lang, commands in by_language.items()
    }
    assert descriptions["en"]["language"] == "Change the language"
    assert descriptions["ru"]["story"] == "История женщины в STEM" and "stories" in descriptions["ky"]
    assert descriptions["ru"]["language"] != descriptions["en"]["language"]
    assert descriptions["ky"]["language"] != descriptions["ru"]["language"]


async def test_her_chat_menu_follows_the_language_she_chose(bot, users, emulator):
    aida = users.new("Aida", "en")
    await aida.start_in("Кыргызча")
    await emulator.wait_for(
        lambda: [c for c in emulator.calls("setMyCommands") if (c.params.get("scope") or {}).get("chat_id") == aida.id]
    )


async def test_a_user_who_blocks_the_bot_is_marked_and_unmarked_when_she_returns(bot, users, emulator, runner):
    aida = users.new("Aida", "ru")
    await aida.send("/start")
    await aida.reply()
    emulator.block(aida.id)
    await emulator.wait_for(lambda: _blocked(runner, aida.id))
    emulator.unblock(aida.id)
    await aida.send("/start")
    await aida.reply()
    assert (await runner.services.users.get(aida.id)).blocked_bot is False


def _blocked(runner, user_id):
    # A synchronous peek is not possible through aiosqlite; read the file directly.
    import sqlite3

    with sqlite3.connect(runner.database_path) as conn:
        row = conn.execute("SELECT blocked_bot FROM users WHERE id = ?", (user_id,)).fetchone()
    return bool(row and row[0])


async def _russian_user(users):
    aida = users.new("Aida", "ru")
    await aida.start_in("Русский")
    return aida


async def test_unknown_commands_get_a_hint_in_her_language(bot, users):
    aida = await _russian_user(users)
    await aida.send("/fly")
    assert "/help" in (await aida.reply()).text
    assert "команд" in aida.last().text


async def test_stray_input_outside_a_conversation_gets_a_short_hint(bot, users):
    aida = await _russian_user(users)
    await aida.send("/cancel")  # leave onboarding, so nothing waits for an answer
    await aida.reply()
    for action in (
        aida.send_sticker,
        aida.send_photo,
        lambda: aida.send("🌸🌸🌸"),
        lambda: aida.send("я" * 5000),
    ):
        await action()
        reply = await aida.reply()
        assert "/start" in reply.text and reply.text.isascii() is False


async def test_an_old_or_forged_button_gets_a_clear_answer(bot, users):
    aida = await _russian_user(users)
    message_id = aida.last().message_id
    for data in (cb("lang", "set", "xx"), "v0:old:thing", "garbage", cb("nope", "nothing")):
        answer = await aida.press_data(message_id, data)
        assert answer and "/start" in answer


async def test_privacy_says_what_is_stored(bot, users):
    aida = await _russian_user(users)
    await aida.send("/privacy")
    reply = await aida.reply()
    assert "/mydata" in reply.text and "/deleteme" in reply.text


async def test_an_unexpected_failure_gets_an_apology_in_her_language(bot, users, emulator):
    aida = await _russian_user(users)
    emulator.fail_next("sendMessage", 1, error_code=400, description="Bad Request: something unexpected")
    apology = await aida.send_then_see("/help", "Извините")
    assert "/help" not in apology.text


async def test_a_failure_after_her_button_was_answered_still_gets_the_apology(bot, users, emulator):
    aida = users.new("Aida", "ru")
    await aida.send("/start")
    emulator.fail_next("editMessageText", 1, error_code=400, description="Bad Request: something unexpected")
    await aida.press("Русский")  # answered at once, then the edit fails
    await aida.sees("Извините")


async def test_a_slow_answer_to_one_user_does_not_hold_up_another(bot, users, emulator, runner):
    aida, bermet = users.new("Aida", "en"), users.new("Bermet", "en")
    for user in (aida, bermet):
        await user.start_in("English")
    await runner.settled()
    before = len(emulator.calls("sendMessage"))
    emulator.delay("sendMessage", 3.0)  # Telegram takes its time with her answer
    await aida.send("/help")
    await emulator.wait_for(lambda: emulator.calls("sendMessage")[before:])
    aidas_update = emulator.delivered_update_ids[-1]
    await bermet.send_then_see("/help", "Here is what I can do:")
    assert aidas_update not in runner.done, "Bermet was answered only after Aida's slow answer"
    await runner.settled()
    assert aidas_update in runner.done
