"""Reading and steering: listing, counts, wait estimates, retry, promote, clean, empty."""

from __future__ import annotations

import pytest

from genqueue.engine.engine import Engine
from genqueue.engine.errors import InsufficientCredits, InvalidJobRequest, InvalidTransition
from genqueue.engine.job import ClaimedJob, JobState
from genqueue.engine.store import Completion, ListQuery, Store

from .conftest import INITIAL_CREDITS, FakeClock


async def finish(engine: Engine, claimed: ClaimedJob, result: object = None) -> None:
    assert await engine.complete([Completion(claimed.lease, result)]) == set()


async def test_list_filters_newest_first_with_total(engine: Engine, clock: FakeClock) -> None:
    made = []
    for i in range(5):
        tags = {"characterId": "c1" if i % 2 == 0 else "c2"}
        made.append((await engine.submit("alice", "t", {"i": i}, tags=tags)).job.id)
        clock.advance(1)
    await engine.submit("bob", "o")
    page = await engine.list_jobs(ListQuery(owner="alice", limit=2))
    assert page.total == 5
    assert [j.id for j in page.jobs] == [made[4], made[3]]
    page = await engine.list_jobs(ListQuery(owner="alice", limit=2, skip=4))
    assert [j.id for j in page.jobs] == [made[0]]
    page = await engine.list_jobs(ListQuery(owner="alice", tags={"characterId": "c1"}))
    assert [j.id for j in page.jobs] == [made[4], made[2], made[0]]
    assert (await engine.list_jobs(ListQuery(types=["o"]))).total == 1
    assert (await engine.list_jobs(ListQuery(queue="q"))).total == 5
    assert (await engine.list_jobs(ListQuery())).total == 6
    [claimed] = await engine.claim("w", ["q"], 1)
    active = await engine.list_jobs(ListQuery(owner="alice", states=[JobState.ACTIVE]))
    assert [j.id for j in active.jobs] == [claimed.job.id]
    waiting = await engine.list_jobs(
        ListQuery(owner="alice", states=[JobState.PENDING, JobState.DELAYED])
    )
    assert waiting.total == 4
    with pytest.raises(InvalidJobRequest):
        await engine.list_jobs(ListQuery(limit=0))


async def test_queue_states_count_every_state(engine: Engine, clock: FakeClock) -> None:
    for _ in range(3):
        await engine.submit("alice", "t")
    await engine.submit("alice", "t", delay_seconds=100)
    [claimed] = await engine.claim("w", ["q"], 1)
    await finish(engine, claimed)
    [claimed] = await engine.claim("w", ["q"], 1)
    states = {s.name: s for s in await engine.store.queue_states(clock.now)}
    counts = states["q"].counts
    assert counts[JobState.PENDING] == 1
    assert counts[JobState.DELAYED] == 1
    assert counts[JobState.ACTIVE] == 1
    assert counts[JobState.COMPLETED] == 1
    assert states["q"].oldest_waiting_at is not None


async def test_position_and_estimated_wait(engine: Engine, clock: FakeClock) -> None:
    first = await engine.estimate_wait((await engine.submit("alice", "c")).job)
    assert first.position == 0
    assert first.estimated_seconds == 0
    jobs = [(await engine.submit("alice", "c")).job for _ in range(4)]
    urgent = (await engine.submit("alice", "c", priority=1)).job
    estimate = await engine.estimate_wait(jobs[-1])
    assert estimate.position == 5
    assert estimate.queue_length == 6
    # No measured durations yet: the queue's configured estimate (60 s), cap 2 → ⌈5/2⌉ × 60.
    assert estimate.estimated_seconds == 3 * 60
    assert (await engine.estimate_wait(urgent)).position == 0
    for duration in (2, 4, 6):
        [claimed] = await engine.claim("w", ["capped"], 1)
        clock.advance(duration)
        await finish(engine, claimed)
    estimate = await engine.estimate_wait(jobs[-1])
    assert estimate.position == 2
    assert estimate.estimated_seconds == 1 * 4


async def test_retry_a_failed_job_charges_again(engine: Engine, store: Store) -> None:
    await engine.submit("alice", "paid")
    [claimed] = await engine.claim("w", ["q"], 1)
    failed = await engine.fail_attempt(claimed, "bad", None, retryable=False)
    assert await store.balance("alice") == INITIAL_CREDITS
    retried = await engine.retry(failed.id)
    assert retried.state is JobState.PENDING
    assert retried.attempts_made == 0
    assert retried.failed_reason is None
    assert retried.charged == 2
    assert await store.balance("alice") == INITIAL_CREDITS - 2
    [again] = await engine.claim("w", ["q"], 1)
    await finish(engine, again, "ok")
    assert (await engine.get(failed.id)).result == "ok"
    with pytest.raises(InvalidTransition):
        await engine.retry(failed.id)


async def test_retry_needs_credits(engine: Engine, store: Store) -> None:
    job = (await engine.submit("erin", "paid")).job
    await engine.cancel(job.id)
    await store.grant("erin", -INITIAL_CREDITS, "spent elsewhere", 0)
    with pytest.raises(InsufficientCredits):
        await engine.retry(job.id)
    assert (await engine.get(job.id)).state is JobState.CANCELLED


async def test_promote_a_delayed_job(engine: Engine) -> None:
    job = (await engine.submit("alice", "t", delay_seconds=3600)).job
    promoted = await engine.promote(job.id)
    assert promoted.state is JobState.PENDING
    assert len(await engine.claim("w", ["q"], 1)) == 1
    with pytest.raises(InvalidTransition):
        await engine.promote(job.id)


async def test_clean_removes_finished_jobs_by_state_and_age(
    engine: Engine, clock: FakeClock
) -> None:
    await engine.submit("alice", "t")
    await engine.submit("alice", "t")
    [a, b] = await engine.claim("w", ["q"], 2)
    await finish(engine, a)
    await engine.fail_attempt(b, "x", None, retryable=False)
    clock.advance(100)
    recent = (await engine.submit("alice", "t")).job
    await engine.cancel(recent.id)
    assert await engine.clean("q", [JobState.COMPLETED, JobState.CANCELLED], older_than=50) == 1
    left = {j.state for j in (await engine.list_jobs(ListQuery(queue="q"))).jobs}
    assert left == {JobState.FAILED, JobState.CANCELLED}
    with pytest.raises(InvalidJobRequest):
        await engine.clean("q", [JobState.PENDING], 0)


async def test_retention_by_age_and_count(engine: Engine, clock: FakeClock) -> None:
    for _ in range(4):
        await engine.submit("alice", "s")
        [claimed] = await engine.claim("w", ["short"], 1)
        await finish(engine, claimed)
        clock.advance(1)
    waiting = (await engine.submit("alice", "s")).job
    assert await engine.apply_retention() == 2
    assert (await engine.list_jobs(ListQuery(queue="short"))).total == 3
    clock.advance(61)
    assert await engine.apply_retention() == 2
    page = await engine.list_jobs(ListQuery(queue="short"))
    assert [j.id for j in page.jobs] == [waiting.id]


async def test_default_retention_keeps_a_day(engine: Engine, clock: FakeClock) -> None:
    await engine.submit("alice", "t")
    [claimed] = await engine.claim("w", ["q"], 1)
    await finish(engine, claimed)
    clock.advance(23 * 3600)
    assert await engine.apply_retention() == 0
    clock.advance(2 * 3600)
    assert await engine.apply_retention() == 1


async def test_empty_cancels_and_refunds_waiting_jobs(engine: Engine, store: Store) -> None:
    for _ in range(3):
        await engine.submit("alice", "paid")
    await engine.submit("alice", "paid", delay_seconds=60)
    [running] = await engine.claim("w", ["q"], 1)
    assert await store.balance("alice") == INITIAL_CREDITS - 8
    assert await engine.empty("q") == 3
    assert await store.balance("alice") == INITIAL_CREDITS - 2
    assert (await engine.get(running.job.id)).state is JobState.ACTIVE


async def test_grants_never_take_a_balance_below_zero(store: Store) -> None:
    assert await store.balance("new") == INITIAL_CREDITS
    assert await store.grant("new", 5, "bonus", 0) == INITIAL_CREDITS + 5
    assert await store.grant("new", -1000, "clawback", 0) == 0
    entries = await store.ledger("new", 10)
    assert [e.amount for e in entries] == [-(INITIAL_CREDITS + 5), 5, INITIAL_CREDITS]
    assert entries[0].balance == 0


async def test_clean_and_empty_work_through_many_jobs(engine: Engine, clock: FakeClock) -> None:
    for _ in range(1200):
        await engine.submit("bulk", "o")
    while claimed := await engine.claim("w", ["other"], 500):
        await engine.complete([Completion(c.lease, None) for c in claimed])
    for _ in range(700):
        await engine.submit("bulk", "o")
    clock.advance(10)
    assert await engine.clean("other", [JobState.COMPLETED], older_than=5) == 1200
    assert await engine.empty("other") == 700
    page = await engine.list_jobs(ListQuery(queue="other", limit=1))
    assert page.total == 700
    assert page.jobs[0].state is JobState.CANCELLED
