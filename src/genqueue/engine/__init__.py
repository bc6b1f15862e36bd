"""The job model, its policies and the `Store` protocol; nothing here knows which store runs."""

from genqueue.engine.catalog import Catalog
from genqueue.engine.engine import Engine, EngineConfig, WaitEstimate
from genqueue.engine.errors import (
    GenqueueError,
    IdempotencyConflict,
    InsufficientCredits,
    InvalidJobRequest,
    InvalidTransition,
    JobNotFound,
    LeaseLost,
    StoreUnavailable,
    UnknownJobType,
)
from genqueue.engine.events import Event, EventKind
from genqueue.engine.job import ClaimedJob, Job, JobState, Lease, Progress
from genqueue.engine.policy import Backoff, QueuePolicy, RateLimit, Retention
from genqueue.engine.store import ListQuery, Page, Store

__all__ = [
    "Backoff",
    "Catalog",
    "ClaimedJob",
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
    "JobNotFound",
    "JobState",
    "Lease",
    "LeaseLost",
    "ListQuery",
    "Page",
    "Progress",
    "QueuePolicy",
    "RateLimit",
    "Retention",
    "Store",
    "StoreUnavailable",
    "UnknownJobType",
    "WaitEstimate",
]
