"""Cumulative job counters that every store keeps, for /metrics.

They are written in the same atomic step as the transition they count, so every API
process reads the same figures from the store, and they only ever grow (a Prometheus
counter's contract): cleaning or retention never lowers them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from genqueue.engine.job import JobState

DURATION_BOUNDS: tuple[float, ...] = (
    0.01,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
    120.0,
    300.0,
    600.0,
    1800.0,
    3600.0,
)
"""Upper bounds (seconds) of the run-time histogram's buckets; one more bucket, +Inf, holds
the rest. Generation jobs run from milliseconds (no-op) to many minutes (video). The Redis
store keeps the same list in lua/_lib.lua (DURATION_BOUNDS): change both together."""


FINISHED = (JobState.COMPLETED.value, JobState.FAILED.value)
"""The end states whose run times the histogram holds."""


class Counter(StrEnum):
    """What a store counts per queue and job type, besides the finished jobs' run times."""

    ATTEMPTS = "attempts"
    """Attempts started: every claim of a job."""
    RETRIED = "retried"
    """Failed attempts the engine scheduled to run again (its automatic retries)."""
    REQUEUED = "requeued"
    """Failed or cancelled jobs put back to run again by hand (a job's retry, a queue's
    retry-failed)."""
    STALLED = "stalled"
    """Leases that ran out (the worker vanished) and were recovered, whatever came next."""
    CANCELLED = "cancelled"
    """Jobs that ended cancelled, waiting or running."""
    CHARGED = "charged"
    """Credits charged: at submission, and again when a refunded job is retried."""
    REFUNDED = "refunded"
    """Credits given back when a job failed for good or was cancelled."""


def duration_bucket(seconds: float) -> int:
    """The index of the smallest bound that is at least `seconds`; len(bounds) for +Inf."""
    return bisect.bisect_left(DURATION_BOUNDS, seconds)


@dataclass(frozen=True, slots=True)
class CounterValue:
    queue: str
    type: str
    counter: Counter
    value: int


@dataclass(frozen=True, slots=True)
class DurationHistogram:
    """Run times of the last attempt of jobs that ended `state` (completed or failed)."""

    queue: str
    type: str
    state: JobState
    buckets: tuple[int, ...]
    """Jobs per bucket of DURATION_BOUNDS and then +Inf, each counted once (not cumulative)."""
    sum: float

    @property
    def count(self) -> int:
        return sum(self.buckets)


@dataclass(frozen=True, slots=True)
class JobCounters:
    counters: list[CounterValue]
    durations: list[DurationHistogram]


@dataclass(frozen=True, slots=True)
class BucketCell:
    """One stored bucket of a histogram, as the stores keep them (only those with jobs)."""

    queue: str
    type: str
    state: str
    bucket: int
    count: int
    sum: float


def collect(
    counts: Iterable[tuple[str, str, str, int]], cells: Iterable[BucketCell]
) -> JobCounters:
    """The stores' raw rows as `JobCounters`, sorted by queue and type. Names this version
    does not know (written by a newer one) and buckets out of range are left out."""
    known = {c.value for c in Counter}
    values = [
        CounterValue(queue, job_type, Counter(name), int(value))
        for queue, job_type, name, value in counts
        if name in known
    ]
    grouped: dict[tuple[str, str, str], tuple[list[int], list[float]]] = {}
    for cell in cells:
        if not 0 <= cell.bucket <= len(DURATION_BOUNDS) or cell.state not in FINISHED:
            continue
        buckets, total = grouped.setdefault(
            (cell.queue, cell.type, cell.state), ([0] * (len(DURATION_BOUNDS) + 1), [0.0])
        )
        buckets[cell.bucket] += cell.count
        total[0] += cell.sum
    histograms = [
        DurationHistogram(queue, job_type, JobState(state), tuple(buckets), total[0])
        for (queue, job_type, state), (buckets, total) in sorted(grouped.items())
    ]
    values.sort(key=lambda v: (v.queue, v.type, v.counter.value))
    return JobCounters(values, histograms)
