"""Jobs as the generic API shows them (camelCase, ISO 8601 UTC) and in seed 002's words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from genqueue.apps.library360.estimates import is_library_job, shots_planned
from genqueue.apps.library360.results import generated_count, job_results
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


def status_view(job: Job, now: float, completion_at: float | None = None) -> dict[str, Any]:
    """Seed 002's `/api/v1/jobs/{jobId}/status` body (no envelope; its own status words).

    `results` is the job's result; a set that failed or was cancelled part way shows what
    its finished shots made. `error` is set on failure only.
    """
    state = job.effective_state(now)
    progress = job.progress.to_dict()
    percentage = progress["percentage"]
    if percentage == int(percentage):
        progress["percentage"] = int(percentage)
    if state is JobState.COMPLETED and progress["currentTask"] is None:
        progress["currentTask"] = "Completed"
    if progress["total"] is None and is_library_job(job):
        progress.update(current=0, total=shots_planned(job))
    results = job_results(job)
    return {
        "success": True,
        "jobId": job.id,
        "status": SEED_002_WORDS[state],
        "jobType": job.type,
        "progress": progress,
        "message": _message(job, state, results),
        "results": results,
        "partialResults": job.partial_results,
        "error": job.failed_reason if state is JobState.FAILED else None,
        "createdAt": iso(job.created_at),
        "startedAt": iso(job.started_at),
        "estimatedCompletionAt": iso(completion_at),
        "completedAt": iso(job.completed_at),
    }


def _message(job: Job, state: JobState, results: Any) -> str:
    task = job.progress.current_task
    if state is JobState.ACTIVE:
        if job.cancel_requested:
            return "Cancellation requested; the job stops shortly."
        return f"Job is processing. {task}" if task else "Job is processing."
    if state.is_waiting and job.attempts_made and job.failed_reason:
        attempt = f"attempt {job.attempts_made + 1} of {job.max_attempts}"
        return f"Job is queued to retry ({attempt}) after: {job.failed_reason}"
    if state.is_waiting:
        return "Job is queued, waiting to start."
    if state is JobState.COMPLETED:
        count = generated_count(results)
        if count is None:
            return "Job completed successfully."
        return f"Job completed successfully. Generated {count} image{'' if count == 1 else 's'}."
    if state is JobState.FAILED:
        return f"Job failed: {job.failed_reason}" if job.failed_reason else "Job failed."
    return "Job was cancelled."
