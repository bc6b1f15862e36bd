"""How long the shots of a set take, measured: each shot record carries its duration.

A running set is estimated from its own shots so far (its character, style and threshold).
One still to run, or before its first shot, from the shot times of recent sets asked with
the same qualityThreshold and maxRetries (those decide how many tries a shot takes), else
of any recent set. A completed set adds its shot times to two timing records (kind
`library360-timing`): one for its threshold and retries, one for every set; each keeps
the last TIMING_WINDOW. Reading them is two key lookups on either store, where a listing
of recent jobs filtered by type walks a queue. Two sets that end at the same moment may
each write over the other's update: one set's samples are lost, which an estimate bears.

A set's time left is the sum over its remaining shots, so the mean shot is used, not the
median: the few shots that need every retry are part of what the set will cost.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from typing import Any

from genqueue.apps.library360.requests import LIBRARY_TYPES
from genqueue.apps.library360.results import shot_records
from genqueue.engine.errors import RecordNotFound
from genqueue.engine.job import Job
from genqueue.engine.records import Record, RecordStore

TIMING = "library360-timing"
TIMING_OWNER = "genqueue"
"""The timing records belong to no user: no user route lists this kind."""
TIMING_WINDOW = 200
EVERY_SET = "every-set"


def is_library_job(job: Job) -> bool:
    return job.type in LIBRARY_TYPES


def shot_seconds(records: Iterable[dict[str, Any]]) -> list[float]:
    """The measured durations of shot records, in seconds."""
    return [
        float(record["durationMs"]) / 1000
        for record in records
        if isinstance(record.get("durationMs"), int | float)
    ]


def timing_id(threshold: object, retries: object) -> str:
    return f"threshold-{threshold}-retries-{retries}"


def timing_ids_of(job: Job) -> tuple[str, str]:
    """The timing records that estimate `job`: the one asked alike, then every set's."""
    data = job.data if isinstance(job.data, dict) else {}
    return timing_id(data.get("qualityThreshold"), data.get("maxRetries")), EVERY_SET


async def record_shot_times(
    records: RecordStore, threshold: object, retries: object, seconds: Sequence[float], now: float
) -> None:
    for record_id in (timing_id(threshold, retries), EVERY_SET):
        try:
            kept = list((await records.get_record(TIMING, record_id)).data["seconds"])
        except RecordNotFound:
            kept = []
        window = [*kept, *seconds][-TIMING_WINDOW:]
        await records.put_record(Record(TIMING, record_id, TIMING_OWNER, {"seconds": window}), now)


async def recent_shot_seconds(records: RecordStore, ids: Sequence[str]) -> list[float]:
    """The samples of the first of the timing records `ids` that has any."""
    by_id = {r.id: r for r in await records.get_records(TIMING, list(ids))}
    for record_id in ids:
        record = by_id.get(record_id)
        samples = record.data.get("seconds") if record is not None else None
        if samples:
            return [float(s) for s in samples]
    return []


def shots_planned(job: Job) -> int:
    shots = job.data.get("shots") if isinstance(job.data, dict) else None
    return len(shots) if isinstance(shots, list) else 0


def remaining_seconds(job: Job, recent_seconds: Sequence[float], fallback: float) -> float:
    """(planned − done shots) × the mean shot: `job`'s own, else the recent sets' (as read
    by `recent_shot_seconds`), else `fallback` (a measured single image)."""
    own = shot_seconds(shot_records(job.partial_results))
    samples = own or list(recent_seconds)
    per_shot = statistics.fmean(samples) if samples else fallback
    return max(shots_planned(job) - len(own), 0) * per_shot
