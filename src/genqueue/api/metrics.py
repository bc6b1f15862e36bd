"""What `GET /metrics` shows: the store's figures, read once per scrape, and this process's
HTTP timings, in the Prometheus text format.

Job figures come from the store (counts per state, and the cumulative counters every
transition keeps, see engine/counters.py), so every API process answers the same. The
read is two store calls under one deadline: a store that does not answer in time makes
the scrape fail fast (503) instead of hanging the scraper.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from genqueue.api.timing import HttpTimings
from genqueue.engine.counters import DURATION_BOUNDS, Counter, DurationHistogram, JobCounters
from genqueue.engine.engine import Engine
from genqueue.engine.job import JobState
from genqueue.engine.store import QueueState

PREFIX = "genqueue"
COUNTERS: dict[Counter, tuple[str, str]] = {
    Counter.ATTEMPTS: ("genqueue_job_attempts", "Attempts started (claims of a job)."),
    Counter.RETRIED: ("genqueue_job_retries", "Failed attempts scheduled to run again."),
    Counter.REQUEUED: ("genqueue_job_requeues", "Failed or cancelled jobs run again by hand."),
    Counter.STALLED: ("genqueue_job_stalls", "Leases that ran out and were recovered."),
    Counter.CANCELLED: ("genqueue_job_cancellations", "Jobs that ended cancelled."),
    Counter.CHARGED: ("genqueue_credits_charged", "Credits charged for jobs."),
    Counter.REFUNDED: ("genqueue_credits_refunded", "Credits refunded for jobs."),
}
FINISHED: dict[JobState, tuple[str, str]] = {
    JobState.COMPLETED: ("genqueue_jobs_completed", "Jobs that completed."),
    JobState.FAILED: ("genqueue_jobs_failed", "Jobs that failed for good."),
}
LE = [*(f"{bound:g}" for bound in DURATION_BOUNDS), "+Inf"]


@dataclass(frozen=True, slots=True)
class Snapshot:
    now: float
    queues: list[QueueState]
    counters: JobCounters


async def read_snapshot(engine: Engine) -> Snapshot:
    """The store's side of one scrape: its queue counts and its counters (two calls)."""
    now = engine.clock()
    queues, counters = await asyncio.gather(engine.store.queue_states(now), engine.store.counters())
    return Snapshot(now, queues, counters)


class StoreCollector(Collector):
    """One scrape's store figures as metric families."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        yield from self._queues()
        yield from self._counters()
        yield self._durations()

    def _queues(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily(
            "genqueue_jobs", "Jobs per queue and state, now.", labels=["queue", "state"]
        )
        paused = GaugeMetricFamily(
            "genqueue_queue_paused", "1 when the queue is paused.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "genqueue_queue_oldest_waiting_age_seconds",
            "How long the queue's oldest pending job has waited (absent when none waits).",
            labels=["queue"],
        )
        for queue in self.snapshot.queues:
            for state in JobState:
                jobs.add_metric([queue.name, state.value], queue.counts.get(state, 0))
            paused.add_metric([queue.name], 1 if queue.paused else 0)
            if queue.oldest_waiting_at is not None:
                age = max(self.snapshot.now - queue.oldest_waiting_at, 0.0)
                oldest.add_metric([queue.name], age)
        yield from (jobs, paused, oldest)

    def _counters(self) -> Iterator[Metric]:
        """Every counter for every queue and type seen, 0 where nothing happened yet."""
        counters = self.snapshot.counters
        pairs = sorted(
            {(c.queue, c.type) for c in counters.counters}
            | {(h.queue, h.type) for h in counters.durations}
        )
        values = {(c.queue, c.type, c.counter): c.value for c in counters.counters}
        finished = {(h.queue, h.type, h.state): h.count for h in counters.durations}
        for state, (name, doc) in FINISHED.items():
            family = CounterMetricFamily(name, doc, labels=["queue", "type"])
            for queue, job_type in pairs:
                family.add_metric([queue, job_type], finished.get((queue, job_type, state), 0))
            yield family
        for counter, (name, doc) in COUNTERS.items():
            family = CounterMetricFamily(name, doc, labels=["queue", "type"])
            for queue, job_type in pairs:
                family.add_metric([queue, job_type], values.get((queue, job_type, counter), 0))
            yield family

    def _durations(self) -> Metric:
        family = HistogramMetricFamily(
            "genqueue_job_duration_seconds",
            "Run time of the last attempt of jobs that completed or failed for good.",
            labels=["queue", "type", "state"],
        )
        for histogram in self.snapshot.counters.durations:
            family.add_metric(
                [histogram.queue, histogram.type, histogram.state.value],
                _cumulative(histogram),
                histogram.sum,
            )
        return family


def _cumulative(histogram: DurationHistogram) -> list[tuple[str, float]]:
    total = 0
    buckets = []
    for le, count in zip(LE, histogram.buckets, strict=True):
        total += count
        buckets.append((le, float(total)))
    return buckets


def render(snapshot: Snapshot, timings: HttpTimings) -> bytes:
    """The exposition: a registry made for this scrape, so concurrent scrapes share nothing."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(snapshot))
    registry.register(timings.histogram)
    ProcessCollector(namespace=PREFIX, registry=registry)
    return generate_latest(registry)
