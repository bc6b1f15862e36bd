"""genqueue: long-running generation jobs with progress, retries, rate limits and cancel.

The public API: declare job types on a `Registry`, build an `Engine` over a store from
`open_store(url)`, and run a `Worker`.
"""

from genqueue.engine.catalog import Catalog
from genqueue.engine.engine import Engine, EngineConfig, WaitEstimate
from genqueue.engine.errors import (
    DoNotRetry,
    GenqueueError,
    IdempotencyConflict,
    InsufficientCredits,
    InvalidJobRequest,
    InvalidTransition,
    JobNotFound,
    LeaseLost,
    RetryLater,
    StoreUnavailable,
    UnknownJobType,
)
from genqueue.engine.events import Event, EventKind
from genqueue.engine.job import Job, JobState, Progress
from genqueue.engine.policy import Backoff, QueuePolicy, RateLimit, Retention
from genqueue.engine.store import ListQuery, Page, Store
from genqueue.stores import open_store
from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry
from genqueue.worker.runner import Worker, WorkerOptions

__version__ = "0.1.0"

__all__ = [
    "Backoff",
    "Catalog",
    "DoNotRetry",
    "Engine",
    "EngineConfig",
    "Event",
    "EventKind",
    "GenqueueError",
    "IdempotencyConflict",
    "InsufficientCredits",
    "InvalidJobRequest",
    "InvalidTransition",
    "Job",
    "JobContext",
    "JobNotFound",
    "JobState",
    "LeaseLost",
    "ListQuery",
    "Page",
    "Progress",
    "QueuePolicy",
    "RateLimit",
    "Registry",
    "Retention",
    "RetryLater",
    "Store",
    "StoreUnavailable",
    "UnknownJobType",
    "WaitEstimate",
    "Worker",
    "WorkerOptions",
    "__version__",
    "open_store",
]
