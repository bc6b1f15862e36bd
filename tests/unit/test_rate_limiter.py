"""The API's rate limiter on a real SQLite store: exact for small limits, sampled for big
ones, and shared by every process (here: two connections, two limiters)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from genqueue.api.limits import RateLimiter
from genqueue.engine.store import Store
from genqueue.stores.sqlite import SqliteStore

WINDOW = 60.0
START = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


class CountingStore:
    """The real store, counting how often the limiter reaches it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.calls = 0

    async def throttle(self, key: str, limit: int, window_seconds: float, now: float) -> float:
        self.calls += 1
        return await self.store.throttle(key, limit, window_seconds, now)


@pytest.fixture
async def stores(tmp_path: Path) -> AsyncIterator[list[CountingStore]]:
    opened = [SqliteStore(str(tmp_path / "limits.db")) for _ in range(2)]
    for store in opened:
        await store.setup()
    yield [CountingStore(s) for s in opened]
    for store in opened:
        await store.close()


def limiter(store: CountingStore, limit: int, clock: Clock) -> RateLimiter:
    return RateLimiter(store, "api", limit, WINDOW, clock)  # type: ignore[arg-type]


async def test_a_small_limit_is_exact_across_processes(stores: list[CountingStore]) -> None:
    clock = Clock()
    first, second = (limiter(s, 5, clock) for s in stores)
    answers = [await (first if i % 2 else second).hit("alice") for i in range(7)]
    assert answers[:5] == [0.0] * 5
    assert all(0 < a <= WINDOW for a in answers[5:])
    assert stores[0].calls + stores[1].calls == 7


async def test_a_big_limit_is_sampled_and_still_holds(stores: list[CountingStore]) -> None:
    clock = Clock()
    first, second = (limiter(s, 1000, clock) for s in stores)
    assert first.stride == 10
    admitted = 0
    for i in range(1500):
        if await (first if i % 2 else second).hit("alice") == 0.0:
            admitted += 1
    assert admitted == 1000
    assert stores[0].calls + stores[1].calls <= 1000 // 10 + 2
    calls = stores[0].calls
    assert await first.hit("alice") > 0
    assert stores[0].calls == calls  # refused locally until the window ends
    clock.now += WINDOW
    assert await first.hit("alice") == 0.0
    assert await first.hit("bob") == 0.0
