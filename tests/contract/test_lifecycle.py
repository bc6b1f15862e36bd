"""A job's life after its claim: progress, results, failure and retry, cancel, stalls.

Every write a worker makes carries its lease token; a stale token is refused.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from genqueue.engine.engine import Engine
from genqueue.engine.errors import InvalidTransition, LeaseLost
from genqueue.engine.job import ClaimedJob, JobState, Lease, Progress
from genqueue.engine.store import Completion, ProgressUpdate, Store

from .conftest import INITIAL_CREDITS, LEASE, FakeClock, StoreOpener, engine_on


async def claim_one(engine: Engine, job_type: str = "t", owner: str = "alice") -> ClaimedJob:
    job = (await engine.submit(owner, job_type)).job
    [claimed] = await engine.claim("w1", [job.queue], 1)
    assert claimed.job.id == job.id
    return claimed


async def test_progress_partial_and_complete(engine: Engine, clock: FakeClock) -> None:
    claimed = await claim_one(engine)
    progress = Progress(40.0, current=2, total=5, current_task="Generating front_85mm shot")
    assert await engine.report_progress([ProgressUpdate(claimed.lease, progress)]) == set()
    await engine.add_partial(claimed.lease, {"angle": "front_50mm", "url": "/a.png"})
    await engine.add_partial(claimed.lease, {"angle": "back_50mm", "url": "/b.png"})
    job = await engine.get(claimed.job.id)
    assert job.progress == progress
    assert [p["angle"] for p in job.partial_results] == ["front_50mm", "back_50mm"]
    clock.advance(3)
    assert await engine.complete([Completion(claimed.lease, {"url": "/done.png"})]) == set()
    job = await engine.get(claimed.job.id)
    assert job.state is JobState.COMPLETED
    assert job.result == {"url": "/done.png"}
    assert job.attempts_made == 1
    assert job.completed_at == clock.now
    assert job.duration == 3
    assert job.progress.percentage == 100
    assert job.progress.current_task == "Generating front_85mm shot"


async def test_writes_with_a_stale_lease_are_refused(engine: Engine) -> None:
    claimed = await claim_one(engine)
    forged = Lease(claimed.job.id, "not-the-token", claimed.lease.expires_at)
    assert await engine.report_progress([ProgressUpdate(forged, Progress(5))]) == {forged.job_id}
    with pytest.raises(LeaseLost):
        await engine.add_partial(forged, {"x": 1})
    assert await engine.complete([Completion(forged, "zombie")]) == {forged.job_id}
    with pytest.raises(LeaseLost):
        await engine.fail_attempt(ClaimedJob(claimed.job, forged), "boom", None)
    job = await engine.get(claimed.job.id)
    assert job.state is JobState.ACTIVE
    assert job.result is None
    assert job.partial_results == []


async def test_an_expired_lease_is_refused_even_before_recovery(
    engine: Engine, clock: FakeClock
) -> None:
    claimed = await claim_one(engine)
    clock.advance(LEASE + 1)
    assert await engine.complete([Completion(claimed.lease, "late")]) == {claimed.job.id}
    assert (await engine.get(claimed.job.id)).state is JobState.ACTIVE


async def test_extend_keeps_the_lease_alive(engine: Engine, clock: FakeClock) -> None:
    claimed = await claim_one(engine)
    clock.advance(LEASE * 0.8)
    [renewed] = await engine.extend_leases([claimed.lease])
    assert renewed.expires_at == clock.now + LEASE
    clock.advance(LEASE * 0.8)
    assert await engine.recover_stalled() == []
    assert await engine.complete([Completion(claimed.lease, 1)]) == set()
    assert await engine.extend_leases([claimed.lease]) == []


async def test_failure_retries_with_exponential_backoff(engine: Engine, clock: FakeClock) -> None:
    job = (await engine.submit("alice", "paid")).job
    delays = []
    for attempt in (1, 2):
        [claimed] = await engine.claim("w", ["q"], 1)
        assert claimed.attempt == attempt
        retried = await engine.fail_attempt(claimed, f"boom {attempt}", "Traceback ...")
        assert retried.state is JobState.DELAYED
        assert retried.attempts_made == attempt
        assert retried.failed_reason == f"boom {attempt}"
        delays.append(retried.run_at - clock.now)
        assert await engine.claim("w", ["q"], 1) == []
        clock.advance(delays[-1])
    assert delays == [2.0, 4.0]
    [claimed] = await engine.claim("w", ["q"], 1)
    final = await engine.fail_attempt(claimed, "boom 3", "Traceback (most recent call last)")
    assert final.state is JobState.FAILED
    assert final.attempts_made == 3
    assert final.failed_reason == "boom 3"
    assert final.stacktrace == "Traceback (most recent call last)"
    assert final.charged == 0
    assert await engine.store.balance("alice") == INITIAL_CREDITS
    assert job.cost == 2


async def test_non_retryable_and_single_attempt_failures_end_at_once(engine: Engine) -> None:
    claimed = await claim_one(engine)
    failed = await engine.fail_attempt(claimed, "bad input", None, retryable=False)
    assert failed.state is JobState.FAILED
    assert failed.attempts_made == 1
    once = await claim_one(engine, "once")
    assert (await engine.fail_attempt(once, "x", None)).state is JobState.FAILED


async def test_cancel_a_waiting_job_refunds_it(engine: Engine, store: Store) -> None:
    job = (await engine.submit("alice", "paid")).job
    cancelled = await engine.cancel(job.id)
    assert cancelled.state is JobState.CANCELLED
    assert cancelled.completed_at is not None
    assert await store.balance("alice") == INITIAL_CREDITS
    assert await engine.claim("w", ["q"], 5) == []
    with pytest.raises(InvalidTransition):
        await engine.cancel(job.id)
    assert await store.balance("alice") == INITIAL_CREDITS


async def test_cancel_a_running_job_is_requested_then_confirmed(
    engine: Engine, store: Store
) -> None:
    claimed = await claim_one(engine, "paid")
    requested = await engine.cancel(claimed.job.id)
    assert requested.state is JobState.ACTIVE
    assert requested.cancel_requested
    assert await engine.cancel_requests([claimed.job.id]) == {claimed.job.id}
    done = await engine.confirm_cancel(claimed.lease)
    assert done.state is JobState.CANCELLED
    assert await store.balance("alice") == INITIAL_CREDITS
    refunds = [e for e in await store.ledger("alice", 10) if e.kind.value == "refund"]
    assert len(refunds) == 1


async def test_a_retry_after_cancel_was_requested_ends_cancelled(engine: Engine) -> None:
    claimed = await claim_one(engine, "paid")
    await engine.cancel(claimed.job.id)
    ended = await engine.fail_attempt(claimed, "interrupted", None)
    assert ended.state is JobState.CANCELLED
    assert await engine.store.balance("alice") == INITIAL_CREDITS


@pytest.mark.parametrize("completion_first", [True, False])
async def test_cancel_racing_completion_ends_once(
    open_store: StoreOpener, clock: FakeClock, completion_first: bool
) -> None:
    worker_side = engine_on(await open_store(), clock, 1)
    api_side = engine_on(await open_store(), clock, 2)
    claimed = await claim_one(worker_side, "paid")

    async def finish() -> None:
        await worker_side.complete([Completion(claimed.lease, "done")])

    async def cancel() -> None:
        with contextlib.suppress(InvalidTransition):
            await api_side.cancel(claimed.job.id)
        with contextlib.suppress(LeaseLost):
            await worker_side.confirm_cancel(claimed.lease)

    steps = [finish(), cancel()] if completion_first else [cancel(), finish()]
    await asyncio.gather(*steps)
    job = await api_side.get(claimed.job.id)
    assert job.state in (JobState.COMPLETED, JobState.CANCELLED)
    refunds = [e for e in await api_side.store.ledger("alice", 10) if e.kind.value == "refund"]
    assert len(refunds) == (1 if job.state is JobState.CANCELLED else 0)
    balance = await api_side.store.balance("alice")
    assert balance == INITIAL_CREDITS - (2 if job.state is JobState.COMPLETED else 0)


async def test_expired_lease_returns_the_job_exactly_once(
    open_store: StoreOpener, clock: FakeClock
) -> None:
    engines = [engine_on(await open_store(), clock, n) for n in range(3)]
    claimed = await claim_one(engines[0])
    clock.advance(LEASE + 0.1)
    recovered = await asyncio.gather(*(e.recover_stalled() for e in engines))
    assert sum(len(r) for r in recovered) == 1
    job = await engines[0].get(claimed.job.id)
    assert job.state is JobState.PENDING
    assert job.stalled_count == 1
    assert job.attempts_made == 0
    [again] = await engines[1].claim("w2", ["q"], 1)
    assert again.job.id == claimed.job.id
    assert again.lease.token != claimed.lease.token
    assert await engines[0].complete([Completion(claimed.lease, "zombie")]) == {claimed.job.id}
    assert await engines[1].complete([Completion(again.lease, "fresh")]) == set()
    assert (await engines[0].get(claimed.job.id)).result == "fresh"


async def test_stalls_past_the_limit_fail_and_refund(engine: Engine, clock: FakeClock) -> None:
    job = (await engine.submit("alice", "paid")).job
    for expected_stalls in (1,):
        await engine.claim("w", ["q"], 1)
        clock.advance(LEASE + 1)
        [recovered] = await engine.recover_stalled()
        assert recovered.state is JobState.PENDING
        assert recovered.stalled_count == expected_stalls
    await engine.claim("w", ["q"], 1)
    clock.advance(LEASE + 1)
    [dead] = await engine.recover_stalled()
    assert dead.id == job.id
    assert dead.state is JobState.FAILED
    assert dead.stalled_count == 2
    assert "stalled" in (dead.failed_reason or "")
    assert await engine.store.balance("alice") == INITIAL_CREDITS


async def test_queue_max_stalls_is_honoured(engine: Engine, clock: FakeClock) -> None:
    await engine.submit("alice", "st")
    states = []
    for _ in range(3):
        await engine.claim("w", ["stally"], 1)
        clock.advance(LEASE + 1)
        states += [j.state for j in await engine.recover_stalled()]
    assert states == [JobState.PENDING, JobState.PENDING, JobState.FAILED]


async def test_a_stalled_job_with_cancel_requested_ends_cancelled(
    engine: Engine, clock: FakeClock
) -> None:
    claimed = await claim_one(engine, "paid")
    await engine.cancel(claimed.job.id)
    clock.advance(LEASE + 1)
    [ended] = await engine.recover_stalled()
    assert ended.state is JobState.CANCELLED
    assert await engine.store.balance("alice") == INITIAL_CREDITS


async def test_release_hands_a_job_back_at_once(engine: Engine) -> None:
    claimed = await claim_one(engine)
    assert await engine.release([claimed.lease]) == 1
    job = await engine.get(claimed.job.id)
    assert job.state is JobState.PENDING
    assert job.stalled_count == 0
    assert job.attempts_made == 0
    assert len(await engine.claim("w2", ["q"], 1)) == 1
    assert await engine.release([claimed.lease]) == 0


async def test_releasing_a_job_whose_cancel_was_asked_for_cancels_it(engine: Engine) -> None:
    claimed = await claim_one(engine, "paid")
    await engine.cancel(claimed.job.id)
    assert await engine.release([claimed.lease]) == 1
    job = await engine.get(claimed.job.id)
    assert job.state is JobState.CANCELLED
    assert await engine.store.balance("alice") == INITIAL_CREDITS
    assert await engine.claim("w2", ["q"], 1) == []


async def test_a_release_after_the_lease_expired_is_refused(
    engine: Engine, clock: FakeClock
) -> None:
    claimed = await claim_one(engine)
    clock.advance(LEASE + 1)
    assert await engine.release([claimed.lease]) == 0
    [recovered] = await engine.recover_stalled()
    assert recovered.stalled_count == 1
