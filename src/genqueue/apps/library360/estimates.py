"""How long the shots of a set take, measured: each shot record carries its duration.

A running set is estimated from its own shots so far (its character, style and threshold);
one still to run, or before its first shot, from the shots of recently completed sets
asked with the same qualityThreshold and maxRetries (those decide how many tries a shot
takes), else of any recent set. A set's time left is the sum over its remaining shots,
so the mean shot is used, not the median: a few shots that need every retry are part of
what the set will cost.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence

from genqueue.apps.library360.requests import LIBRARY_TYPES
from genqueue.apps.library360.results import shot_records
from genqueue.engine.job import Job


def is_library_job(job: Job) -> bool:
    return job.type in LIBRARY_TYPES


def shot_seconds(jobs: Iterable[Job]) -> list[float]:
    """The measured durations of every shot the jobs made or gave up on, in seconds."""
    return [
        float(record["durationMs"]) / 1000
        for job in jobs
        for record in shot_records(job.partial_results)
        if isinstance(record.get("durationMs"), int | float)
    ]


def _asked(job: Job) -> tuple[object, object]:
    data = job.data if isinstance(job.data, dict) else {}
    return data.get("qualityThreshold"), data.get("maxRetries")


def shots_planned(job: Job) -> int:
    shots = job.data.get("shots") if isinstance(job.data, dict) else None
    return len(shots) if isinstance(shots, list) else 0


def remaining_seconds(job: Job, recent_sets: Sequence[Job], fallback: float) -> float:
    """(planned − done shots) × the mean shot: `job`'s own, else that of recent sets asked
    alike, else of any recent set, else `fallback` (a measured single image)."""
    own = shot_seconds([job])
    samples = own
    if not samples:
        alike = [other for other in recent_sets if _asked(other) == _asked(job)]
        samples = shot_seconds(alike) or shot_seconds(recent_sets)
    per_shot = statistics.fmean(samples) if samples else fallback
    return max(shots_planned(job) - len(own), 0) * per_shot
