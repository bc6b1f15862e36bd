"""The event feed: every state change of a job, in order, tailable from an id."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    CREATED = "created"
    ACTIVE = "active"
    PROGRESS = "progress"
    PARTIAL = "partial"
    COMPLETED = "completed"
    FAILED = "failed"
    RETRYING = "retrying"
    CANCELLED = "cancelled"
    STALLED = "stalled"

    @property
    def is_final(self) -> bool:
        return self in _FINAL_KINDS


_FINAL_KINDS = (EventKind.COMPLETED, EventKind.FAILED, EventKind.CANCELLED)
"""Built once: the fan-out asks every event's recipients whether it is final."""


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the feed. `id` is opaque, ordered within a store, and resumable."""

    id: str
    kind: EventKind
    job_id: str
    queue: str
    type: str
    owner: str
    at: float
    data: dict[str, Any] = field(default_factory=dict)
