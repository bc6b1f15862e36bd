"""Per-user rate limits shared by every API process of a store, via `Store.throttle`.

High limits are checked on a sample: with a limit of L hits per window, a process sends
one hit in `stride = max(1, L // SAMPLE_TARGET)` to the store, counted against
⌈L / stride⌉ there, and admits the hits in between locally. A refused sample blocks the
user in this process until the window ends. The limit therefore holds across processes
to within `stride - 1` hits per process and window (under 1% at the defaults), while a
poll costs a store write only once per `stride` requests. Limits up to SAMPLE_TARGET
(the submission default, 60/minute) are exact: every hit goes to the store.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from genqueue.engine.store import Store

SAMPLE_TARGET = 100
MAX_TRACKED_USERS = 100_000


@dataclass(slots=True)
class _UserWindow:
    slot: int
    hits: int = 0
    blocked_until: float = 0.0


class RateLimiter:
    def __init__(
        self,
        store: Store,
        bucket: str,
        limit: int,
        window_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.bucket = bucket
        self.limit = limit
        self.window_seconds = window_seconds
        self.stride = max(1, limit // SAMPLE_TARGET)
        self.store_limit = math.ceil(limit / self.stride)
        self.clock = clock
        self._users: dict[str, _UserWindow] = {}

    async def hit(self, user_id: str) -> float:
        """0.0 when the hit is admitted, else the seconds until the user may try again."""
        now = self.clock()
        slot = math.floor(now / self.window_seconds)
        window = self._users.get(user_id)
        if window is None or window.slot != slot:
            if len(self._users) >= MAX_TRACKED_USERS:
                self._users.clear()
            window = self._users[user_id] = _UserWindow(slot)
        if window.blocked_until > now:
            return window.blocked_until - now
        window.hits += 1
        if (window.hits - 1) % self.stride:
            return 0.0
        key = f"{self.bucket}:{user_id}"
        retry = await self.store.throttle(key, self.store_limit, self.window_seconds, now)
        if retry > 0:
            window.blocked_until = now + retry
        return retry
