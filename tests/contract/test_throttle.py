"""Throttling: a fixed-window hit counter per key, shared by every process on the store."""

from __future__ import annotations

from genqueue.engine.store import Store

from .conftest import StoreOpener

WINDOW = 10.0
START = 1_800_000_000.0  # a multiple of WINDOW: the window starts here


async def test_hits_are_admitted_up_to_the_limit(store: Store) -> None:
    assert [await store.throttle("alice", 3, WINDOW, START + i) for i in range(3)] == [0.0] * 3
    retry = await store.throttle("alice", 3, WINDOW, START + 4)
    assert 0 < retry <= WINDOW
    assert retry == WINDOW - 4
    assert await store.throttle("bob", 3, WINDOW, START + 4) == 0.0


async def test_a_new_window_admits_again(store: Store) -> None:
    for _ in range(2):
        await store.throttle("k", 2, WINDOW, START + 9.5)
    assert 0 < await store.throttle("k", 2, WINDOW, START + 9.9) <= WINDOW
    assert await store.throttle("k", 2, WINDOW, START + WINDOW) == 0.0
    assert await store.throttle("k", 2, WINDOW, START + WINDOW + 1) == 0.0
    assert await store.throttle("k", 2, WINDOW, START + WINDOW + 2) > 0


async def test_two_connections_share_the_count(open_store: StoreOpener) -> None:
    first, second = await open_store(), await open_store()
    assert await first.throttle("shared", 2, WINDOW, START + 1) == 0.0
    assert await second.throttle("shared", 2, WINDOW, START + 2) == 0.0
    assert await first.throttle("shared", 2, WINDOW, START + 3) > 0
    assert await second.throttle("shared", 2, WINDOW, START + 3) > 0
