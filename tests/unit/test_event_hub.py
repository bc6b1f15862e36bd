"""The event hub on a real SQLite store: per-job and per-owner subscriptions, replay up to
the subscription's start, and bounded queues."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from genqueue.apps import load_registry
from genqueue.engine.engine import Engine
from genqueue.engine.events import EventKind
from genqueue.realtime import hub as hub_module
from genqueue.realtime.hub import EventHub
from genqueue.stores.sqlite import SqliteStore


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[Engine]:
    store = SqliteStore(str(tmp_path / "hub.db"))
    await store.setup()
    yield Engine(store, load_registry().catalog)
    await store.close()


@pytest.fixture
async def hub(engine: Engine) -> AsyncIterator[EventHub]:
    hub = EventHub(engine, poll_seconds=0.005)
    await hub.start()
    yield hub
    await hub.stop()


async def test_subscribers_get_their_jobs_events_only(engine: Engine, hub: EventHub) -> None:
    earlier = (await engine.submit("alice", "demo")).job
    by_job = await hub.subscribe(job_id=earlier.id)
    by_owner = await hub.subscribe(owner="alice")
    later = (await engine.submit("alice", "demo")).job
    await engine.submit("bob", "demo")
    await engine.cancel(earlier.id)
    cancelled = await by_job.next(5)
    assert cancelled is not None
    assert (cancelled.kind, cancelled.job_id) == (EventKind.CANCELLED, earlier.id)
    owned = [await by_owner.next(5) for _ in range(2)]
    assert [(e.kind, e.job_id) for e in owned if e] == [
        (EventKind.CREATED, later.id),
        (EventKind.CANCELLED, earlier.id),
    ]
    assert await by_owner.next(0.05) is None
    by_job.close()
    by_owner.close()
    with pytest.raises(ValueError, match="one job, to one owner or to everything"):
        await hub.subscribe()


async def test_the_whole_feed_and_listeners_get_every_event_in_order(
    engine: Engine, hub: EventHub
) -> None:
    before = (await engine.submit("alice", "demo")).job
    everything = await hub.subscribe(everything=True)
    heard: list[str] = []
    start_id = await hub.add_listener(lambda event: heard.append(event.job_id))
    assert start_id == everything.start_id
    alices = (await engine.submit("alice", "demo")).job
    bobs = (await engine.submit("bob", "demo")).job
    await engine.cancel(before.id)
    seen = [await everything.next(5) for _ in range(3)]
    assert [e.job_id for e in seen if e] == [alices.id, bobs.id, before.id]
    assert heard == [alices.id, bobs.id, before.id], "a listener hears the same, in order"
    everything.close()
    await engine.cancel(alices.id)
    await asyncio.sleep(0.05)
    assert heard[-1] == alices.id, "a listener alone keeps the tail going"


async def test_a_failing_listener_does_not_stop_the_others(engine: Engine, hub: EventHub) -> None:
    def broken(_: object) -> None:
        raise RuntimeError("listener bug")

    heard: list[str] = []
    await hub.add_listener(broken)
    await hub.add_listener(lambda event: heard.append(event.job_id))
    job = (await engine.submit("alice", "demo")).job
    for _ in range(200):
        if heard:
            break
        await asyncio.sleep(0.01)
    assert heard == [job.id]
    hub.remove_listener(broken)
    hub.remove_listener(broken)


async def test_replay_stops_where_the_subscription_starts(engine: Engine, hub: EventHub) -> None:
    job = (await engine.submit("alice", "demo")).job
    first_id = (await engine.events_after(None))[0].id
    await engine.cancel(job.id)
    subscription = await hub.subscribe(job_id=job.id)
    replayed = [e async for e in hub.replay(job.id, "0", subscription.start_id)]
    assert [e.kind for e in replayed] == [EventKind.CREATED, EventKind.CANCELLED]
    after_first = [e async for e in hub.replay(job.id, first_id, subscription.start_id)]
    assert [e.kind for e in after_first] == [EventKind.CANCELLED]
    subscription.close()


async def test_a_full_queue_ends_the_subscription(
    engine: Engine, hub: EventHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, "QUEUE_SIZE", 2)
    subscription = await hub.subscribe(owner="alice")
    for _ in range(4):
        await engine.submit("alice", "demo")
    for _ in range(500):  # the tail dispatches within a few polls
        if subscription.overflowed:
            break
        await asyncio.sleep(0.01)
    assert subscription.overflowed
    delivered = []
    for _ in range(5):
        event = await subscription.next(1)
        if event is None:
            break
        delivered.append(event)
    assert 1 <= len(delivered) < 4
    assert await subscription.next(0.01) is None
    subscription.close()
