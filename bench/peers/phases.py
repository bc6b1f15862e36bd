"""One trial of one system: enqueue, drain with 1 and 2 worker processes, latency.

Each phase has its own deadline; a phase that runs past it reads `timeout`, one whose
client or worker fails reads `error` (the message goes to the notes), and the trial goes
on with the next phase. Every process a phase starts is stopped when it ends, and the
system's Redis db is emptied between phases.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.peers.harness import (
    POLL_SECONDS,
    SETTLE_SECONDS,
    Deadline,
    PhaseError,
    PhaseTimeout,
    Process,
    Processes,
    RedisDb,
    StampFile,
    e2e_rate,
    latency_ms,
    tree_cpu_seconds,
)
from bench.peers.systems import System

Cell = float | str
"""A figure, or why there is none: `timeout`, `error`, `-` (not measured)."""

ENQUEUE_KEYS = ("enqueue_jobs_per_s", "enqueue_cmds_per_job")
DRAIN_1_KEYS = (
    "e2e_1_proc_jobs_per_s",
    "run_cmds_per_job",
    "run_scripts_per_job",
    "worker_cpu_s_per_1k",
    "redis_cpu_s_per_1k",
)
BULK_KEYS = ("bulk_enqueue_jobs_per_s",)
DRAIN_2_KEYS = ("e2e_2_procs_jobs_per_s",)
LATENCY_KEYS = ("latency_p50_ms", "latency_p99_ms")
KEYS = (*ENQUEUE_KEYS, *BULK_KEYS, *DRAIN_1_KEYS, *DRAIN_2_KEYS, *LATENCY_KEYS)


@dataclass(frozen=True)
class Plan:
    redis_url: str
    jobs: int
    timeout: float
    workdir: Path
    first_db: int = 8
    genqueue_store: str | None = None
    latency_jobs: int = 500
    latency_rate: float = 100.0
    idle_seconds: float = 1.0


@dataclass
class Trial:
    figures: dict[str, Cell] = field(default_factory=lambda: dict.fromkeys(KEYS, "-"))
    errors: list[str] = field(default_factory=list)


class SystemTrial:
    def __init__(self, system: System, plan: Plan, db: RedisDb, workdir: Path) -> None:
        self.system, self.plan, self.db, self.workdir = system, plan, db, workdir
        self.processes = Processes()
        self.trial = Trial()

    def run(self) -> Trial:
        if self._phase("enqueue", ENQUEUE_KEYS, lambda: self._enqueue(bulk=False)):
            self._phase("e2e 1 proc", DRAIN_1_KEYS, lambda: self._drain(1))
        elif self.trial.figures[ENQUEUE_KEYS[0]] == "error":
            return self.trial  # nothing else can work without an enqueue
        refill = (lambda: self._enqueue(bulk=True)) if self.system.bulk else self._refill
        if self._phase("bulk enqueue", BULK_KEYS, refill):
            self._phase("e2e 2 procs", DRAIN_2_KEYS, lambda: self._drain(2))
        self._phase("latency", LATENCY_KEYS, self._latency)
        return self.trial

    def _phase(
        self, name: str, keys: Sequence[str], measure: Callable[[], dict[str, Cell]]
    ) -> bool:
        """Run one phase; its jobs stay for the next phase when it is an enqueue that worked."""
        keep = name.endswith("enqueue")
        try:
            self.trial.figures.update(measure())
        except PhaseTimeout as exc:
            self.trial.figures.update(dict.fromkeys(keys, "timeout"))
            self.trial.errors.append(f"{name}: timeout after {self.plan.timeout:g} s{exc}")
            keep = False
        except PhaseError as exc:
            self.trial.figures.update(dict.fromkeys(keys, "error"))
            self.trial.errors.append(f"{name}: {exc}")
            keep = False
        else:
            return True
        finally:
            self.processes.stop_all()
            if not keep:
                self.db.clean()
        return False

    # -- the phases --------------------------------------------------------------------------

    def _enqueue(self, *, bulk: bool) -> dict[str, Cell]:
        before = self.db.sample()
        answer = self._client("enqueue", "--jobs", str(self.plan.jobs), *(["--bulk"] * bulk))
        used = self.db.sample() - before
        rate = answer["jobs"] / answer["seconds"]
        if bulk:
            return {"bulk_enqueue_jobs_per_s": rate}
        return {"enqueue_jobs_per_s": rate, "enqueue_cmds_per_job": used.commands / self.plan.jobs}

    def _refill(self) -> dict[str, Cell]:
        """No bulk API: the 2-process drain gets its jobs one at a time, unmeasured."""
        self._client("enqueue", "--jobs", str(self.plan.jobs))
        return {}

    def _drain(self, count: int) -> dict[str, Cell]:
        deadline = Deadline(self.plan.timeout)
        stamps, workers = self._workers(f"drain{count}", count)
        before = self.db.sample()
        first: tuple[float, int] | None = None
        while sum(s.count() for s in stamps) < self.plan.jobs:
            try:
                self._check(workers, deadline)
            except PhaseTimeout:
                raise PhaseTimeout(_partial(stamps, self.plan.jobs)) from None
            if first is None and count == 1 and stamps[0].lines:
                first = (tree_cpu_seconds(workers[0].popen.pid), stamps[0].lines)
            time.sleep(POLL_SECONDS)
        time.sleep(SETTLE_SECONDS)
        cpu = sum(tree_cpu_seconds(w.popen.pid) for w in workers)
        used = self.db.sample() - before
        rate = e2e_rate([s.read() for s in stamps])
        if count == 2:
            return {"e2e_2_procs_jobs_per_s": rate}
        cpu_start, jobs_before = first or (0.0, 0)
        per_1k = 1000 / self.plan.jobs
        return {
            "e2e_1_proc_jobs_per_s": rate,
            "run_cmds_per_job": used.commands / self.plan.jobs,
            "run_scripts_per_job": used.scripts / self.plan.jobs,
            "worker_cpu_s_per_1k": (cpu - cpu_start) * 1000 / (self.plan.jobs - jobs_before),
            "redis_cpu_s_per_1k": used.cpu_seconds * per_1k,
        }

    def _latency(self) -> dict[str, Cell]:
        deadline = Deadline(self.plan.timeout)
        (stamps,), workers = self._workers("latency", 1)
        self._client("enqueue", "--jobs", "1")  # the worker is up and warm once this ran
        self._wait(stamps, 1, workers, deadline)
        plan = self.plan
        self._client(
            "stream",
            *("--jobs", str(plan.latency_jobs), "--rate", str(plan.latency_rate)),
            *("--idle", str(plan.idle_seconds)),
        )
        self._wait(stamps, 2 + plan.latency_jobs, workers, deadline)
        p50, p99 = latency_ms(stamps.read())
        return {"latency_p50_ms": p50, "latency_p99_ms": p99}

    # -- helpers -----------------------------------------------------------------------------

    def _arguments(self) -> list[str]:
        s = self.system
        return ["--redis", self._url(), "--prefix", s.prefix, "--variant", s.variant]

    def _url(self) -> str:
        db = f"{self.plan.redis_url.rstrip('/')}/{self.db.db}"
        if self.system.name != "genqueue":
            return db
        return self.plan.genqueue_store or f"{db}?prefix=bench-genqueue"

    def _client(self, *command: str) -> dict[str, float]:
        deadline = Deadline(self.plan.timeout)
        log = self.workdir / f"client-{command[0]}.log"
        line = self.processes.run(
            [*self.system.client(), *self._arguments(), *command], log, deadline
        )
        try:
            answer: dict[str, float] = json.loads(line)
        except json.JSONDecodeError:
            raise PhaseError(f"client printed {line!r}, not its figures") from None
        return answer

    def _workers(self, label: str, count: int) -> tuple[list[StampFile], list[Process]]:
        stamps, workers = [], []
        for index in range(count):
            path = self.workdir / f"{label}-{index}.stamps"
            path.unlink(missing_ok=True)
            stamps.append(StampFile(path))
            args = [*self.system.worker(), *self._arguments(), "worker"]
            log = self.workdir / f"{label}-{index}.log"
            workers.append(self.processes.spawn(args, log, {"BENCH_STAMPS": str(path)}))
        return stamps, workers

    def _wait(
        self, stamps: StampFile, lines: int, workers: Sequence[Process], deadline: Deadline
    ) -> None:
        while stamps.count() < lines:
            self._check(workers, deadline)
            time.sleep(POLL_SECONDS)

    @staticmethod
    def _check(workers: Sequence[Process], deadline: Deadline) -> None:
        deadline.remaining()
        for worker in workers:
            if not worker.alive():
                raise PhaseError(f"a worker exited early: {worker.tail()}")


def _partial(stamps: Sequence[StampFile], jobs: int) -> str:
    """What a drain that ran out of time did get done, for the notes."""
    ran = sum(s.lines for s in stamps)
    try:
        rate = e2e_rate([s.read() for s in stamps])
    except PhaseError:
        return f" ({ran:,} of {jobs:,} jobs ran)"
    return f" ({ran:,} of {jobs:,} jobs ran, at {rate:,.0f} jobs/s)"


@contextmanager
def owned_db(plan: Plan, system: System) -> Iterator[RedisDb]:
    db = RedisDb(plan.redis_url, plan.first_db + system.db_offset)
    db.claim()
    try:
        yield db
    finally:
        db.release()
