"""genqueue on Redis, quickly: enqueue rate, end-to-end drain rate, idle enqueue→start latency.

`.venv/bin/python bench/redis_quick.py [--url redis://127.0.0.1:6379/0] [--jobs 20000]`.
Each phase uses a fresh key prefix, deleted afterwards.

enqueue jobs/s      N no-op jobs submitted one at a time (`Engine.submit`, one round trip each)
end-to-end jobs/s   those N jobs drained by 1 (then 2) `genqueue worker --burst` processes,
                    N over min(started_at) → max(completed_at) from the jobs themselves
latency p50/p99     one idle worker; 300 jobs sent open-loop at 50/s; the handler's start
                    time − the time just before the submit call

Prints a table and writes bench/results/redis_quick.json. For the side-by-side comparison
with other job queues see `make bench-peers`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import redis

from genqueue.engine.engine import Engine
from genqueue.engine.job import JobState
from genqueue.engine.store import ListQuery
from genqueue.stores.redis import RedisStore
from genqueue.stores.redis.keys import Keys

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import noop_app  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "redis_quick.json"
BIN = Path(sys.executable).parent
OWNER = "bench"
LATENCY_JOBS = 300
LATENCY_RATE = 50.0
TIMEOUT_SECONDS = 300.0


def _store_url(base: str, prefix: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}prefix={prefix}"


@asynccontextmanager
async def _engine(url: str) -> AsyncIterator[Engine]:
    store = RedisStore(url)
    await store.setup()
    try:
        yield Engine(store, noop_app.registry.catalog)
    finally:
        await store.close()


def _worker(url: str, log: Path, *flags: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GENQUEUE_")}
    env.update(GENQUEUE_STORE_URL=url, PYTHONPATH=str(ROOT))
    args = [str(BIN / "genqueue"), "worker", "--app", noop_app.__name__, *flags]
    with log.open("wb") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=out)


async def _all_jobs(engine: Engine) -> list[tuple[float, float]]:
    spans, skip = [], 0
    while page := (await engine.list_jobs(ListQuery(limit=1000, skip=skip))).jobs:
        spans += [(j.started_at or 0.0, j.completed_at or 0.0) for j in page]
        skip += len(page)
    return spans


async def enqueue_and_drain(url: str, jobs: int, processes: int, logs: Path) -> dict[str, float]:
    async with _engine(url) as engine:
        start = time.perf_counter()
        for _ in range(jobs):
            await engine.submit(OWNER, noop_app.JOB_TYPE, {"sent": time.time()})
        enqueue = jobs / (time.perf_counter() - start)
        workers = [_worker(url, logs / f"burst-{i}.log", "--burst") for i in range(processes)]
        for worker in workers:
            if worker.wait(TIMEOUT_SECONDS) != 0:
                raise RuntimeError(f"worker exited {worker.returncode}")
        [state] = await engine.store.queue_states(time.time(), [noop_app.QUEUE])
        if state.counts[JobState.COMPLETED] != jobs:
            raise RuntimeError(f"{state.counts[JobState.COMPLETED]} of {jobs} jobs completed")
        spans = await _all_jobs(engine)
    first = min(s for s, _ in spans)
    last = max(c for _, c in spans)
    return {"enqueue_jobs_per_s": enqueue, "e2e_jobs_per_s": jobs / (last - first)}


async def latency(url: str, logs: Path) -> dict[str, float]:
    worker = _worker(url, logs / "latency.log")
    try:
        async with _engine(url) as engine:
            await _finished(engine, [await _send(engine)])
            await asyncio.sleep(1.0)
            start, ids = time.monotonic(), []
            for index in range(LATENCY_JOBS):
                await asyncio.sleep(max(0.0, start + index / LATENCY_RATE - time.monotonic()))
                ids.append(await _send(engine))
            await _finished(engine, ids)
            delays = []
            for job_id in ids:
                job = await engine.get(job_id)
                delays.append((float(job.result) - job.data["sent"]) * 1000)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(TIMEOUT_SECONDS)
    cuts = statistics.quantiles(delays, n=100, method="inclusive")
    return {"latency_p50_ms": cuts[49], "latency_p99_ms": cuts[98]}


async def _send(engine: Engine) -> str:
    return (await engine.submit(OWNER, noop_app.JOB_TYPE, {"sent": time.time()})).job.id


async def _finished(engine: Engine, ids: Sequence[str]) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    for job_id in ids:
        while (await engine.get(job_id)).state is not JobState.COMPLETED:
            if time.monotonic() > deadline:
                raise TimeoutError("jobs did not finish")
            await asyncio.sleep(0.01)


def _wipe(base: str, prefix: str) -> None:
    with redis.Redis.from_url(base) as client:
        keys = list(client.scan_iter(match=Keys.for_prefix(prefix).pattern, count=1000))
        for i in range(0, len(keys), 500):
            client.unlink(*keys[i : i + 500])


def run_phase(base: str, phase: object) -> dict[str, float]:
    prefix = f"gqbench-{uuid.uuid4().hex[:12]}"
    try:
        return asyncio.run(phase(_store_url(base, prefix)))  # type: ignore[operator]
    finally:
        _wipe(base, prefix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--processes", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()
    logs = ROOT / "bench" / "results"
    logs.mkdir(parents=True, exist_ok=True)
    figures: dict[str, float] = {}
    for processes in args.processes:
        drained = run_phase(
            args.url, lambda url, n=processes: enqueue_and_drain(url, args.jobs, n, logs)
        )
        figures["enqueue_jobs_per_s"] = drained["enqueue_jobs_per_s"]
        figures[f"e2e_{processes}_proc_jobs_per_s"] = drained["e2e_jobs_per_s"]
    figures.update(run_phase(args.url, lambda url: latency(url, logs)))
    for name, value in figures.items():
        print(f"{name:28} {value:10.1f}")
    RESULTS.write_text(json.dumps({"jobs": args.jobs, **figures}, indent=2) + "\n")


if __name__ == "__main__":
    main()
