"""Several worker processes on one SQLite file: exclusive claims, a shared rate limit, cancel.

Nothing crashes here, so the leases are long: a job running twice could only mean two
processes claimed it.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from genqueue.engine.events import EventKind
from genqueue.engine.job import JobState
from tests.apps.faulty import BULK_QUEUE, LIMITED_QUEUE, LIMITED_RATE, WORK_QUEUE

from .conftest import Cluster, pid_of

pytestmark = pytest.mark.slow

LONG_LEASE = 10.0
START_JITTER = 0.05
"""How much later than its claim a handler may record its start (same clock, one machine)."""


async def test_three_processes_never_claim_the_same_job(cluster: Cluster) -> None:
    """Three processes drain 1,000 jobs from one file: each job runs exactly once."""
    workers = [
        cluster.start(concurrency=8, queues=[BULK_QUEUE], lease_seconds=LONG_LEASE)
        for _ in range(3)
    ]
    await cluster.registered(*workers)
    ids = [(await cluster.submit("quick", {"seconds": 0.005})).id for _ in range(1000)]
    final = await cluster.all_final(ids, within=60)

    starts = cluster.records("start")
    per_job = Counter(r.job for r in starts)
    assert set(per_job) == set(ids)
    assert per_job.most_common(1)[0][1] == 1, "a job ran twice"
    assert len(starts) == len(ids)
    ran_in = {r.job: r.pid for r in starts}
    assert set(ran_in.values()) == {w.pid for w in workers}, "all three processes took part"
    for job in final.values():
        assert job.state is JobState.COMPLETED
        assert (job.attempts_made, job.stalled_count) == (1, 0)
        assert job.result == {"pid": ran_in[job.id]}
        assert pid_of(job.worker_id) == ran_in[job.id]

    events = await cluster.events()
    claims = Counter(e.job_id for e in events if e.kind is EventKind.ACTIVE)
    completions = Counter(e.job_id for e in events if e.kind is EventKind.COMPLETED)
    assert claims == Counter(ids), "every job was claimed exactly once"
    assert completions == Counter(ids)
    await cluster.assert_nothing_active()
    await cluster.assert_ledger_balanced(ids)
    await cluster.stop_all()


async def test_rate_limit_holds_across_two_processes(cluster: Cluster) -> None:
    """5 starts per second on the queue, however many processes serve it."""
    workers = [
        cluster.start(concurrency=4, queues=[LIMITED_QUEUE], lease_seconds=LONG_LEASE)
        for _ in range(2)
    ]
    await cluster.registered(*workers)
    count = 4 * LIMITED_RATE
    ids = [(await cluster.submit("tick", {"seconds": 0.2})).id for _ in range(count)]
    final = await cluster.all_final(ids, within=30)
    assert all(j.state is JobState.COMPLETED for j in final.values())

    # When each job was claimed (the store's clock of the claim) and when its handler ran.
    claimed = sorted(j.started_at or 0.0 for j in final.values())
    starts = cluster.records("start")
    started = sorted(r.at for r in starts)
    assert len(started) == count
    for i in range(count - LIMITED_RATE):
        # Any LIMITED_RATE + 1 consecutive starts span at least a second: no sliding
        # one-second window holds more than LIMITED_RATE of them.
        assert claimed[i + LIMITED_RATE] - claimed[i] >= 1.0, claimed
        assert started[i + LIMITED_RATE] - started[i] >= 1.0 - START_JITTER, started
    windows = count // LIMITED_RATE - 1
    assert started[-1] - started[0] >= windows - START_JITTER
    assert started[-1] - started[0] < windows + 3.0, "a throttled worker wakes when it may"
    assert {r.pid for r in starts} == {w.pid for w in workers}, "both processes started jobs"
    await cluster.assert_ledger_balanced(ids)
    await cluster.stop_all()


async def test_cancel_reaches_a_running_handler_within_a_second(cluster: Cluster) -> None:
    worker = cluster.start(concurrency=2, queues=[WORK_QUEUE])
    await cluster.registered(worker)
    job = await cluster.submit("sleepy", {"seconds": 60})
    await cluster.until(lambda: job.id in cluster.in_flight(worker), 10, "the handler to start")

    requested_at = time.time()
    requested = await cluster.engine.cancel(job.id)
    assert requested.state is JobState.ACTIVE
    assert requested.cancel_requested

    def interrupted() -> list[float]:
        return [r.at for r in cluster.records("interrupted") if r.job == job.id]

    interrupted_at = (await cluster.until(interrupted, 5, "the handler to be interrupted"))[0]
    assert interrupted_at - requested_at < 1.0
    done = (await cluster.all_final([job.id], within=5))[job.id]
    assert done.state is JobState.CANCELLED
    assert done.attempts_made == 1
    assert not [r for r in cluster.records("end") if r.job == job.id]

    # The worker carries on with the next job.
    follow = await cluster.submit("sleepy", {"seconds": 0.1})
    after = (await cluster.all_final([follow.id], within=10))[follow.id]
    assert after.state is JobState.COMPLETED
    assert after.result == {"pid": worker.pid}
    await cluster.assert_ledger_balanced([job.id, follow.id])
    await cluster.stop_all()
