"""The canned job the bare references answer with: genqueue's camelCase job, same fields."""

from __future__ import annotations

from typing import Any


def job_body(job_id: str) -> dict[str, Any]:
    return {
        "jobId": job_id,
        "queue": "default",
        "type": "demo",
        "owner": "bench-u0000",
        "status": "pending",
        "progress": {"percentage": 0, "current": 0, "total": 0, "currentTask": None},
        "data": {"steps": 1},
        "tags": {},
        "priority": 5,
        "result": None,
        "partialResults": [],
        "failedReason": None,
        "attemptsMade": 0,
        "stalledCount": 0,
        "cost": 0,
        "position": 1,
        "estimatedWaitSeconds": None,
        "createdAt": "2026-12-01T21:00:00.000000Z",
        "startedAt": None,
        "completedAt": None,
    }
