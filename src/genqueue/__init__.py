"""genqueue: long-running generation jobs with progress, retries, rate limits and cancel.

The public API: declare job types on a `Registry`, build an `Engine` over a store from
`open_store(url)`, and run a `Worker`.
"""

from genqueue.engine import (
    Backoff,
    Catalog,
    Engine,
    EngineConfig,
    Event,
    EventKind,
    GenqueueError,
    IdempotencyConflict,
    InsufficientCredits,
    InvalidJobRequest,
    InvalidTransition,
    Job,
    JobNotFound,
    JobState,
    LeaseLost,
    ListQuery,
    Progress,
    QueuePolicy,
    RateLimit,
    Retention,
    Store,
    StoreUnavailable,
    UnknownJobType,
)
from genqueue.stores import open_store
from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry
from genqueue.worker.runner import Worker, WorkerOptions

__version__ = "0.1.0"

__all__ = [
    "Backoff",
    "Catalog",
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
    "Progress",
    "QueuePolicy",
    "RateLimit",
    "Registry",
    "Retention",
    "Store",
    "StoreUnavailable",
    "UnknownJobType",
    "Worker",
    "WorkerOptions",
    "__version__",
    "open_store",
]
