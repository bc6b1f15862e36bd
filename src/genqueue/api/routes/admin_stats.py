"""Admin overview: workers with liveness, and per-queue health, throughput, durations and
depth over time, all read from the store so every API process answers the same."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from genqueue.api.deps import admin_caller
from genqueue.api.envelope import Envelope, ok
from genqueue.api.errors import error_responses
from genqueue.api.models import AdminStats, WorkerView
from genqueue.api.state import ApiState
from genqueue.api.views import iso
from genqueue.engine.job import JobState
from genqueue.engine.store import MinuteStats, QueueState, WorkerInfo

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

DURATION_SAMPLE = 1000
"""Runs per queue and type the percentiles are taken over (the store keeps fewer on Redis)."""


@router.get(
    "/workers",
    response_model=Envelope[list[WorkerView]],
    responses=error_responses(403),
    summary="Registered workers and whether they are alive",
)
async def list_workers(request: Request) -> Response:
    state, _ = admin_caller(request)
    engine = state.engine
    return ok([_worker_view(w, engine.is_alive(w)) for w in await engine.store.workers()])


@router.get(
    "/stats",
    response_model=Envelope[AdminStats],
    responses=error_responses(403, 422),
    summary="Queue health, throughput, duration percentiles and depth over time",
)
async def stats(request: Request, minutes: Annotated[int, Query(ge=1, le=1440)] = 60) -> Response:
    state, _ = admin_caller(request)
    engine = state.engine
    now = engine.clock()
    since = now - minutes * 60
    found = {q.name: q for q in await engine.store.queue_states(now)}
    live = await engine.live_workers()
    finished = await engine.store.stats(since)
    names = sorted({*engine.catalog.queues, *found})
    return ok(
        {
            "queues": [_health(state, n, found.get(n), live, now) for n in names],
            "throughput": _throughput(finished),
            "durations": await _durations(state, finished),
            "depth": [
                {
                    "minute": s.minute,
                    "queue": s.queue,
                    "waiting": s.waiting,
                    "active": s.active,
                    "delayed": s.delayed,
                }
                for s in await engine.store.depth(since)
            ],
        }
    )


def _worker_view(worker: WorkerInfo, alive: bool) -> dict[str, Any]:
    return {
        "id": worker.id,
        "host": worker.host,
        "pid": worker.pid,
        "queues": worker.queues,
        "concurrency": worker.concurrency,
        "running": worker.running,
        "startedAt": iso(worker.started_at),
        "lastSeenAt": iso(worker.heartbeat_at),
        "alive": alive,
    }


def _health(
    state: ApiState, name: str, found: QueueState | None, live: list[WorkerInfo], now: float
) -> dict[str, Any]:
    policy = state.engine.catalog.queue(name)
    counts = found.counts if found is not None else {}
    oldest = found.oldest_waiting_at if found is not None else None
    serving = [w.id for w in live if name in w.queues]
    waiting = counts.get(JobState.PENDING, 0) + counts.get(JobState.DELAYED, 0)
    rate = policy.rate_limit
    return {
        "name": name,
        "counts": {s.value: counts.get(s, 0) for s in JobState},
        "paused": found.paused if found is not None else False,
        "rateLimit": None
        if rate is None
        else {"max": rate.max_starts, "perSeconds": rate.per_seconds},
        "concurrency": policy.concurrency,
        "oldestWaitingAgeSeconds": None if oldest is None else max(now - oldest, 0.0),
        "workers": serving,
        "unserved": waiting > 0 and not serving,
    }


def _throughput(finished: list[MinuteStats]) -> list[dict[str, Any]]:
    per: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in finished:
        counts = per[(row.minute, row.queue)]
        counts[0] += row.completed
        counts[1] += row.failed
    return [
        {"minute": minute, "queue": queue, "completed": c, "failed": f}
        for (minute, queue), (c, f) in sorted(per.items())
    ]


async def _durations(state: ApiState, finished: list[MinuteStats]) -> list[dict[str, Any]]:
    """Percentiles of each queue and type's latest completed runs: the catalog's types and
    any other the window saw finish."""
    engine = state.engine
    pairs = {(t.queue, t.name) for t in engine.catalog.types.values()}
    pairs |= {(row.queue, row.type) for row in finished}
    out = []
    for queue, job_type in sorted(pairs):
        runs = sorted(await engine.store.recent_durations(queue, job_type, DURATION_SAMPLE))
        if runs:
            out.append(
                {
                    "queue": queue,
                    "type": job_type,
                    "count": len(runs),
                    "p50": percentile(runs, 50),
                    "p90": percentile(runs, 90),
                    "p99": percentile(runs, 99),
                }
            )
    return out


def percentile(ordered: list[float], p: float) -> float:
    """The nearest-rank percentile of sorted values: the smallest one with p% at or below it."""
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]
