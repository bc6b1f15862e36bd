"""How long the shots of a set take, measured: each shot record carries its duration.

A set still to run is estimated from the shots of recently completed sets; a running
set from its own shots so far (it has its character, style and threshold), falling back
to the recent ones until its first shot is done.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable

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


def shots_planned(job: Job) -> int:
    shots = job.data.get("shots") if isinstance(job.data, dict) else None
    return len(shots) if isinstance(shots, list) else 0


def remaining_seconds(job: Job, recent_shot_seconds: list[float], fallback: float) -> float:
    """Time left for the shots `job` has not finished: (planned − done) × the median shot,
    its own shots' median once it has some, else that of recent sets, else `fallback`."""
    own = shot_seconds([job])
    done = len(own)
    samples = own or recent_shot_seconds
    per_shot = statistics.median(samples) if samples else fallback
    return max(shots_planned(job) - done, 0) * per_shot
