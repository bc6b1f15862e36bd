"""`Store.throttle`: fixed-window hit counts that every process on one store shares."""

from __future__ import annotations

from genqueue.engine.store import Store

from .conftest import StoreOpener

WINDOW = 60.0
START = 1_800_000_000.0  # a window boundary: 1_800_000_000 / 60 is whole


async def test_hits_up_to_the_limit_pass_and_later_ones_wait_for_the_window(store: Store) -> None:
    answers = [await store.throttle("user:a", 3, WINDOW, START + i) for i in range(3)]
    assert answers == [0.0, 0.0, 0.0]
    refused = await store.throttle("user:a", 3, WINDOW, START + 10)
    assert refused == WINDOW - 10
    at_the_edge = await store.throttle("user:a", 3, WINDOW, START + WINDOW - 0.0001)
    assert 0 < at_the_edge <= WINDOW


async def test_a_new_window_admits_again(store: Store) -> None:
    for i in range(3):
        await store.throttle("user:a", 2, WINDOW, START + i)
    assert await store.throttle("user:a", 2, WINDOW, START + 59) > 0
    assert await store.throttle("user:a", 2, WINDOW, START + WINDOW) == 0.0
    assert await store.throttle("user:a", 2, WINDOW, START + WINDOW + 1) == 0.0
    assert await store.throttle("user:a", 2, WINDOW, START + WINDOW + 2) > 0


async def test_keys_are_counted_apart(store: Store) -> None:
    assert await store.throttle("user:a", 1, WINDOW, START) == 0.0
    assert await store.throttle("user:a", 1, WINDOW, START) > 0
    assert await store.throttle("user:b", 1, WINDOW, START) == 0.0


async def test_two_connections_share_one_count(open_store: StoreOpener) -> None:
    first, second = await open_store(), await open_store()
    assert await first.throttle("user:a", 2, WINDOW, START) == 0.0
    assert await second.throttle("user:a", 2, WINDOW, START + 1) == 0.0
    assert await first.throttle("user:a", 2, WINDOW, START + 2) == WINDOW - 2
    assert await second.throttle("user:a", 2, WINDOW, START + 3) == WINDOW - 3
