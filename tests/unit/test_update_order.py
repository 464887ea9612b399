"""Users side by side, each user's updates one at a time and in order."""

from __future__ import annotations

import asyncio

from telegram import CallbackQuery, Update, User

from bot.update_order import PerUserOrder, lane_of


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
    assert ran == [-1] and notes == [101]
    release.set()
    await asyncio.wait_for(asyncio.gather(*flood), timeout=5)
    assert ran[1:] == list(range(MAX_QUEUED_PER_USER))
    # The burst is over: a new one gets its own note.
    assert processor._noted == set()
