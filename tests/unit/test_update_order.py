"""Users side by side, each user's updates one at a time and in order."""

from __future__ import annotations

import asyncio

import pytest
from telegram import CallbackQuery, Update, User

from bot.update_order import BURST_QUIET_SECONDS, PerUserOrder, lane_of


def tap(update_id: int, user_id: int) -> Update:
    user = User(id=user_id, first_name=f"U{user_id}", is_bot=False)
    return Update(update_id, callback_query=CallbackQuery(str(update_id), user, chat_instance="c"))


async def test_one_user_waiting_does_not_hold_up_another():
    processor = PerUserOrder()
    aida_may_finish = asyncio.Event()
    done: list[str] = []

    async def aida() -> None:
        await aida_may_finish.wait()  # as if Telegram were slow to answer for her
        done.append("aida")

    async def bermet() -> None:
        done.append("bermet")

    slow = asyncio.create_task(processor.process_update(tap(1, 101), aida()))
    await asyncio.wait_for(processor.process_update(tap(2, 202), bermet()), timeout=5)
    assert done == ["bermet"]
    aida_may_finish.set()
    await asyncio.wait_for(slow, timeout=5)
    assert done == ["bermet", "aida"]


async def test_her_updates_run_one_at_a_time_in_the_order_they_came():
    processor = PerUserOrder()
    running = 0
    seen: list[int] = []

    async def handle(n: int) -> None:
        nonlocal running
        running += 1
        assert running == 1, "two of her updates ran at once"
        for _ in range(3):
            await asyncio.sleep(0)  # give the others every chance to overtake
        seen.append(n)
        running -= 1

    await asyncio.wait_for(
        asyncio.gather(*(processor.process_update(tap(n, 101), handle(n)) for n in range(20))), timeout=5
    )
    assert seen == list(range(20))


async def test_a_failing_update_frees_her_lane_and_forgets_it():
    processor = PerUserOrder()

    async def broken() -> None:
        raise RuntimeError("handler bug")

    async def fine() -> None:
        pass

    first = asyncio.create_task(processor.process_update(tap(1, 101), broken()))
    await asyncio.gather(first, return_exceptions=True)
    await asyncio.wait_for(processor.process_update(tap(2, 101), fine()), timeout=5)
    assert processor._lanes == {}


def test_an_update_belongs_to_its_sender():
    assert lane_of(tap(1, 101)) == 101
    assert lane_of(Update(5)) is None
    assert lane_of("a job, not an update") is None


async def test_one_users_burst_does_not_take_the_places_of_others():
    processor = PerUserOrder(max_concurrent_updates=2)
    aida_may_finish = asyncio.Event()

    async def aida() -> None:
        await aida_may_finish.wait()

    async def bermet() -> None:
        pass

    burst = [asyncio.create_task(processor.process_update(tap(n, 101), aida())) for n in range(5)]
    await asyncio.wait_for(processor.process_update(tap(99, 202), bermet()), timeout=5)
    aida_may_finish.set()
    await asyncio.wait_for(asyncio.gather(*burst), timeout=5)


async def test_one_users_flood_is_capped_with_one_note_and_never_delays_another():
    from bot.update_order import MAX_QUEUED_PER_USER

    processor = PerUserOrder()
    notes: list[int] = []

    async def note(user_id: int) -> None:
        notes.append(user_id)

    processor.on_overflow = note
    release = asyncio.Event()
    ran: list[int] = []

    async def flood_one(n: int) -> None:
        await release.wait()
        ran.append(n)

    flood = [asyncio.create_task(processor.process_update(tap(n, 101), flood_one(n))) for n in range(2000)]
    for _ in range(5):
        await asyncio.sleep(0)

    async def other() -> None:
        ran.append(-1)

    await asyncio.wait_for(processor.process_update(tap(5000, 202), other()), timeout=5)
    await asyncio.sleep(0)  # the note goes in its own task
    assert ran == [-1] and notes == [101]
    release.set()
    await asyncio.wait_for(asyncio.gather(*flood), timeout=5)
    assert ran[1:] == list(range(MAX_QUEUED_PER_USER))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def flood_in_waves(processor: PerUserOrder, clock: FakeClock, waves: int, gap: float) -> None:
    """Waves of 40 taps from her, each wave handled to the end (her queue empties) before the next."""
    from bot.update_order import MAX_QUEUED_PER_USER

    async def fine() -> None:
        pass

    for wave in range(waves):
        release = asyncio.Event()

        async def held(release: asyncio.Event = release) -> None:
            await release.wait()

        first = wave * 100
        batch = [asyncio.create_task(processor.process_update(tap(first, 101), held()))]
        batch += [
            asyncio.create_task(processor.process_update(tap(first + n, 101), fine()))
            for n in range(1, MAX_QUEUED_PER_USER + 8)
        ]
        await asyncio.sleep(0)
        release.set()
        await asyncio.wait_for(asyncio.gather(*batch), timeout=5)
        assert processor._queued == {}  # her queue emptied between waves
        clock.now += gap
    await asyncio.sleep(0)


@pytest.mark.parametrize(
    ("waves", "gap", "notes_expected"),
    [
        # A flood of 50 seconds whose queue empties between waves is still one burst: one note.
        pytest.param(10, 5.0, [101], id="one-note-per-burst-even-when-her-queue-empties-during-a-long-flood"),
        pytest.param(2, BURST_QUIET_SECONDS + 1, [101, 101], id="after-a-quiet-pause-a-new-burst-gets-its-own-note"),
    ],
)
async def test_overflow_notes_come_once_per_burst(waves, gap, notes_expected):
    clock = FakeClock()
    processor = PerUserOrder(clock=clock)
    notes: list[int] = []

    async def note(user_id: int) -> None:
        notes.append(user_id)

    processor.on_overflow = note
    await flood_in_waves(processor, clock, waves=waves, gap=gap)
    assert notes == notes_expected


def raw_text(update_id: int, user_id: int) -> dict:
    sender = {"id": user_id, "is_bot": False, "first_name": "U"}
    chat = {"id": user_id, "type": "private"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "chat": chat, "from": sender}}


async def test_screening_keeps_her_cap_and_everyone_else_in_order_with_one_note():
    from bot.update_order import MAX_QUEUED_PER_USER

    processor = PerUserOrder()
    notes: list[int] = []
    skipped: list[int] = []

    async def note(user_id: int) -> None:
        notes.append(user_id)

    processor.on_overflow = note
    processor.skipped = skipped.append
    flood = [raw_text(n, 101) for n in range(100)]
    others = [raw_text(1000 + n, 200 + n % 3) for n in range(30)]
    mixed = flood[:50] + others[:15] + flood[50:] + others[15:] + [raw_text(99_999, 101)]
    kept = processor.screen(mixed)
    await asyncio.sleep(0)
    ids = [u["update_id"] for u in kept]
    # Hers: the first ones up to her cap; the last of the answer stays for PTB's offset.
    assert [i for i in ids if i < 1000] == list(range(MAX_QUEUED_PER_USER))
    assert ids[-1] == 99_999
    # Everyone else's: all of them, in the order they came.
    assert [i for i in ids if 1000 <= i < 99_999] == [u["update_id"] for u in others]
    assert ids == sorted(ids)
    assert skipped == list(range(MAX_QUEUED_PER_USER, 100))
    assert notes == [101]


async def test_screened_updates_run_in_order_and_free_her_lane():
    processor = PerUserOrder()
    ran: list[int] = []
    kept = processor.screen([raw_text(n, 101) for n in range(5)] + [raw_text(9, 202)])

    async def handle(n: int) -> None:
        await asyncio.sleep(0)
        ran.append(n)

    await asyncio.wait_for(
        asyncio.gather(
            *(processor.process_update(tap(u["update_id"], 101), handle(u["update_id"])) for u in kept[:-1])
        ),
        timeout=5,
    )
    assert ran == [0, 1, 2, 3, 4]
    assert processor._queued == {} and processor._lanes == {} and processor._admitted == {}
