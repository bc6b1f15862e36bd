"""SQLite job queues side by side: genqueue's embedded store against huey's `SqliteHuey`.

Run with `make bench` (or `.venv/bin/python bench/sqlite_throughput.py --jobs N`). Every
trial gets a fresh database file in a temp directory on the same disk; each figure is the
median of `--repeats` trials, the systems taking turns so that machine noise hits both.

enqueue jobs/s
    N no-op jobs submitted one at a time from this process, each in its own committed
    transaction (genqueue: `Engine.submit`; huey: calling the task), N over the time from
    the first call to the return of the last. Every end-to-end trial starts with this
    phase, and the figure is the median over all of them.
end-to-end jobs/s, 1 and 2 worker processes
    The N jobs just enqueued, drained by 1 or 2 worker processes started afterwards
    (genqueue: `genqueue worker --burst`; huey: its consumer, one worker thread, one
    consumer per process). The rate is N over the time from the first job's start to the
    last job's end, read from the jobs' own timestamps, so interpreter start-up and
    shutdown are left out for both: genqueue from `min(started_at)` (claim) to
    `max(completed_at)` (the completion's commit) in its jobs table, huey from the first
    to the last task start, as the task stamps it (a no-op ends as it starts).
enqueue→start latency p50/p99, idle queue
    One worker process, started, warmed up with one job and then idle for 1 s; 300 jobs
    sent open-loop at 50/s; latency = the handler's own start time − the time taken just
    before the submit call; `--repeats` such streams on the same worker, each after 1 s idle.
huey, three ways
    With its defaults (WAL, synchronous=FULL: an fsync per commit); polling every
    millisecond (latency only, the poll interval matters only when idle); and at
    genqueue's durability, synchronous=NORMAL (throughput only), so that the table shows
    both what each gives out of the box and what each costs at equal durability.
sqlite3 ceiling
    Raw `sqlite3` on the same disk, WAL, synchronous=NORMAL: one-row insert transactions
    (as "enqueue"), then a claim transaction and a complete transaction per job (as
    "end-to-end, 1 process"). No queue can beat it; it shows how close each one gets.

Prints one table, writes the figures to bench/results/sqlite_throughput.json, and ends
with `ratio to huey: X.XX`: genqueue's end-to-end jobs/s with one worker process over
huey's (defaults) in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

from huey import SqliteHuey  # type: ignore[import-untyped]

from genqueue.config import Settings
from genqueue.engine.engine import Engine
from genqueue.engine.job import JobState
from genqueue.stores.sqlite import SqliteStore

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/x.py` puts bench/, not the checkout, on the path

from bench import noop_app  # noqa: E402
from bench.huey_app import open_huey  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "sqlite_throughput.json"
BIN = Path(sys.executable).parent
OWNER = "bench"
LATENCY_JOBS = 300
LATENCY_RATE = 50.0
IDLE_SECONDS = 1.0
POLL_SECONDS = 0.01
TIMEOUT_SECONDS = 300.0
HUEY_FAST_POLL = 0.001
SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")

Window = tuple[float, float]
"""First and last send time (Unix seconds) of one latency stream."""


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p99_ms: float


@dataclass
class Samples:
    """Every trial's figure for one system, before the medians are taken."""

    enqueue: list[float] = field(default_factory=list)
    e2e: dict[int, list[float]] = field(default_factory=lambda: {1: [], 2: []})
    latency: list[Latency] = field(default_factory=list)


@dataclass
class Result:
    """One row of the table: a system, the settings it ran with, and every trial's figures."""

    system: str
    settings: str
    samples: Samples = field(default_factory=Samples)

    def medians(self) -> dict[str, float | None]:
        s = self.samples
        return {
            "enqueue_jobs_per_s": _median(s.enqueue),
            "e2e_1_proc_jobs_per_s": _median(s.e2e[1]),
            "e2e_2_procs_jobs_per_s": _median(s.e2e[2]),
            "latency_p50_ms": _median([x.p50_ms for x in s.latency]),
            "latency_p99_ms": _median([x.p99_ms for x in s.latency]),
        }


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


class System(Protocol):
    name: str
    settings: str

    def enqueue(self, db: Path, jobs: int) -> float: ...
    def drain(self, db: Path, jobs: int, processes: int) -> float: ...
    def latency(self, db: Path, streams: int) -> list[Latency]: ...


# -- processes and timing ------------------------------------------------------------------


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def spawn(cls, args: Sequence[str], log: Path, env: dict[str, str] | None = None) -> Process:
        with log.open("wb") as out:
            popen = subprocess.Popen(
                args, cwd=ROOT, env=_env(env or {}), stdout=subprocess.DEVNULL, stderr=out
            )
        return cls(popen, log)

    def stop(self, sig: signal.Signals) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
        self.wait()

    def wait(self) -> None:
        if self.popen.wait(TIMEOUT_SECONDS) != 0:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{self.popen.args!r} exited {self.popen.returncode}:\n{tail}")


def _env(extra: dict[str, str]) -> dict[str, str]:
    """Workers' environment: the checkout on the path, and no GENQUEUE_* from the shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENQUEUE_")}
    path = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {**env, "PYTHONPATH": path, **extra}


def _rate(count: int, step: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(count):
        step()
    return count / (time.perf_counter() - start)


def _pace(start: float, index: int) -> float:
    """Seconds until arrival `index` of an open-loop stream that began at `start` (monotonic)."""
    return max(0.0, start + index / LATENCY_RATE - time.monotonic())


class Deadline:
    def __init__(self, what: str) -> None:
        self.what = what
        self.at = time.monotonic() + TIMEOUT_SECONDS

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise TimeoutError(f"{self.what} did not finish in {TIMEOUT_SECONDS:g}s")


def _latency(pairs: Sequence[Sequence[float]], window: Window) -> Latency:
    """p50 and p99 of started − sent over the jobs sent within one stream's window."""
    delays = [(started - sent) * 1000 for sent, started in pairs if window[0] <= sent <= window[1]]
    if len(delays) != LATENCY_JOBS:
        raise RuntimeError(f"expected {LATENCY_JOBS} latency samples, found {len(delays)}")
    cuts = statistics.quantiles(delays, n=100, method="inclusive")
    return Latency(p50_ms=cuts[49], p99_ms=cuts[98])


def _check_count(found: int, jobs: int, system: str) -> None:
    if found != jobs:
        raise RuntimeError(f"{system}: {found} of {jobs} jobs ran")


# -- genqueue --------------------------------------------------------------------------------


class Genqueue:
    name = "genqueue"

    def __init__(self, concurrency: int) -> None:
        self.concurrency = concurrency
        store = SqliteStore(":memory:")  # never opened: the defaults a sqlite:/// URL gets
        poll = f"{store.poll_interval * 1000:g}-{store.max_poll_interval * 1000:g}ms"
        self.settings = (
            f"WAL sync={store.db.synchronous} (defaults), wake socket + poll {poll}, "
            f"worker --concurrency {concurrency}"
        )

    def enqueue(self, db: Path, jobs: int) -> float:
        return asyncio.run(_submit_all(db, jobs))

    def drain(self, db: Path, jobs: int, processes: int) -> float:
        workers = [self._worker(db, f"burst-{i}", "--burst") for i in range(processes)]
        for worker in workers:
            worker.wait()
        with sqlite3.connect(db) as conn:
            found, first, last = conn.execute(
                "SELECT COUNT(*), MIN(started_at), MAX(completed_at) FROM jobs"
                " WHERE state = 'completed'"
            ).fetchone()
        _check_count(found, jobs, self.name)
        return float(jobs / (last - first))

    def latency(self, db: Path, streams: int) -> list[Latency]:
        worker = self._worker(db, "latency")
        try:
            windows = asyncio.run(_latency_streams(db, streams))
        finally:
            worker.stop(signal.SIGTERM)
        with sqlite3.connect(db) as conn:
            pairs = conn.execute(
                "SELECT json_extract(data, '$.sent'), CAST(result AS REAL) FROM jobs"
                " WHERE state = 'completed'"
            ).fetchall()
        return [_latency(pairs, window) for window in windows]

    def _worker(self, db: Path, label: str, *flags: str) -> Process:
        args = [str(BIN / "genqueue"), "worker", "--app", noop_app.__name__]
        args += ["--concurrency", str(self.concurrency), *flags]
        env = {"GENQUEUE_STORE_URL": f"sqlite:///{db}"}
        return Process.spawn(args, db.with_name(f"genqueue-{label}.log"), env)


@asynccontextmanager
async def _engine(db: Path) -> AsyncIterator[Engine]:
    store = SqliteStore(str(db))
    await store.setup()
    try:
        yield Engine(store, noop_app.registry.catalog)
    finally:
        await store.close()


async def _send(engine: Engine) -> str:
    submitted = await engine.submit(OWNER, noop_app.JOB_TYPE, {"sent": time.time()})
    return submitted.job.id


async def _submit_all(db: Path, jobs: int) -> float:
    async with _engine(db) as engine:
        start = time.perf_counter()
        for _ in range(jobs):
            await _send(engine)
        return jobs / (time.perf_counter() - start)


async def _latency_streams(db: Path, streams: int) -> list[Window]:
    async with _engine(db) as engine:
        await _completed(engine, [await _send(engine)])  # the worker is up and warm
        windows = []
        for _ in range(streams):
            await asyncio.sleep(IDLE_SECONDS)
            start, first_sent, ids = time.monotonic(), time.time(), []
            for index in range(LATENCY_JOBS):
                await asyncio.sleep(_pace(start, index))
                ids.append(await _send(engine))
            windows.append((first_sent, time.time()))
            await _completed(engine, ids)
        return windows


async def _completed(engine: Engine, ids: Sequence[str]) -> None:
    deadline = Deadline("genqueue's jobs")
    for job_id in ids:
        while (await engine.get(job_id)).state is not JobState.COMPLETED:
            deadline.check()
            await asyncio.sleep(POLL_SECONDS)


# -- huey --------------------------------------------------------------------------------------


class Huey:
    name = "huey"

    def __init__(self, *, poll_seconds: float | None = None, normal_sync: bool = False) -> None:
        self.poll_seconds = poll_seconds
        """Poll the queue at this fixed interval; None keeps huey's 0.1 s ×1.15 up to 10 s."""
        self.normal_sync = normal_sync
        """Run at genqueue's durability (synchronous=NORMAL) instead of huey's default."""
        poll = (
            "poll 0.1s x1.15 to 10s"
            if poll_seconds is None
            else f"poll {poll_seconds * 1000:g}ms (-d/-m {poll_seconds:g})"
        )
        storage = "storage_class override" if normal_sync else "defaults"
        self.settings = f"{_huey_pragmas(normal_sync)} ({storage}), 1 thread, {poll}"

    def enqueue(self, db: Path, jobs: int) -> float:
        huey, stamp = self._open(db)
        try:
            return _rate(jobs, lambda: stamp(time.time()))
        finally:
            huey.storage.close()

    def drain(self, db: Path, jobs: int, processes: int) -> float:
        huey, _ = self._open(db)
        outputs = [db.with_name(f"stamps-{i}.json") for i in range(processes)]
        workers = [self._consumer(db, out) for out in outputs]
        try:
            _drained(huey)
        finally:
            huey.storage.close()
            for worker in workers:
                worker.stop(signal.SIGINT)
        started = [float(s) for out in outputs for _, s in json.loads(out.read_text())]
        _check_count(len(started), jobs, self.name)
        return jobs / (max(started) - min(started))

    def latency(self, db: Path, streams: int) -> list[Latency]:
        huey, stamp = self._open(db)
        output = db.with_name("stamps.json")
        worker = self._consumer(db, output)
        try:
            windows = _huey_streams(huey, stamp, streams)
        finally:
            huey.storage.close()
            worker.stop(signal.SIGINT)
        pairs = json.loads(output.read_text())
        return [_latency(pairs, window) for window in windows]

    def _open(self, db: Path) -> tuple[SqliteHuey, Callable[[float], object]]:
        return open_huey(str(db), normal_sync=self.normal_sync)

    def _consumer(self, db: Path, output: Path) -> Process:
        args = [sys.executable, "-m", "bench.huey_worker", str(db), str(output)]
        if self.poll_seconds is not None:
            args += ["--delay", str(self.poll_seconds), "--max-delay", str(self.poll_seconds)]
        if self.normal_sync:
            args.append("--normal-sync")
        return Process.spawn(args, output.with_suffix(".log"))


def _huey_pragmas(normal_sync: bool) -> str:
    """The journal mode and synchronous level huey's connections run with, as read back."""
    with tempfile.TemporaryDirectory() as tmp:
        huey, _ = open_huey(str(Path(tmp) / "probe.db"), normal_sync=normal_sync)
        journal, level = (
            huey.storage.sql(f"PRAGMA {name}", results=True)[0][0]
            for name in ("journal_mode", "synchronous")
        )
        huey.storage.close()
    return f"{journal.upper()} sync={SYNCHRONOUS_LEVELS[level]}"


def _huey_streams(huey: SqliteHuey, stamp: Callable[[float], object], streams: int) -> list[Window]:
    stamp(time.time())
    _drained(huey)  # the consumer is up and warm
    windows = []
    for _ in range(streams):
        time.sleep(IDLE_SECONDS)
        start, first_sent = time.monotonic(), time.time()
        for index in range(LATENCY_JOBS):
            time.sleep(_pace(start, index))
            stamp(time.time())
        windows.append((first_sent, time.time()))
        _drained(huey)
    return windows


def _drained(huey: SqliteHuey) -> None:
    """Wait until every task is taken; a no-op has finished by the time the consumer stops."""
    deadline = Deadline("huey's tasks")
    while huey.pending_count():
        deadline.check()
        time.sleep(POLL_SECONDS)


# -- the sqlite3 ceiling -----------------------------------------------------------------------


class RawSqlite:
    name = "sqlite3"
    settings = "WAL sync=NORMAL, 1 row per tx, no queue (ceiling)"

    def measure(self, db: Path, jobs: int) -> tuple[float, float]:
        """One-row inserts per second, then claim + complete pairs per second."""
        conn = sqlite3.connect(db, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, state TEXT, data TEXT)")
            conn.execute("CREATE INDEX jobs_pending ON jobs (id) WHERE state = 'pending'")
            inserts = _rate(jobs, lambda: _insert(conn))
            pairs = _rate(jobs, lambda: _claim_and_complete(conn))
        finally:
            conn.close()
        return inserts, pairs


def _insert(conn: sqlite3.Connection) -> None:
    with _transaction(conn):
        conn.execute("INSERT INTO jobs (state, data) VALUES ('pending', '{}')")


def _claim_and_complete(conn: sqlite3.Connection) -> None:
    with _transaction(conn):
        (job_id,) = conn.execute(
            "UPDATE jobs SET state = 'active' WHERE id ="
            " (SELECT id FROM jobs WHERE state = 'pending' ORDER BY id LIMIT 1) RETURNING id"
        ).fetchone()
    with _transaction(conn):
        conn.execute("UPDATE jobs SET state = 'completed' WHERE id = ?", (job_id,))


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    yield
    conn.execute("COMMIT")


# -- the run -----------------------------------------------------------------------------------


@contextmanager
def _fresh_db() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="genqueue-bench-") as tmp:
        yield Path(tmp) / "queue.db"


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure_throughput(systems: Sequence[System], jobs: int, repeats: int) -> list[Samples]:
    samples = [Samples() for _ in systems]
    for trial in range(1, repeats + 1):
        for processes in (1, 2):
            for system, figures in zip(systems, samples, strict=True):
                with _fresh_db() as db:
                    enqueue = system.enqueue(db, jobs)
                    drain = system.drain(db, jobs, processes)
                figures.enqueue.append(enqueue)
                figures.e2e[processes].append(drain)
                _progress(
                    f"trial {trial}/{repeats} {system.name} ({system.settings}): "
                    f"enqueue {enqueue:,.0f} jobs/s, {processes} proc {drain:,.0f} jobs/s"
                )
    return samples


def measure_latency(system: System, repeats: int) -> list[Latency]:
    with _fresh_db() as db:
        results = system.latency(db, repeats)
    figures = ", ".join(f"{x.p50_ms:.1f}/{x.p99_ms:.1f}" for x in results)
    _progress(f"latency {system.name} ({system.settings}): p50/p99 {figures} ms")
    return results


def measure_ceiling(jobs: int, repeats: int) -> Samples:
    ceiling = Samples()
    for _ in range(repeats):
        with _fresh_db() as db:
            inserts, pairs = RawSqlite().measure(db, jobs)
        ceiling.enqueue.append(inserts)
        ceiling.e2e[1].append(pairs)
        _progress(f"sqlite3: {inserts:,.0f} inserts/s, {pairs:,.0f} claim+complete pairs/s")
    return ceiling


HEADERS = (
    "system",
    "settings",
    "enqueue jobs/s",
    "e2e 1 proc jobs/s",
    "e2e 2 procs jobs/s",
    "latency p50 ms",
    "p99 ms",
)


def _cells(result: Result) -> list[str]:
    figures = list(result.medians().values())
    rates = ["-" if x is None else f"{x:,.0f}" for x in figures[:3]]
    times = ["-" if x is None else f"{x:.1f}" for x in figures[3:]]
    return [result.system, result.settings, *rates, *times]


def table(results: Sequence[Result]) -> str:
    """Text columns left-aligned, figures right-aligned, two spaces apart."""
    lines = [list(HEADERS), *(_cells(r) for r in results)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]

    def fmt(cells: list[str]) -> str:
        padded = [
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(lines[0]), rule, *(fmt(line) for line in lines[1:])])


def write_json(jobs: int, repeats: int, results: Sequence[Result], ratio: float) -> None:
    document: dict[str, Any] = {
        "jobs": jobs,
        "repeats": repeats,
        "latency_stream": {"jobs": LATENCY_JOBS, "per_s": LATENCY_RATE, "idle_s": IDLE_SECONDS},
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "huey": version("huey"),
        },
        "results": [
            {
                "system": r.system,
                "settings": r.settings,
                **r.medians(),
                "samples": asdict(r.samples),
            }
            for r in results
        ],
        "ratio_to_huey": ratio,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="genqueue against huey on SQLite")
    parser.add_argument("--jobs", type=int, default=10_000, help="jobs per throughput trial")
    parser.add_argument("--repeats", type=int, default=3, help="trials per figure (median)")
    default = Settings.model_fields["worker_concurrency"].default
    parser.add_argument(
        "--concurrency",
        type=int,
        default=default,
        help=f"jobs a genqueue worker process runs at once (default: its own, {default})",
    )
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    genqueue, huey = Genqueue(args.concurrency), Huey()
    huey_fast, huey_normal = Huey(poll_seconds=HUEY_FAST_POLL), Huey(normal_sync=True)
    gq, hy, hy_normal = measure_throughput([genqueue, huey, huey_normal], args.jobs, args.repeats)
    rows: list[tuple[System, Samples]] = [
        (genqueue, gq),
        (huey, hy),
        (huey_fast, Samples()),
        (huey_normal, hy_normal),
    ]
    for system, samples in rows[:3]:
        samples.latency = measure_latency(system, args.repeats)
    ceiling = measure_ceiling(args.jobs, args.repeats)
    results = [Result(system.name, system.settings, samples) for system, samples in rows]
    results.append(Result(RawSqlite.name, RawSqlite.settings, ceiling))

    ratio = statistics.median(gq.e2e[1]) / statistics.median(hy.e2e[1])
    write_json(args.jobs, args.repeats, results, ratio)
    print(
        f"\n{args.jobs:,} no-op jobs per trial, median of {args.repeats} trials; e2e: first job "
        "start to last job end (process start-up excluded);\nlatency: 1 idle worker process, "
        f"{LATENCY_JOBS} jobs at {LATENCY_RATE:g}/s after {IDLE_SECONDS:g} s idle; sqlite3: "
        "one-row inserts/s and claim+complete\ntransaction pairs/s on a bare table. "
        f"All figures: {RESULTS.relative_to(ROOT)}\n"
    )
    print(table(results))
    print(f"\nratio to huey: {ratio:.2f}")


if __name__ == "__main__":
    main()
