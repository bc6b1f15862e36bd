"""genqueue's one exception hierarchy.

Stores translate driver errors (sqlite3, redis-py) into these at their edge; the HTTP
layer maps them to status codes in one place.
"""

from __future__ import annotations


class GenqueueError(Exception):
    """Base of every error genqueue raises on purpose."""


class DoNotRetry(GenqueueError):
    """Raised by a handler (or a subclass mixed into its own errors) when another attempt
    would fail the same way: the worker fails the job for good at once, refunded, without
    spending the attempts it has left."""


class RetryLater(GenqueueError):
    """A failure that says when another attempt is worth making (a 429's Retry-After):
    the next attempt waits at least `retry_after` seconds, even when the queue's backoff
    is shorter (never longer than the backoff's maximum). None: the backoff alone."""

    def __init__(self, *args: object, retry_after: float | None = None) -> None:
        super().__init__(*args)
        self.retry_after = retry_after


class JobNotFound(GenqueueError):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"job {job_id} not found")
        self.job_id = job_id


class QueueNotFound(GenqueueError):
    """No queue of that name is configured or has ever had a job."""

    def __init__(self, queue: str) -> None:
        super().__init__(f"queue {queue} not found")
        self.queue = queue


class InvalidTransition(GenqueueError):
    """The job is not in a state that allows the requested change (a lost compare-and-set)."""

    def __init__(self, job_id: str, state: str, action: str) -> None:
        super().__init__(f"cannot {action} job {job_id}: it is {state}")
        self.job_id = job_id
        self.state = state
        self.action = action


class LeaseLost(GenqueueError):
    """A worker wrote with a lease token that has expired or moved on (a zombie worker)."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"lease on job {job_id} is no longer held by this worker")
        self.job_id = job_id


class InsufficientCredits(GenqueueError):
    def __init__(self, owner: str, balance: int, cost: int) -> None:
        super().__init__(f"insufficient credits: balance {balance}, cost {cost}")
        self.owner = owner
        self.balance = balance
        self.cost = cost


class IdempotencyConflict(GenqueueError):
    """The idempotency key was used before with a different request."""

    def __init__(self, key: str, job_id: str) -> None:
        super().__init__(f"idempotency key {key!r} was already used with a different request")
        self.key = key
        self.job_id = job_id


class UnknownJobType(GenqueueError):
    def __init__(self, job_type: str) -> None:
        super().__init__(f"unknown job type {job_type!r}")
        self.job_type = job_type


class InvalidJobRequest(GenqueueError):
    """A submission or query that breaks a rule of the job model (bad priority, delay, ...)."""


class StoreUnavailable(GenqueueError):
    """The store cannot be reached or stayed busy past its deadline."""


class RecordNotFound(GenqueueError):
    """No record of that kind and id, or it belongs to someone else (the same answer)."""

    def __init__(self, kind: str, record_id: str) -> None:
        super().__init__(f"{kind} {record_id} not found")
        self.kind = kind
        self.record_id = record_id
