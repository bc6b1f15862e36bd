"""`realtime.stepping`: an awaitable run by hand ends in the caller's frame when it need
not wait, and a task finishes it, as a task would have run it, when it must."""

from __future__ import annotations

import asyncio

import pytest

from genqueue.realtime.stepping import finish, step


async def _send(gate: asyncio.Event, log: list[str], name: str) -> None:
    log.append(f"{name} start")
    if not gate.is_set():
        await gate.wait()
    await asyncio.sleep(0)  # a bare yield as well
    log.append(f"{name} end")


async def test_an_awaitable_that_need_not_wait_ends_in_the_call() -> None:
    gate = asyncio.Event()
    gate.set()
    log: list[str] = []

    async def quick() -> None:
        log.append("ran")

    assert step(quick()) is None
    assert log == ["ran"]
    suspended = step(_send(gate, log, "a"))
    assert suspended is not None  # the bare yield suspends it
    await finish(suspended)
    assert log == ["ran", "a start", "a end"]


async def test_one_that_waits_is_finished_by_a_task_in_order() -> None:
    gate = asyncio.Event()
    log: list[str] = []
    suspended = step(_send(gate, log, "a"))
    assert suspended is not None
    assert log == ["a start"]
    task = asyncio.create_task(finish(suspended))
    await asyncio.sleep(0.01)
    assert log == ["a start"]
    gate.set()
    await task
    assert log == ["a start", "a end"]


async def test_cancelling_the_task_cancels_the_awaitable() -> None:
    gate = asyncio.Event()
    cleaned: list[bool] = []

    async def send() -> None:
        try:
            await gate.wait()
        finally:
            cleaned.append(True)

    suspended = step(send())
    assert suspended is not None
    task = asyncio.create_task(finish(suspended))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == [True]


async def test_an_error_after_the_wait_propagates() -> None:
    gate = asyncio.Event()

    async def send() -> None:
        await gate.wait()
        raise ValueError("broken")

    suspended = step(send())
    assert suspended is not None
    gate.set()
    with pytest.raises(ValueError, match="broken"):
        await finish(suspended)
