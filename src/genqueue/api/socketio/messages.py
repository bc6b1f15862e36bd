"""What each feed event (or a job read on subscribe) is called on the wire, and its payload.

Every payload carries `jobId`, `eventId` (the feed id to resume after), `status` (seed
004's status words) and `at`. A cancelled job ends with `job_failed` and status
`cancelled`: seed 004's clients know only completed and failed as endings.
"""

from __future__ import annotations

from typing import Any

from genqueue.api.envelope import dumps
from genqueue.api.views import iso
from genqueue.engine.events import Event, EventKind
from genqueue.engine.job import Job, JobState

CANCELLED_ERROR = "Job was cancelled"
STATUS = {
    EventKind.CREATED: "queued",
    EventKind.ACTIVE: "processing",
    EventKind.PROGRESS: "processing",
    EventKind.PARTIAL: "processing",
    EventKind.RETRYING: "queued",
    EventKind.STALLED: "queued",
    EventKind.COMPLETED: "completed",
    EventKind.FAILED: "failed",
    EventKind.CANCELLED: "cancelled",
}
JOB_STATUS = {
    JobState.PENDING: "queued",
    JobState.DELAYED: "queued",
    JobState.ACTIVE: "processing",
    JobState.COMPLETED: "completed",
    JobState.FAILED: "failed",
    JobState.CANCELLED: "cancelled",
}


def event_message(event: Event) -> tuple[str, dict[str, Any]]:
    base: dict[str, Any] = {
        "jobId": event.job_id,
        "eventId": event.id,
        "type": event.type,
        "status": STATUS[event.kind],
        "at": iso(event.at),
    }
    data = event.data
    if event.kind is EventKind.PROGRESS:
        message = data.get("currentTask") or "Processing"
        extra = {"current": data.get("current"), "total": data.get("total")}
        return "job_progress", {
            **base,
            "progress": data.get("percentage", 0.0),
            "message": message,
            **extra,
        }
    if event.kind is EventKind.COMPLETED:
        return "job_completed", {**base, **_completed(data.get("result"))}
    if event.kind is EventKind.FAILED:
        error = data.get("reason") or "Job failed"
        return "job_failed", {**base, "error": error, "attemptsMade": data.get("attemptsMade")}
    if event.kind is EventKind.CANCELLED:
        return "job_failed", {**base, "error": CANCELLED_ERROR}
    if event.kind is EventKind.PARTIAL:
        return "job_partial", {**base, "item": data.get("item")}
    return "job_status", {**base, "event": event.kind.value, **data}


def snapshot_message(job: Job, event_id: str, at: float) -> tuple[str, dict[str, Any]]:
    """The job as read on subscribe, for a subscriber without `lastEventId`."""
    base: dict[str, Any] = {
        "jobId": job.id,
        "eventId": event_id,
        "type": job.type,
        "status": JOB_STATUS[job.state],
        "at": iso(at),
        "snapshot": True,
    }
    if job.state is JobState.COMPLETED:
        return "job_completed", {**base, **_completed(job.result)}
    if job.state is JobState.FAILED:
        return "job_failed", {
            **base,
            "error": job.failed_reason or "Job failed",
            "attemptsMade": job.attempts_made,
        }
    if job.state is JobState.CANCELLED:
        return "job_failed", {**base, "error": CANCELLED_ERROR}
    progress = job.progress
    message = progress.current_task or ("Processing" if job.state is JobState.ACTIVE else "Queued")
    return "job_progress", {
        **base,
        "progress": progress.percentage,
        "message": message,
        "current": progress.current,
        "total": progress.total,
    }


def _completed(result: Any) -> dict[str, Any]:
    """The result as the seed routes answer it (artifact URLs are `/assets/<key>`), and
    its `imageUrl` lifted beside it as seed 004 documents."""
    image_url = result.get("imageUrl") if isinstance(result, dict) else None
    return {"result": result, "imageUrl": image_url if isinstance(image_url, str) else None}


def encode(name: str, payload: dict[str, Any]) -> str:
    """A Socket.IO EVENT packet for namespace `/` without an ack id: `2["name",{...}]`."""
    return "2" + dumps([name, payload]).decode()
