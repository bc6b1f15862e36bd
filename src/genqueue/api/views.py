"""Jobs as the generic API shows them (camelCase, ISO 8601 UTC) and in seed 002's words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from genqueue.engine.job import Job, JobState

SEED_002_WORDS = {
    JobState.PENDING: "pending",
    JobState.DELAYED: "pending",
    JobState.ACTIVE: "processing",
    JobState.COMPLETED: "completed",
    JobState.FAILED: "failed",
    JobState.CANCELLED: "cancelled",
}


def iso(at: float | None) -> str | None:
    if at is None:
        return None
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def job_view(
    job: Job, now: float, position: int | None = None, wait_seconds: float | None = None
) -> dict[str, Any]:
    return {
        "jobId": job.id,
        "queue": job.queue,
        "type": job.type,
        "owner": job.owner,
        "status": job.effective_state(now).value,
        "progress": job.progress.to_dict(),
        "data": job.data,
        "tags": job.tags,
        "priority": job.priority,
        "result": job.result,
        "partialResults": job.partial_results,
        "failedReason": job.failed_reason,
        "attemptsMade": job.attempts_made,
        "maxAttempts": job.max_attempts,
        "stalledCount": job.stalled_count,
        "cost": job.cost,
        "cancelRequested": job.cancel_requested,
        "position": position,
        "estimatedWaitSeconds": wait_seconds,
        "runAt": iso(job.run_at),
        "createdAt": iso(job.created_at),
        "startedAt": iso(job.started_at),
        "completedAt": iso(job.completed_at),
    }


def status_view(job: Job, now: float, wait_seconds: float | None = None) -> dict[str, Any]:
    """Seed 002's `/api/v1/jobs/{jobId}/status` body (no envelope; its own status words)."""
    state = job.effective_state(now)
    word = SEED_002_WORDS[state]
    progress = job.progress.to_dict()
    if state is JobState.COMPLETED and progress["currentTask"] is None:
        progress["currentTask"] = "Completed"
    estimated = None
    if wait_seconds is not None and not state.is_final:
        estimated = iso(now + wait_seconds)
    return {
        "success": True,
        "jobId": job.id,
        "status": word,
        "jobType": job.type,
        "progress": progress,
        "message": _message(job, state),
        "results": job.result,
        "partialResults": job.partial_results,
        "error": job.failed_reason,
        "createdAt": iso(job.created_at),
        "startedAt": iso(job.started_at),
        "estimatedCompletionAt": estimated,
        "completedAt": iso(job.completed_at),
    }


def _message(job: Job, state: JobState) -> str:
    task = job.progress.current_task
    if state is JobState.ACTIVE:
        return f"Job is processing. {task}" if task else "Job is processing."
    if state.is_waiting:
        return "Job is queued, waiting to start."
    if state is JobState.COMPLETED:
        return "Job completed successfully."
    if state is JobState.FAILED:
        return f"Job failed: {job.failed_reason}" if job.failed_reason else "Job failed."
    return "Job was cancelled."
