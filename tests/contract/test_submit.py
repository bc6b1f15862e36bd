"""Submission: durability, delays, idempotency and credits charged in the same step."""

from __future__ import annotations

import asyncio

import pytest

from genqueue.engine.engine import Engine
from genqueue.engine.errors import (
    IdempotencyConflict,
    InsufficientCredits,
    InvalidJobRequest,
    JobNotFound,
    UnknownJobType,
)
from genqueue.engine.job import DEFAULT_PRIORITY, JobState
from genqueue.engine.store import ListQuery, Store

from .conftest import INITIAL_CREDITS, FakeClock, StoreOpener, engine_on


async def test_submitted_job_reads_back_whole(engine: Engine, clock: FakeClock) -> None:
    submitted = await engine.submit(
        "alice", "t", {"prompt": "a cat", "n": [1, 2]}, priority=5, tags={"characterId": "c1"}
    )
    assert submitted.created
    job = await engine.get(submitted.job.id)
    assert job.state is JobState.PENDING
    assert (job.queue, job.type, job.owner) == ("q", "t", "alice")
    assert job.data == {"prompt": "a cat", "n": [1, 2]}
    assert job.tags == {"characterId": "c1"}
    assert job.priority == 5
    assert job.attempts_made == 0
    assert job.max_attempts == 3
    assert job.created_at == clock.now
    assert job.started_at is None
    assert job.completed_at is None
    assert job.progress.percentage == 0


async def test_default_priority_and_unknown_type(engine: Engine) -> None:
    job = (await engine.submit("alice", "t")).job
    assert job.priority == DEFAULT_PRIORITY
    with pytest.raises(UnknownJobType):
        await engine.submit("alice", "nope")
    with pytest.raises(JobNotFound):
        await engine.get("00000000-0000-4000-8000-999999999999")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"priority": 0},
        {"priority": 3_000_000},
        {"delay_seconds": -1},
        {"delay_seconds": 1, "run_at": 5.0},
        {"tags": {"k": 1}},
        {"tags": {"": "v"}},
    ],
)
async def test_bad_submissions_are_refused(engine: Engine, kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidJobRequest):
        await engine.submit("alice", "t", {}, **kwargs)  # type: ignore[arg-type]
    assert (await engine.list_jobs(ListQuery())).total == 0


async def test_data_must_be_json(engine: Engine) -> None:
    with pytest.raises(InvalidJobRequest):
        await engine.submit("alice", "t", {"x": object()})
    with pytest.raises(InvalidJobRequest):
        await engine.submit("alice", "t", {"x": float("nan")})


async def test_delayed_and_scheduled_jobs(engine: Engine, clock: FakeClock) -> None:
    delayed = (await engine.submit("alice", "t", delay_seconds=30)).job
    scheduled = (await engine.submit("alice", "t", run_at=clock.now + 60)).job
    assert delayed.state is JobState.DELAYED
    assert delayed.run_at == clock.now + 30
    assert scheduled.run_at == clock.now + 60
    clock.advance(31)
    job = await engine.get(delayed.id)
    assert job.effective_state(clock.now) is JobState.PENDING
    page = await engine.list_jobs(ListQuery(states=[JobState.PENDING]))
    assert [j.id for j in page.jobs] == [delayed.id]
    page = await engine.list_jobs(ListQuery(states=[JobState.DELAYED]))
    assert [j.id for j in page.jobs] == [scheduled.id]


async def test_cost_is_charged_at_submit(engine: Engine, store: Store) -> None:
    job = (await engine.submit("alice", "paid")).job
    assert job.cost == 2
    assert await store.balance("alice") == INITIAL_CREDITS - 2
    kinds = [(e.kind.value, e.amount, e.job_id) for e in await store.ledger("alice", 10)]
    assert kinds == [("charge", -2, job.id), ("grant", INITIAL_CREDITS, None)]
    free = (await engine.submit("alice", "t")).job
    assert free.cost == 0
    assert await store.balance("alice") == INITIAL_CREDITS - 2


async def test_not_enough_credits_enqueues_nothing(engine: Engine, store: Store) -> None:
    for _ in range(INITIAL_CREDITS // 2):
        await engine.submit("bob", "paid")
    assert await store.balance("bob") == 0
    with pytest.raises(InsufficientCredits):
        await engine.submit("bob", "paid")
    assert (await engine.list_jobs(ListQuery(owner="bob"))).total == INITIAL_CREDITS // 2
    assert await store.balance("bob") == 0


async def test_idempotency_key_returns_first_job_charged_once(engine: Engine, store: Store) -> None:
    first = await engine.submit("alice", "paid", {"a": 1}, idempotency_key="k1")
    again = await engine.submit("alice", "paid", {"a": 1}, idempotency_key="k1")
    assert first.created
    assert not again.created
    assert again.job.id == first.job.id
    assert await store.balance("alice") == INITIAL_CREDITS - 2
    with pytest.raises(IdempotencyConflict):
        await engine.submit("alice", "paid", {"a": 2}, idempotency_key="k1")
    other_user = await engine.submit("carol", "paid", {"a": 1}, idempotency_key="k1")
    assert other_user.created
    assert other_user.job.id != first.job.id


async def test_concurrent_duplicates_make_one_job_and_one_charge(
    open_store: StoreOpener, clock: FakeClock
) -> None:
    engines = [engine_on(await open_store(), clock, node) for node in range(4)]
    results = await asyncio.gather(
        *(
            e.submit("dave", "paid", {"same": True}, idempotency_key="dup")
            for e in engines
            for _ in range(5)
        )
    )
    assert len({r.job.id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    store = engines[0].store
    assert (await engines[0].list_jobs(ListQuery(owner="dave"))).total == 1
    assert await store.balance("dave") == INITIAL_CREDITS - 2
