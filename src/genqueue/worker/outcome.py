"""How one run of a handler ended, before the worker reports it to the store."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from genqueue.engine.errors import DoNotRetry, RetryLater

FinalFailure = DoNotRetry
"""The name the seed apps' brief uses for `DoNotRetry`: the same class."""

__all__ = [
    "Completed",
    "DoNotRetry",
    "Failed",
    "FinalFailure",
    "Interrupt",
    "Interrupted",
    "Outcome",
    "RetryLater",
]


class Interrupt(StrEnum):
    """Why the worker stopped a handler that was still running."""

    CANCEL = "cancel"
    LEASE_LOST = "lease lost"
    SHUTDOWN = "shutdown"


@dataclass(frozen=True, slots=True)
class Completed:
    result: Any


@dataclass(frozen=True, slots=True)
class Failed:
    reason: str
    stacktrace: str | None
    retryable: bool = True
    retry_after: float | None = None
    """The least wait before the next attempt the failure asked for (`RetryLater`)."""


@dataclass(frozen=True, slots=True)
class Interrupted:
    why: Interrupt


Outcome = Completed | Failed | Interrupted
