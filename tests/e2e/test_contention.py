"""People before broadcasts: a woman onboarding while a broadcast runs gets each answer ahead of
the broadcast's remaining sends, at Telegram's latency and limits (the emulator enforces them)."""

from bot.budget import Limits
from tests.support.broadcast import TEXT, broadcast_sent, queue_broadcast, telegram_conditions
from tests.support.builders import seed_members

RECIPIENTS = 200  # about seven seconds at Telegram's 30 a second
# Broadcast messages that may reach Telegram between her update and the answer to it: those
# already in flight, and the few turns of a round trip (60 ms) or two while her update is handled.
# Half a second of broadcast at most (typically 3 or 4): a slow, shared test machine adds its own.
AHEAD_OF_HER = 15


async def test_her_answers_go_ahead_of_a_running_broadcast(emulator, users, database_path, runner):
    telegram_conditions(emulator)
    ids = await seed_members(emulator, database_path, RECIPIENTS)
    await queue_broadcast(database_path, ids)
    await runner.start(send_limits=Limits())  # Telegram's limits as production keeps them
    await emulator.wait_for(lambda: broadcast_sent(emulator) >= 20, timeout=30)

    aida = users.new("Aida", "en")
    steps = [
        (aida.send, "/start", "English"),
        (aida.press, "English", "I want a mentor"),
        (aida.press, "I want a mentor", "I agree"),
        (aida.press, "I agree", "18 or older"),
        (aida.press, "18 or older", "What should I call you?"),
    ]
    ahead = []
    for act, what, answer in steps:
        before = broadcast_sent(emulator)
        await act(what)
        await aida.sees(answer) if answer.endswith("?") else await aida.sees_buttons(answer)
        ahead.append(broadcast_sent(emulator) - before)

    assert max(ahead) <= AHEAD_OF_HER, ahead
    assert broadcast_sent(emulator) < RECIPIENTS  # the broadcast was still running all along
    await runner.services.delivery.wait_idle("broadcast", timeout=60)
    got = [int(c.params["chat_id"]) for c in emulator.calls("sendMessage") if c.ok and c.params.get("text") == TEXT]
    assert sorted(got) == sorted(ids)  # everyone, once
    assert not [c for c in emulator.calls() if c.error_code == 429]
