"""What the admin API needs from every store: delete, search, depth samples, liveness,
retrying a queue's failed jobs."""

from __future__ import annotations

import pytest

from genqueue.engine.engine import Engine
from genqueue.engine.errors import InvalidJobRequest, InvalidTransition, JobNotFound
from genqueue.engine.events import EventKind
from genqueue.engine.job import ClaimedJob, JobState
from genqueue.engine.store import (
    DEPTH_SECONDS,
    Completion,
    DepthSample,
    ListQuery,
    Store,
    WorkerInfo,
)

from .conftest import INITIAL_CREDITS, LEASE, FakeClock

MINUTE = 1_800_000_000 // 60 * 60


async def claim(engine: Engine, queue: str = "q") -> ClaimedJob:
    [claimed] = await engine.claim("w", [queue], 1)
    return claimed


async def fail_for_good(engine: Engine, job_type: str = "once", owner: str = "alice") -> str:
    job = (await engine.submit(owner, job_type)).job
    claimed = await claim(engine, job.queue)
    assert claimed.job.id == job.id
    await engine.fail_attempt(claimed, "boom", "Traceback ...", retryable=False)
    return job.id


# -- delete ---------------------------------------------------------------------------


async def test_deleting_a_waiting_job_refunds_it_and_frees_its_indexes(engine: Engine) -> None:
    pending = (
        await engine.submit("alice", "paid", {"n": 1}, tags={"c": "v"}, idempotency_key="k1")
    ).job
    delayed = (await engine.submit("alice", "paid", delay_seconds=60)).job
    assert await engine.store.balance("alice") == INITIAL_CREDITS - 4
    for job in (pending, delayed):
        last = await engine.delete(job.id)
        assert last.id == job.id
        assert last.state is JobState.CANCELLED
        with pytest.raises(JobNotFound):
            await engine.get(job.id)
    assert await engine.store.balance("alice") == INITIAL_CREDITS
    assert (await engine.list_jobs(ListQuery(owner="alice"))).total == 0
    assert (await engine.list_jobs(ListQuery(tags={"c": "v"}))).total == 0
    assert (await engine.list_jobs(ListQuery(queue="q"))).total == 0
    states = {s.name: s for s in await engine.store.queue_states(engine.clock())}
    assert sum(states["q"].counts.values()) == 0
    again = await engine.submit("alice", "paid", {"n": 1}, tags={"c": "v"}, idempotency_key="k1")
    assert again.created
    kinds = [e.kind for e in await engine.events_after(None) if e.job_id == pending.id]
    assert kinds == [EventKind.CREATED, EventKind.CANCELLED]


async def test_deleting_a_finished_job_keeps_credits(engine: Engine) -> None:
    job = (await engine.submit("alice", "paid")).job
    claimed = await claim(engine)
    await engine.complete([Completion(claimed.lease, "done")])
    last = await engine.delete(job.id)
    assert last.state is JobState.COMPLETED
    assert last.result == "done"
    assert await engine.store.balance("alice") == INITIAL_CREDITS - 2
    with pytest.raises(JobNotFound):
        await engine.delete(job.id)
    states = {s.name: s for s in await engine.store.queue_states(engine.clock())}
    assert states["q"].counts[JobState.COMPLETED] == 0


async def test_an_active_job_is_not_deleted(engine: Engine) -> None:
    job = (await engine.submit("alice", "paid")).job
    await claim(engine)
    with pytest.raises(InvalidTransition) as refused:
        await engine.delete(job.id)
    assert refused.value.state == "active"
    assert (await engine.get(job.id)).state is JobState.ACTIVE
    assert await engine.store.balance("alice") == INITIAL_CREDITS - 2


# -- search ---------------------------------------------------------------------------


async def test_search_matches_id_owner_type_or_tag_value(engine: Engine) -> None:
    a = (await engine.submit("alice", "t", tags={"characterId": "hero-7"})).job
    b = (await engine.submit("bob", "o")).job
    c = (await engine.submit("carol", "t", tags={"storyId": "saga"})).job

    async def found(text: str, **filters: object) -> list[str]:
        page = await engine.list_jobs(ListQuery(text=text, **filters))  # type: ignore[arg-type]
        assert page.total == len(page.jobs)
        return sorted(j.id for j in page.jobs)

    assert await found(a.id) == [a.id]
    assert await found(b.id[:4]) == sorted([a.id, b.id, c.id])  # ids share their first chars
    assert await found(c.id[:-1]) == sorted([a.id, b.id, c.id])[: int(c.id[-1])]
    assert await found(a.id[:3]) == []  # a prefix needs 4 characters
    assert await found("bob") == [b.id]
    assert await found("t") == sorted([a.id, c.id])
    assert await found("hero-7") == [a.id]
    assert await found("hero") == []  # tag values match exactly
    assert await found("characterId") == []  # names are not values
    assert await found("t", owner="carol") == [c.id]
    assert await found("t", tags={"storyId": "saga"}) == [c.id]
    assert await found("saga", queue="other") == []
    assert await found("o", queue="other", states=[JobState.PENDING]) == [b.id]
    with pytest.raises(InvalidJobRequest):
        await engine.list_jobs(ListQuery(text=""))


async def test_search_pages_with_a_total(engine: Engine, clock: FakeClock) -> None:
    made = []
    for _ in range(5):
        made.append((await engine.submit("alice", "t", tags={"batch": "b1"})).job.id)
        clock.advance(1)
    await engine.submit("alice", "t", tags={"batch": "b2"})
    page = await engine.list_jobs(ListQuery(text="b1", limit=2, skip=2))
    assert page.total == 5
    assert [j.id for j in page.jobs] == [made[2], made[1]]
    [claimed] = await engine.claim("w", ["q"], 1)
    active = await engine.list_jobs(ListQuery(text="b1", states=[JobState.ACTIVE]))
    assert [j.id for j in active.jobs] == [claimed.job.id]


# -- queue depth samples ----------------------------------------------------------------


async def test_the_first_depth_sample_of_a_minute_stays(store: Store) -> None:
    for queue in ("q", "o"):  # samples are of queues the store knows
        await store.set_paused(queue, False)
    await store.record_depth([DepthSample("q", MINUTE, 3, 1, 2), DepthSample("o", MINUTE, 1, 0, 0)])
    await store.record_depth([DepthSample("q", MINUTE, 9, 9, 9)])
    await store.record_depth([DepthSample("q", MINUTE + 60, 4, 0, 0)])
    await store.record_depth([])
    samples = await store.depth(MINUTE - 600)
    assert [(s.minute, s.queue) for s in samples] == [
        (MINUTE, "o"),
        (MINUTE, "q"),
        (MINUTE + 60, "q"),
    ]
    assert samples[1] == DepthSample("q", MINUTE, 3, 1, 2)
    assert await store.depth(MINUTE + 61, "q") == [DepthSample("q", MINUTE + 60, 4, 0, 0)]
    assert await store.depth(MINUTE, "o") == [DepthSample("o", MINUTE, 1, 0, 0)]


async def test_engine_samples_every_queue_once_a_minute(engine: Engine, clock: FakeClock) -> None:
    for _ in range(3):
        await engine.submit("alice", "t")
    await engine.submit("alice", "t", delay_seconds=600)
    await engine.submit("bob", "o")
    await claim(engine)
    minute = await engine.sample_depth()
    assert minute == int(clock.now // 60) * 60
    await engine.submit("alice", "t")
    assert await engine.sample_depth() == minute  # the same minute: the first sample stays
    clock.advance(60)
    await engine.sample_depth()
    samples = {(s.minute, s.queue): s for s in await engine.store.depth(minute)}
    assert samples[(minute, "q")] == DepthSample("q", minute, 2, 1, 1)
    assert samples[(minute, "other")] == DepthSample("other", minute, 1, 0, 0)
    assert samples[(minute + 60, "q")] == DepthSample("q", minute + 60, 3, 1, 1)


async def test_depth_samples_older_than_the_retention_go(engine: Engine, clock: FakeClock) -> None:
    await engine.submit("alice", "t")
    old = int(clock.now // 60) * 60 - DEPTH_SECONDS - 120
    await engine.store.record_depth([DepthSample("q", old, 1, 0, 0)])
    await engine.sample_depth()
    await engine.apply_retention()
    assert [s.minute for s in await engine.store.depth(0, "q")] == [int(clock.now // 60) * 60]


# -- workers and retry-failed -------------------------------------------------------------


async def test_a_worker_is_alive_within_one_lease_of_its_heartbeat(
    engine: Engine, clock: FakeClock
) -> None:
    info = WorkerInfo("w1", "host", 42, ["q"], 3, 1, clock.now, clock.now)
    await engine.store.register_worker(info)
    [seen] = await engine.store.workers()
    assert engine.is_alive(seen)
    clock.advance(LEASE + 1)
    assert not engine.is_alive(seen)
    assert await engine.live_workers() == []


async def test_retry_failed_requeues_what_it_can_pay_for(engine: Engine) -> None:
    failed = [await fail_for_good(engine) for _ in range(3)]
    broke = (await engine.submit("broke", "paid")).job
    claimed = await claim(engine)
    await engine.fail_attempt(claimed, "boom", None, retryable=False)
    await engine.store.grant("broke", -INITIAL_CREDITS, None, engine.clock())
    other = await fail_for_good(engine, "o")
    assert await engine.retry_failed("q") == 3
    for job_id in failed:
        job = await engine.get(job_id)
        assert job.state is JobState.PENDING
        assert job.attempts_made == 0
    assert (await engine.get(broke.id)).state is JobState.FAILED
    assert (await engine.get(other)).state is JobState.FAILED
    assert await engine.retry_failed("q") == 0
    assert await engine.retry_failed("nothing-here") == 0
