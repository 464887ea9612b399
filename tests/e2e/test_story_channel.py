"""The story channel: one card per period to each channel, with a button into the bot, never twice."""

from datetime import timedelta

from bot.jobs import run_jobs
from bot.story_channel import store
from sandbox.emulator.state import BOT_USERNAME

CHANNEL = -1001234567890
KYRGYZ_CHANNEL = -1009876543210


def posts(emulator, chat_id):
    return [m for m in emulator.chat(chat_id) if m.from_bot]


async def test_a_card_a_week_goes_to_each_channel_in_its_language_with_a_button_into_the_bot(emulator, runner, clock):
    emulator.add_channel(CHANNEL)
    emulator.add_channel(KYRGYZ_CHANNEL, "STEMinist Кыргызча")
    bot = await runner.start(STORIES_CHANNEL_ID=str(CHANNEL), STORIES_CHANNEL_ID_KY=str(KYRGYZ_CHANNEL))
    visible = await runner.services.stories.visible_slugs()

    await run_jobs(bot)
    [post] = posts(emulator, CHANNEL)
    first = runner.services.cards[visible[0]]
    assert post.photo is not None and post.caption.startswith(first.text("ru").name)
    assert post.keyboard == [
        [{"text": "📖 Открыть в боте", "url": f"https://t.me/{BOT_USERNAME}?start=story_{visible[0]}"}]
    ]
    [kyrgyz] = posts(emulator, KYRGYZ_CHANNEL)
    assert kyrgyz.caption.startswith(first.text("ky").name)

    await run_jobs(bot)  # not a week yet
    assert len(posts(emulator, CHANNEL)) == 1
    clock.advance(timedelta(days=7))
    await runner.restart(STORIES_CHANNEL_ID=str(CHANNEL), STORIES_CHANNEL_ID_KY=str(KYRGYZ_CHANNEL))
    await run_jobs(runner.app)
    second = posts(emulator, CHANNEL)[1]
    assert second.caption.startswith(runner.services.cards[visible[1]].text("ru").name)
    assert [(slug, message_id) for slug, _, message_id in await store.posts(runner.services.db, CHANNEL)] == [
        (visible[0], post.message_id),
        (visible[1], second.message_id),
    ]


async def test_every_card_is_posted_once_before_any_again_and_the_period_is_configurable(emulator, runner, clock):
    emulator.add_channel(CHANNEL)
    bot = await runner.start(STORIES_CHANNEL_ID=str(CHANNEL), STORIES_CHANNEL_EVERY="1d")
    visible = await runner.services.stories.visible_slugs()
    for _ in range(len(visible) + 1):
        await run_jobs(bot)
        clock.advance(timedelta(days=1))
    posted = [(slug, round_) for slug, round_, _ in await store.posts(runner.services.db, CHANNEL)]
    assert [slug for slug, _ in posted] == [*visible, visible[0]]
    assert [round_ for _, round_ in posted] == [1] * len(visible) + [2]


async def test_without_a_channel_nothing_is_posted(emulator, bot, runner):
    await run_jobs(bot)
    assert not [c for c in emulator.calls("sendPhoto") if str(c.params.get("chat_id", "")).startswith("-100")]
