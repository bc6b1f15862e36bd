"""The Redis store's own concerns: scripts that vanish, URLs, an unreachable server, wake-ups."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis

from genqueue.engine.errors import StoreUnavailable
from genqueue.engine.job import JobState
from genqueue.engine.store import Completion, ListQuery, NewJob
from genqueue.stores import open_store
from genqueue.stores.redis import RedisStore
from genqueue.stores.redis.connection import parse_url
from tests.contract.conftest import FakeClock, engine_on
from tests.redis_support import free_port, new_prefix, start_server, stop_server, store_url


@pytest.fixture(scope="module")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of this module's own: SCRIPT FLUSH must not disturb a shared one."""
    process, port = start_server(tmp_path_factory.mktemp("private-redis"))
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop_server(process)


@pytest.fixture
async def private_store(private_redis: str) -> AsyncIterator[RedisStore]:
    store = RedisStore(private_redis, prefix=new_prefix())
    await store.setup()
    yield store
    await store.close()


async def test_script_flush_mid_use_is_survived(
    private_redis: str, private_store: RedisStore
) -> None:
    engine = engine_on(private_store, FakeClock())
    first = (await engine.submit("alice", "t")).job
    with redis.Redis.from_url(private_redis) as admin:
        admin.script_flush()
        assert admin.script_exists(private_store._scripts.sha["claim"]) == [False]
    [claimed] = await engine.claim("w", ["q"], 1)
    assert claimed.job.id == first.id
    with redis.Redis.from_url(private_redis) as admin:
        admin.script_flush()
    assert await engine.complete([Completion(claimed.lease, "ok")]) == set()
    assert (await engine.get(first.id)).result == "ok"


async def test_open_store_reads_prefix_and_cluster_from_the_url() -> None:
    store = open_store("redis://127.0.0.1:1/0?prefix=abc", redis_prefix="ignored")
    assert isinstance(store, RedisStore)
    assert store.keys.job("j") == "{abc}:job:j"
    await store.close()
    default = open_store("redis://127.0.0.1:1/0", redis_prefix="mine")
    assert isinstance(default, RedisStore)
    assert default.keys.base == "{mine}:"
    await default.close()
    target = parse_url("rediss+cluster://h:7000/0?prefix=p&ssl_cert_reqs=none")
    assert (target.url, target.cluster, target.prefix) == (
        "rediss://h:7000/0?ssl_cert_reqs=none",
        True,
        "p",
    )
    with pytest.raises(ValueError, match="braces"):
        open_store("redis://127.0.0.1:1/0?prefix={x}")


async def test_an_unreachable_server_is_store_unavailable() -> None:
    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0", prefix=new_prefix())
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        await store.ping()
    with pytest.raises(StoreUnavailable):
        await engine_on(store, FakeClock()).submit("alice", "t")
    await store.wait_for_work(0.05)
    assert time.monotonic() - started < 15
    await store.close()


async def test_a_restarted_server_is_reconnected_and_its_scripts_reloaded(tmp_path: Path) -> None:
    process, port = start_server(tmp_path / "first")
    url = f"redis://127.0.0.1:{port}/0"
    store = RedisStore(url, prefix=new_prefix())
    engine = engine_on(store, FakeClock())
    try:
        await store.setup()
        await engine.submit("alice", "t")
        stop_server(process)
        with pytest.raises(StoreUnavailable):
            await engine.submit("alice", "t")
        process, _ = start_server(tmp_path / "second", port=port)
        assert (await engine.submit("alice", "t")).created
        assert len(await engine.claim("w", ["q"], 5)) == 1
    finally:
        await store.close()
        stop_server(process)


async def test_an_enqueue_in_another_process_wakes_an_idle_worker_at_once(
    redis_url: str, redis_prefix: str
) -> None:
    url = store_url(redis_url, redis_prefix)
    worker_store, producer_store = RedisStore(url), RedisStore(url)
    await worker_store.setup()
    await producer_store.setup()
    clock = FakeClock()
    worker, producer = engine_on(worker_store, clock, 1), engine_on(producer_store, clock, 2)
    try:
        latencies = []
        for _ in range(20):
            assert await worker.claim("w", ["q"], 1) == []
            waiting = asyncio.create_task(worker_store.wait_for_work(2.0))
            await asyncio.sleep(0.005)
            started = time.monotonic()
            await producer.submit("alice", "t")
            await waiting
            latencies.append(time.monotonic() - started)
            [claimed] = await worker.claim("w", ["q"], 1)
            await worker.complete([Completion(claimed.lease, None)])
        assert sorted(latencies)[-2] < 0.05
    finally:
        await worker_store.close()
        await producer_store.close()


async def test_cleaning_leaves_no_index_entry_behind(redis_url: str, redis_prefix: str) -> None:
    store = RedisStore(redis_url, prefix=redis_prefix)
    await store.setup()
    clock = FakeClock()
    engine = engine_on(store, clock)
    try:
        submitted = await engine.submit(
            "alice", "t", tags={"characterId": "c1"}, idempotency_key="k"
        )
        [claimed] = await engine.claim("w", ["q"], 1)
        await engine.complete([Completion(claimed.lease, None)])
        clock.advance(10)
        assert await engine.clean("q", [JobState.COMPLETED], older_than=5) == 1
        with redis.Redis.from_url(redis_url, decode_responses=True) as admin:
            left = set(admin.scan_iter(match=store.keys.pattern))
            assert not admin.hgetall(store.keys.base + "idempotency")
        indexes = ("job:", "owner:", "tag:", ":all", ":completed", ":pending", ":active")
        assert not [key for key in left if any(part in key for part in indexes)]
        again = await engine.submit("alice", "t", tags={"characterId": "c1"}, idempotency_key="k")
        assert again.created
        assert again.job.id != submitted.job.id
    finally:
        await store.close()


async def test_an_enqueue_sent_twice_makes_one_job_and_one_charge(
    redis_url: str, redis_prefix: str
) -> None:
    store = RedisStore(redis_url, prefix=redis_prefix, initial_credits=10)
    await store.setup()
    try:
        job = NewJob("j1", "q", "paid", "alice", None, {}, 100, 3, 2, 1.0, 1.0)
        first, second = await store.enqueue(job), await store.enqueue(job)
        assert first.created
        assert second.created
        assert second.job.id == "j1"
        assert await store.balance("alice") == 8
        assert (await store.list_jobs(ListQuery(owner="alice"))).total == 1
    finally:
        await store.close()


async def test_a_delayed_job_from_another_process_starts_on_time(
    redis_url: str, redis_prefix: str
) -> None:
    url = store_url(redis_url, redis_prefix)
    worker_store, producer_store = RedisStore(url), RedisStore(url)
    await worker_store.setup()
    await producer_store.setup()
    worker, producer = (
        engine_on(worker_store, time.time, 1),
        engine_on(producer_store, time.time, 2),
    )
    try:
        assert await worker.claim("w", ["q"], 1) == []
        job = (await producer.submit("alice", "t", delay_seconds=0.3)).job
        deadline = time.monotonic() + 5.0
        while not (claimed := await worker.claim("w", ["q"], 1)):
            assert time.monotonic() < deadline
            await worker_store.wait_for_work(5.0)
        assert claimed[0].job.id == job.id
        assert time.time() - job.run_at < 0.2
    finally:
        await worker_store.close()
        await producer_store.close()


async def test_a_cancelled_first_call_still_sends_the_calls_that_joined_its_pipeline(
    private_store: RedisStore,
) -> None:
    first = asyncio.create_task(private_store.grant("alice", 5, None, 1.0))
    joined = asyncio.create_task(private_store.grant("alice", 7, None, 1.0))
    await asyncio.sleep(0)  # both are now in the pipeliner: the first waits one turn for others
    first.cancel()
    balance = await asyncio.wait_for(joined, 5.0)
    assert first.cancelled()
    assert balance == await private_store.balance("alice")
    assert balance == private_store.initial_credits + 7
