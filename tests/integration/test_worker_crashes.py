"""Worker processes that die, freeze or are told to stop, while they hold running jobs.

Each test runs real `genqueue worker` processes on one SQLite file, signals them with
kill -9, SIGSTOP/SIGCONT or SIGTERM, and then checks the store: every job ends in a final
state (none lost, none stuck active), the stored result is the one of the run that held
the lease, and the credit ledger balances.
"""

from __future__ import annotations

import signal
import time
from collections import Counter

import pytest

from genqueue.engine.events import EventKind
from genqueue.engine.job import JobState
from tests.apps.faulty import POISON_QUEUE, WORK_QUEUE

from .conftest import Cluster, WorkerProcess, pid_of, runs

pytestmark = pytest.mark.slow

REJECTED = "result rejected, the lease had moved on"
DROPPED = "lease lost, its result is dropped"


async def test_kill9_in_the_middle_of_jobs_loses_none(cluster: Cluster) -> None:
    """Two workers are killed with SIGKILL while running jobs; a supervisor replaces them.

    The jobs they held are re-queued when their leases expire (stalled_count rises) and
    completed elsewhere; the second kill hits a job already re-queued by the first, which
    still completes (its queue allows three stalls). Jobs no crash touched run exactly once.
    """
    workers = [cluster.start(concurrency=3, queues=[WORK_QUEUE]) for _ in range(3)]
    await cluster.registered(*workers)
    data = {"seconds": 0.5, "rerunSeconds": 2.0}
    ids = [(await cluster.submit("sleepy", data)).id for _ in range(90)]
    first = workers[0]

    await cluster.until(
        lambda: len(cluster.in_flight(first)) >= 2, 15, "the first worker to run two jobs"
    )
    cluster.kill9(first)
    killed_first = cluster.in_flight(first)
    cluster.start(concurrency=3, queues=[WORK_QUEUE])

    def running_a_restarted_job() -> WorkerProcess | None:
        busy = [w for w in cluster.workers if w.alive and cluster.in_flight(w) & killed_first]
        return busy[0] if busy else None

    second = await cluster.until(
        running_a_restarted_job, 15, "a worker to run a job the first kill re-queued"
    )
    cluster.kill9(second)
    killed_second = cluster.in_flight(second)
    cluster.start(concurrency=3, queues=[WORK_QUEUE])

    final = await cluster.all_final(ids, within=30)
    records = cluster.records()
    assert killed_first, "the first kill hit no running job"
    assert killed_second, "the second kill hit no running job"
    assert first.returncode == -signal.SIGKILL
    assert second.returncode == -signal.SIGKILL
    for job in final.values():
        assert job.state is JobState.COMPLETED, f"{job.id}: {job.state} {job.failed_reason}"
        assert job.attempts_made == 1
        job_runs = runs(records, job.id)
        assert job_runs, f"{job.id} completed without its handler running"
        last = job_runs[-1]
        # The stored result is the last run's, made under the lease the job ended with.
        assert job.result == {"pid": last.pid}
        assert pid_of(job.worker_id) == last.pid
        assert last.stalled == job.stalled_count
        assert len(job_runs) <= job.stalled_count + 1
        if job.stalled_count == 0:
            assert len(job_runs) == 1, f"{job.id} ran twice with no crash"
    for job_id in killed_first | killed_second:
        assert final[job_id].stalled_count >= 1, f"{job_id} was killed but never stalled"
    twice = killed_first & killed_second
    assert twice, "the second kill hit a re-queued job"
    for job_id in twice:
        assert final[job_id].stalled_count == 2
        assert len(runs(records, job_id)) == 3
    assert sum(j.stalled_count for j in final.values()) >= len(killed_first | killed_second)

    events = await cluster.events()
    completed = Counter(e.job_id for e in events if e.kind is EventKind.COMPLETED)
    assert completed == Counter(ids), "every job completes exactly once"
    stalled = Counter(e.job_id for e in events if e.kind is EventKind.STALLED)
    assert stalled == Counter({j.id: j.stalled_count for j in final.values() if j.stalled_count})
    await cluster.assert_nothing_active()
    await cluster.assert_ledger_balanced(ids)
    await cluster.stop_all()


@pytest.mark.parametrize("moment", ["mid-handler", "before-report"])
async def test_sigstopped_worker_loses_its_late_result(cluster: Cluster, moment: str) -> None:
    """A worker frozen past its lease cannot overwrite the job another worker finished.

    `mid-handler`: the test SIGSTOPs the worker while its handler sleeps. `before-report`:
    the handler stops its own process after computing its result, the worst moment, so
    that on SIGCONT the worker does try to write that result with its stale lease.
    """
    frozen = cluster.start(concurrency=1, queues=[WORK_QUEUE])
    await cluster.registered(frozen)
    if moment == "mid-handler":
        job = await cluster.submit("sleepy", {"seconds": 1.0})
        await cluster.until(
            lambda: any(r.job == job.id for r in cluster.records("start")), 10, "the job to start"
        )
        frozen.send(signal.SIGSTOP)
    else:
        job = await cluster.submit("freeze", {"seconds": 0.1})
        await cluster.until(
            lambda: any(r.job == job.id for r in cluster.records("frozen")), 10, "the freeze"
        )
    await cluster.until(lambda: frozen.state() == "T", 5, "the worker to be stopped")

    other = cluster.start(concurrency=1, queues=[WORK_QUEUE])
    done = (await cluster.all_final([job.id], within=20))[job.id]
    assert frozen.state() == "T", "the first worker stayed frozen throughout"
    assert done.state is JobState.COMPLETED
    assert done.result == {"pid": other.pid}
    assert pid_of(done.worker_id) == other.pid
    assert done.stalled_count == 1
    assert done.attempts_made == 1

    frozen.send(signal.SIGCONT)
    expected = (REJECTED,) if moment == "before-report" else (REJECTED, DROPPED)

    def late_result_refused() -> bool:
        return any(f"job {job.id}: {message}" in frozen.log() for message in expected)

    await cluster.until(late_result_refused, 10, "the late result to be refused")
    if moment == "before-report":
        # The frozen handler did finish and hand over a result; the store refused it.
        ends = [r for r in cluster.records("end") if r.job == job.id]
        assert {r.pid for r in ends} == {frozen.pid, other.pid}
    after = await cluster.store.get(job.id)
    assert after.result == {"pid": other.pid}
    assert after.worker_id == done.worker_id
    assert after.completed_at == done.completed_at
    assert frozen.alive, "a refused result is not a reason to crash"

    events = [e for e in await cluster.events() if e.job_id == job.id]
    assert [e.kind for e in events].count(EventKind.COMPLETED) == 1
    assert [e.kind for e in events].count(EventKind.STALLED) == 1
    await cluster.assert_nothing_active()
    await cluster.assert_ledger_balanced([job.id])
    await cluster.stop_all()


async def test_sigterm_lets_short_jobs_finish_and_hands_long_ones_back(cluster: Cluster) -> None:
    """SIGTERM: claiming stops, running jobs get the grace period, the rest go back at once."""
    grace = 1.0
    leaving = cluster.start(concurrency=4, queues=[WORK_QUEUE], grace_seconds=grace)
    await cluster.registered(leaving)
    short = [(await cluster.submit("sleepy", {"seconds": 0.4})).id for _ in range(2)]
    long = [(await cluster.submit("sleepy", {"seconds": 3.0})).id for _ in range(2)]
    await cluster.until(
        lambda: cluster.in_flight(leaving) == {*short, *long}, 10, "all four jobs to start"
    )

    cluster.terminate(leaving)
    signalled = time.monotonic()
    late = [(await cluster.submit("sleepy", {"seconds": 0.2})).id for _ in range(3)]
    code = await cluster.exited(leaving, within=grace + 10)
    took = time.monotonic() - signalled
    assert code == 0, leaving.log()
    assert grace - 0.1 <= took < grace + 1.0, f"stopped after {took:.2f}s"

    # Nothing else runs yet: this is exactly what the stopping worker left behind.
    jobs = await cluster.jobs([*short, *long, *late])
    for job_id in short:
        assert jobs[job_id].state is JobState.COMPLETED
        assert jobs[job_id].result == {"pid": leaving.pid}
    for job_id in long:
        job = jobs[job_id]
        assert job.state is JobState.PENDING, "handed back at once, not left to a lease"
        assert job.worker_id is None
        assert (job.attempts_made, job.stalled_count) == (0, 0)
    for job_id in late:
        assert jobs[job_id].state is JobState.PENDING
    interrupted = {r.job for r in cluster.records("interrupted") if r.pid == leaving.pid}
    assert interrupted == set(long)
    assert not {r.job for r in cluster.records("start")} & set(late), "claimed after SIGTERM"
    await cluster.assert_nothing_active()

    successor = cluster.start(concurrency=4, queues=[WORK_QUEUE])
    final = await cluster.all_final([*short, *long, *late], within=20)
    records = cluster.records()
    for job_id in [*long, *late]:
        assert final[job_id].state is JobState.COMPLETED
        assert final[job_id].result == {"pid": successor.pid}
        assert final[job_id].stalled_count == 0
    assert [len(runs(records, j)) for j in long] == [2, 2]
    assert [len(runs(records, j)) for j in [*short, *late]] == [1] * 5
    assert not [e for e in await cluster.events() if e.kind is EventKind.STALLED]
    await cluster.assert_ledger_balanced([*short, *long, *late])
    await cluster.stop_all()


async def test_sigterm_hands_back_a_blocking_sync_job_at_once(cluster: Cluster) -> None:
    """A sync handler runs in a thread and cannot be interrupted; its job still goes back
    to the queue when the grace period ends, and another worker completes it."""
    grace = 0.5
    leaving = cluster.start(concurrency=1, queues=[WORK_QUEUE], grace_seconds=grace)
    await cluster.registered(leaving)
    job = await cluster.submit("blocking", {"seconds": 3.0})
    await cluster.until(
        lambda: job.id in cluster.in_flight(leaving), 10, "the blocking job to start"
    )
    cluster.terminate(leaving)
    signalled = time.monotonic()

    async def handed_back() -> bool:
        return (await cluster.store.get(job.id)).state is JobState.PENDING

    await cluster.eventually(handed_back, grace + 2.0, "the job to be handed back")
    assert time.monotonic() - signalled < grace + 1.0
    released = await cluster.store.get(job.id)
    assert released.worker_id is None
    assert (released.attempts_made, released.stalled_count) == (0, 0)
    # The stopped worker does not wait for the thread it cannot interrupt: it is gone
    # well before the 3 s handler would have returned.
    assert await cluster.exited(leaving, within=2.0) == 0
    assert time.monotonic() - signalled < 3.0

    successor = cluster.start(concurrency=1, queues=[WORK_QUEUE])
    done = (await cluster.all_final([job.id], within=20))[job.id]
    assert done.state is JobState.COMPLETED
    assert done.result == {"pid": successor.pid}
    assert done.stalled_count == 0
    assert [r.pid for r in runs(cluster.records(), job.id)] == [leaving.pid, successor.pid]
    await cluster.assert_ledger_balanced([job.id])
    await cluster.stop_all()


async def test_cancelling_a_dead_workers_job_ends_it_without_a_rerun(cluster: Cluster) -> None:
    """A cancel requested while the job's worker is dead takes effect when its lease expires."""
    doomed = cluster.start(concurrency=1, queues=[WORK_QUEUE])
    await cluster.registered(doomed)
    job = await cluster.submit("sleepy", {"seconds": 30.0})
    await cluster.until(lambda: job.id in cluster.in_flight(doomed), 10, "the job to start")
    cluster.kill9(doomed)
    requested = await cluster.engine.cancel(job.id)
    assert (requested.state, requested.cancel_requested) == (JobState.ACTIVE, True)

    sweeper = cluster.start(concurrency=1, queues=[WORK_QUEUE])
    done = (await cluster.all_final([job.id], within=15))[job.id]
    assert done.state is JobState.CANCELLED
    assert len(runs(cluster.records(), job.id)) == 1, "a cancelled job is not run again"
    kinds = [e.kind for e in await cluster.events() if e.job_id == job.id]
    assert kinds.count(EventKind.CANCELLED) == 1
    assert EventKind.STALLED not in kinds
    follow = await cluster.submit("sleepy", {"seconds": 0.1})
    assert (await cluster.all_final([follow.id], within=10))[follow.id].result == {
        "pid": sweeper.pid
    }
    await cluster.assert_nothing_active()
    await cluster.assert_ledger_balanced([job.id, follow.id])
    await cluster.stop_all()


async def test_poison_job_fails_after_two_stalls_while_other_jobs_flow(cluster: Cluster) -> None:
    """A job that SIGKILLs its worker on every run ends failed (and refunded) after 2 stalls.

    A supervisor (this test) restarts dead workers; the other jobs all complete.
    """

    def start() -> WorkerProcess:
        return cluster.start(concurrency=3, queues=[POISON_QUEUE, WORK_QUEUE])

    first = [start(), start()]
    await cluster.registered(*first)
    poison = (await cluster.submit("poison", priority=1)).id
    normal = [(await cluster.submit("sleepy", {"seconds": 0.3})).id for _ in range(30)]
    deaths: list[WorkerProcess] = []

    def supervise() -> None:
        for worker in list(cluster.workers):
            if not worker.expected_exit and not worker.alive:
                worker.expected_exit = True
                deaths.append(worker)
                start()

    final = await cluster.all_final([poison, *normal], within=45, guard=supervise)
    records = cluster.records()

    doomed = final[poison]
    assert doomed.state is JobState.FAILED
    assert doomed.stalled_count == 2
    assert doomed.attempts_made == 0, "a stall is not a failed attempt"
    assert "stalled more than 1 time" in (doomed.failed_reason or "")
    poison_runs = runs(records, poison)
    assert len(poison_runs) == 2
    assert [r.pid for r in poison_runs] == [w.pid for w in deaths]
    assert all(w.returncode == -signal.SIGKILL for w in deaths)

    for job_id in normal:
        job = final[job_id]
        assert job.state is JobState.COMPLETED, f"{job_id}: {job.state} {job.failed_reason}"
        assert job.result == {"pid": runs(records, job_id)[-1].pid}
    finished_meanwhile = [
        j
        for j in (final[i] for i in normal)
        if j.completed_at is not None
        and poison_runs[0].at < j.completed_at < (doomed.completed_at or 0.0)
    ]
    assert finished_meanwhile, "other jobs kept completing while the poison job was around"

    poison_events = [e.kind for e in await cluster.events() if e.job_id == poison]
    assert poison_events.count(EventKind.STALLED) == 1
    assert poison_events.count(EventKind.FAILED) == 1
    await cluster.assert_nothing_active()
    await cluster.assert_ledger_balanced([poison, *normal])
    await cluster.stop_all()
