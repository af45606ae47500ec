"""SQLite's one writer taken in turns inside the process: in order, urgent writes first."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text

from storage.db import Database
from storage.turns import WriteTurns


async def _queue_behind_a_held_turn(turns: WriteTurns, asks: list[tuple[str, bool]]) -> list[str]:
    """Hold the turn, let each (name, urgent) ask for it in this order, then let go: the
    order in which they got it."""
    served: list[str] = []
    release = asyncio.Event()

    async def holder() -> None:
        async with turns.turn():
            await release.wait()

    async def asker(name: str, urgent: bool) -> None:
        async with turns.turn(urgent=urgent):
            served.append(name)
            await asyncio.sleep(0)

    holding = asyncio.create_task(holder())
    await asyncio.sleep(0)
    tasks = []
    for name, urgent in asks:
        tasks.append(asyncio.create_task(asker(name, urgent)))
        await asyncio.sleep(0)
    assert turns.waiting == len(asks)
    release.set()
    await asyncio.gather(holding, *tasks)
    return served


async def test_waiting_writers_get_the_turn_in_the_order_they_asked() -> None:
    served = await _queue_behind_a_held_turn(WriteTurns(), [(n, False) for n in "abcde"])
    assert served == list("abcde")


async def test_an_urgent_writer_goes_before_those_that_asked_earlier() -> None:
    asks = [("a", False), ("b", False), ("mark", True), ("c", False), ("mark2", True)]
    served = await _queue_behind_a_held_turn(WriteTurns(), asks)
    assert served == ["mark", "mark2", "a", "b", "c"]


async def test_a_writer_cancelled_while_waiting_does_not_hold_up_the_next() -> None:
    turns = WriteTurns()
    release = asyncio.Event()
    served: list[str] = []

    async def holder() -> None:
        async with turns.turn():
            await release.wait()

    async def asker(name: str) -> None:
        async with turns.turn():
            served.append(name)

    holding = asyncio.create_task(holder())
    await asyncio.sleep(0)
    gone = asyncio.create_task(asker("gone"))
    await asyncio.sleep(0)
    next_one = asyncio.create_task(asker("next"))
    await asyncio.sleep(0)
    gone.cancel()
    release.set()
    await asyncio.wait_for(asyncio.gather(holding, next_one), timeout=5)
    assert served == ["next"]
    async with turns.turn():  # and the turn is free again afterwards
        served.append("later")
    assert served == ["next", "later"]


async def test_a_transaction_opened_inside_one_of_the_same_task_does_not_wait_for_itself() -> None:
    turns = WriteTurns()
    async with turns.turn(), asyncio.timeout(5), turns.turn():
        inner = True
    assert inner


async def test_on_sqlite_a_sent_message_is_marked_before_a_burst_of_waiting_updates(
    tmp_path: Path,
) -> None:
    db = Database(f"sqlite:///{tmp_path}/turns.db")
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE log (n INTEGER PRIMARY KEY, who TEXT)"))
    release = asyncio.Event()

    async def write(who: str, *, urgent: bool = False) -> None:
        async with db.at_once(urgent=True) if urgent else db.transaction() as session:
            await session.execute(text("INSERT INTO log (who) VALUES (:who)"), {"who": who})
            if who == "first":
                await release.wait()

    first = asyncio.create_task(write("first"))
    await asyncio.sleep(0.05)
    burst = [asyncio.create_task(write(f"update {n}")) for n in range(10)]
    await asyncio.sleep(0.05)
    mark = asyncio.create_task(write("mark", urgent=True))
    await asyncio.sleep(0.05)
    release.set()
    await asyncio.gather(first, *burst, mark)
    async with db.transaction() as session:
        order = [w for (w,) in (await session.execute(text("SELECT who FROM log ORDER BY n")))]
    await db.close()
    assert order[:2] == ["first", "mark"]
    assert len(order) == 12
