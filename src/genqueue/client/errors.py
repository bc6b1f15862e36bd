"""The SDK's exceptions: one per answer a caller handles differently.

`ApiError`s carry the HTTP status, the server's message and its `data` details; job
outcomes (`JobFailed`, `JobCancelled`) carry the job; `WaitTimeout` is also a
`TimeoutError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from genqueue.client.models import Job


class ClientError(Exception):
    """Base of every SDK error."""

    def __init__(self, message: str, *, status: int | None = None, data: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.data = data


class ConnectionFailed(ClientError):
    """The server could not be reached, or the connection broke mid-answer."""


class ApiError(ClientError):
    """The server answered with an error status."""

    def __init__(self, status: int, message: str, data: Any = None) -> None:
        super().__init__(f"{status}: {message}", status=status, data=data)
        self.message = message


class InvalidRequest(ApiError):
    """400, 413 or 422: `errors` lists `{field, message, type}` when the server named them."""

    @property
    def errors(self) -> list[Mapping[str, Any]]:
        found = self.data.get("errors") if isinstance(self.data, Mapping) else None
        return list(found or [])


class Unauthorized(ApiError):
    """401: no token, or the server refused it."""


class InsufficientCredits(ApiError):
    """402: the job costs more than the caller's balance."""

    @property
    def balance(self) -> int | None:
        return self.data.get("balance") if isinstance(self.data, Mapping) else None

    @property
    def cost(self) -> int | None:
        return self.data.get("cost") if isinstance(self.data, Mapping) else None


class Forbidden(ApiError):
    """403: an admin route without the admin role."""


class NotFound(ApiError):
    """404: an unknown job (or another user's), queue or route."""


class Conflict(ApiError):
    """409: the job's state does not allow it; `state` is that state."""

    @property
    def state(self) -> str | None:
        return self.data.get("state") if isinstance(self.data, Mapping) else None


class RateLimited(ApiError):
    """429: `retry_after` is the seconds to wait before the next try."""

    def __init__(self, status: int, message: str, data: Any = None, retry_after: float = 1.0):
        super().__init__(status, message, data)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx: 503 when the job store is unreachable (`retry_after` then set)."""

    def __init__(
        self, status: int, message: str, data: Any = None, retry_after: float | None = None
    ):
        super().__init__(status, message, data)
        self.retry_after = retry_after


class JobError(ClientError):
    """The job ended without a result; `job` is its final state."""

    def __init__(self, job: Job, message: str) -> None:
        super().__init__(message, data=job)
        self.job = job


class JobFailed(JobError):
    """Every attempt failed; `reason` is the server's failedReason."""

    def __init__(self, job: Job) -> None:
        self.reason = job.failed_reason or "the job failed"
        super().__init__(job, f"job {job.id} failed: {self.reason}")


class JobCancelled(JobError):
    def __init__(self, job: Job) -> None:
        super().__init__(job, f"job {job.id} was cancelled")


class WaitTimeout(ClientError, TimeoutError):
    """`wait(timeout=)` ran out; `job` is the last state seen (None if none was)."""

    def __init__(self, job_id: str, timeout: float, job: Job | None) -> None:
        state = f" (last seen {job.status.value}, {job.progress.percentage:g}%)" if job else ""
        super().__init__(f"job {job_id} did not finish within {timeout:g} s{state}", data=job)
        self.job_id = job_id
        self.timeout = timeout
        self.job = job


STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: InvalidRequest,
    401: Unauthorized,
    402: InsufficientCredits,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: InvalidRequest,
    422: InvalidRequest,
}


def api_error(status: int, message: str, data: Any, retry_after: float | None) -> ApiError:
    """The exception for an error answer."""
    if status == 429:
        return RateLimited(status, message, data, retry_after if retry_after is not None else 1.0)
    if status >= 500:
        return ServerError(status, message, data, retry_after)
    return STATUS_ERRORS.get(status, ApiError)(status, message, data)
