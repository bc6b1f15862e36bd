"""Seed 002's `results` of a set, read from the shot records in a job's partial results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from genqueue.apps.library360.generation import FAILED, GENERATED
from genqueue.apps.library360.requests import LIBRARY_TYPES
from genqueue.engine.job import Job

GENERATED_FIELDS = ("url", "angle", "quality", "dinoAssetId", "mediaId")
FAILED_FIELDS = ("angle", "reason", "attempts", "bestQuality", "retryRecommendation")


def shot_records(partial_results: Iterable[Any]) -> list[dict[str, Any]]:
    """The shot records among a job's partial results (the last one of each shot wins)."""
    by_shot: dict[str, dict[str, Any]] = {}
    for item in partial_results:
        if isinstance(item, dict) and item.get("status") in (GENERATED, FAILED):
            by_shot[str(item.get("angle"))] = item
    return list(by_shot.values())


def set_results(records: Sequence[dict[str, Any]], processing_ms: int) -> dict[str, Any]:
    return {
        "generatedImages": [
            {name: r.get(name) for name in GENERATED_FIELDS}
            for r in records
            if r["status"] == GENERATED
        ],
        "failedImages": [
            {name: r.get(name) for name in FAILED_FIELDS} for r in records if r["status"] == FAILED
        ],
        "totalAttempts": sum(int(r.get("attempts") or 0) for r in records),
        "processingTime": processing_ms,
    }


def job_results(job: Job) -> Any:
    """A job's results for the status route: its result once it has one, else, for a set
    that failed or was cancelled part way, what its finished shots made."""
    if job.result is not None or job.type not in LIBRARY_TYPES or not job.state.is_final:
        return job.result
    records = shot_records(job.partial_results)
    if not records:
        return None
    return set_results(records, sum(int(r.get("durationMs") or 0) for r in records))


def generated_count(results: Any) -> int | None:
    if isinstance(results, dict) and isinstance(results.get("generatedImages"), list):
        return len(results["generatedImages"])
    return None
