"""A test app whose handlers misbehave on purpose, for the real-process worker tests.

Every handler writes what it does (start, end, interrupted, frozen) as one JSON line to
`$GENQUEUE_TEST_RECORDS/<pid>.jsonl`, with one `os.write` on an `O_APPEND` descriptor, so a
record is either whole or absent even when the process is killed with SIGKILL.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from typing import Any

from genqueue.engine.policy import Backoff
from genqueue.worker.context import JobContext, SyncJobContext
from genqueue.worker.registry import Registry

RECORDS_ENV = "GENQUEUE_TEST_RECORDS"

WORK_QUEUE = "faulty-work"
"""Sleepy jobs; allows three stalls, so a job caught in two worker crashes still completes."""
POISON_QUEUE = "faulty-poison"
"""The default stall limit (one): a job whose worker dies twice ends failed."""
BULK_QUEUE = "faulty-bulk"
LIMITED_QUEUE = "faulty-limited"
LIMITED_RATE = 5
"""Starts per second allowed on LIMITED_QUEUE, across every worker."""

FAST_BACKOFF = Backoff(base_seconds=0.1)

registry = Registry()
registry.queue(WORK_QUEUE, backoff=FAST_BACKOFF, max_stalls=3)
registry.queue(POISON_QUEUE, backoff=FAST_BACKOFF)
registry.queue(BULK_QUEUE, backoff=FAST_BACKOFF)
registry.queue(LIMITED_QUEUE, backoff=FAST_BACKOFF, rate_limit=f"{LIMITED_RATE}/s")


def record(event: str, ctx: JobContext | SyncJobContext, **extra: Any) -> None:
    directory = os.environ.get(RECORDS_ENV)
    if not directory:
        return
    line = json.dumps(
        {
            "event": event,
            "job": ctx.job_id,
            "pid": os.getpid(),
            "at": time.time(),
            "attempt": ctx.attempt,
            "stalled": ctx.job.stalled_count,
            **extra,
        }
    )
    fd = os.open(
        os.path.join(directory, f"{os.getpid()}.jsonl"), os.O_WRONLY | os.O_APPEND | os.O_CREAT
    )
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def _seconds(data: Any, stalled_count: int = 0) -> float:
    """`data.seconds`, or `data.rerunSeconds` for a run after a stall when that is given."""
    if not isinstance(data, dict):
        return 0.0
    if stalled_count and "rerunSeconds" in data:
        return float(data["rerunSeconds"])
    return float(data.get("seconds", 0.0))


async def _sleep_recorded(ctx: JobContext, seconds: float) -> None:
    """Sleep; if the worker interrupts the handler (cancel, shutdown, lost lease), say so."""
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        record("interrupted", ctx, cancelled=ctx.cancelled)
        raise


@registry.job("sleepy", queue=WORK_QUEUE)
async def sleepy(ctx: JobContext, data: Any) -> dict[str, Any]:
    """Sleep `data.seconds` (`data.rerunSeconds` after a stall), then return the pid."""
    record("start", ctx)
    await _sleep_recorded(ctx, _seconds(data, ctx.job.stalled_count))
    record("end", ctx)
    return {"pid": os.getpid()}


@registry.job("freeze", queue=WORK_QUEUE)
async def freeze(ctx: JobContext, data: Any) -> dict[str, Any]:
    """On its first run, stop the whole process (SIGSTOP) just before returning its result.

    This is the worst moment for a pause: the work is done and the result about to be
    reported. A later run (after the lease expired and the job was re-queued) returns at once.
    """
    record("start", ctx)
    await _sleep_recorded(ctx, _seconds(data))
    if ctx.job.stalled_count == 0:
        record("frozen", ctx)
        os.kill(os.getpid(), signal.SIGSTOP)
    record("end", ctx)
    return {"pid": os.getpid()}


@registry.job("blocking", queue=WORK_QUEUE)
def blocking(ctx: SyncJobContext, data: Any) -> dict[str, Any]:
    """A sync handler (run in a worker thread, so it cannot be interrupted): sleeps, returns."""
    record("start", ctx)
    time.sleep(_seconds(data))
    record("end", ctx)
    return {"pid": os.getpid()}


@registry.job("poison", queue=POISON_QUEUE)
async def poison(ctx: JobContext, data: Any) -> None:
    """Kill the worker process that runs it (SIGKILL), on every run."""
    record("start", ctx)
    os.kill(os.getpid(), signal.SIGKILL)


@registry.job("quick", queue=BULK_QUEUE)
async def quick(ctx: JobContext, data: Any) -> dict[str, Any]:
    record("start", ctx)
    await asyncio.sleep(_seconds(data))
    return {"pid": os.getpid()}


@registry.job("tick", queue=LIMITED_QUEUE)
async def tick(ctx: JobContext, data: Any) -> dict[str, Any]:
    record("start", ctx)
    await asyncio.sleep(_seconds(data))
    return {"pid": os.getpid()}
