"""Queue and job-type policies: retry, backoff, timeout, rate limit, caps, retention.

The engine decides with these; stores only make the decisions atomic.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from genqueue.engine.admission import Admit
from genqueue.engine.errors import InvalidJobRequest
from genqueue.engine.job import MAX_PRIORITY, MIN_PRIORITY

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)?\s*(ms|s|m|h|d)\s*$")


def parse_duration(value: str | float | int) -> float:
    """Seconds from `300`, `"300"`, `"5m"`, `"250ms"` or `"1.5h"`."""
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f"not a duration: {value!r} (use e.g. 30s, 5m, 250ms)")
        seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds < 0 or math.isinf(seconds) or math.isnan(seconds):
        raise ValueError(f"not a duration: {value!r}")
    return seconds


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `max_starts` job starts per `per_seconds`, across every worker."""

    max_starts: int
    per_seconds: float = 1.0

    def __post_init__(self) -> None:
        if self.max_starts < 1 or self.per_seconds <= 0:
            raise ValueError("a rate limit needs at least one start per positive duration")

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """`"5/s"`, `"10/2s"`, `"100/m"`."""
        match = _RATE.match(text)
        if not match:
            raise ValueError(f"not a rate limit: {text!r} (use e.g. 5/s, 100/m, 10/2s)")
        amount = float(match.group(2)) if match.group(2) else 1.0
        return cls(int(match.group(1)), amount * _UNIT_SECONDS[match.group(3)])

    def __str__(self) -> str:
        per = "s" if self.per_seconds == 1.0 else f"{self.per_seconds:g}s"
        return f"{self.max_starts}/{per}"


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff: attempt n waits base × factor^(n-1), capped, with optional jitter."""

    base_seconds: float = 2.0
    factor: float = 2.0
    max_seconds: float = 3600.0
    jitter: float = 0.0

    def delay(self, attempts_made: int, rand: Callable[[], float] = random.random) -> float:
        exponent = max(attempts_made - 1, 0)
        raw = min(self.base_seconds * self.factor**exponent, self.max_seconds)
        if self.jitter:
            raw *= 1.0 - self.jitter * rand()
        return raw


@dataclass(frozen=True, slots=True)
class Retention:
    """How long finished jobs stay readable: by age, and optionally the newest N per queue."""

    max_age_seconds: float = 24 * 3600.0
    max_count: int | None = None


@dataclass(frozen=True, slots=True)
class QueuePolicy:
    name: str
    rate_limit: RateLimit | None = None
    concurrency: int | None = None
    timeout_seconds: float | None = None
    attempts: int = 3
    backoff: Backoff = field(default_factory=Backoff)
    retention: Retention = field(default_factory=Retention)
    max_stalls: int = 1
    estimate_seconds: float = 60.0

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > 100:
            raise ValueError("a queue needs a name of 1 to 100 characters")
        if self.concurrency is not None and self.concurrency < 1:
            raise ValueError("a queue's concurrency cap must be at least 1")
        if self.attempts < 1:
            raise ValueError("a queue needs at least one attempt")
        if self.max_stalls < 1:
            raise ValueError("every job survives at least one stall: max_stalls must be at least 1")


@dataclass(frozen=True, slots=True)
class JobTypePolicy:
    """A job type and the queue it runs on; attempts and timeout may differ from the queue's."""

    name: str
    queue: str
    attempts: int | None = None
    timeout_seconds: float | None = None
    validate: Callable[[Any], Any] | None = None
    """Checks (and may normalise) a job's data at submission; raises ValueError when it is bad."""
    admit: Admit | None = None
    """Checks the (validated) data against the records at submission; see `Admission`."""


@dataclass(frozen=True, slots=True)
class ClaimLimits:
    """What a store must enforce atomically when it hands out jobs of one queue."""

    queue: str
    rate_limit: RateLimit | None
    concurrency: int | None

    @classmethod
    def of(cls, policy: QueuePolicy) -> ClaimLimits:
        return cls(policy.name, policy.rate_limit, policy.concurrency)


def check_priority(priority: int) -> int:
    if not MIN_PRIORITY <= priority <= MAX_PRIORITY:
        raise InvalidJobRequest(
            f"priority must be between {MIN_PRIORITY} (highest) and {MAX_PRIORITY}"
        )
    return priority
