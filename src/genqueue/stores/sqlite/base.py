"""What every part of the SQLite store shares: the connection and how a job ends."""

from __future__ import annotations

import itertools
import sqlite3
import time
from typing import Any

from genqueue.engine.counters import Counter
from genqueue.engine.errors import JobNotFound, LeaseLost
from genqueue.engine.events import EventKind
from genqueue.engine.job import Job, Lease
from genqueue.stores.sqlite import bookkeeping as book
from genqueue.stores.sqlite.database import Database
from genqueue.stores.sqlite.doorbell import Doorbell
from genqueue.stores.sqlite.rows import job_from_row
from genqueue.stores.sqlite.wakeup import WakeChannel

Q = book.Q


class SqliteBase:
    def __init__(
        self,
        path: str,
        *,
        synchronous: str = "NORMAL",
        initial_credits: int = 100,
        poll_interval: float = 0.001,
        max_poll_interval: float = 0.008,
    ) -> None:
        self.db = Database(path, synchronous=synchronous)
        self.initial_credits = initial_credits
        self.poll_interval = poll_interval
        self.max_poll_interval = max(max_poll_interval, poll_interval)
        self._last_activity = time.monotonic()
        self._doorbell = Doorbell()
        self._wake = WakeChannel(path)
        self._rotation = itertools.count()
        self._throttled_until: float | None = None
        self._version_seen: int | None = None
        self._known_queues: set[str] = set()
        """Queues this process has seen in the `queues` table, so enqueue names each once."""

    # -- lifecycle ------------------------------------------------------------------

    async def setup(self) -> None:
        await self.db.open()

    async def close(self) -> None:
        self._wake.close()
        self.db.close()

    async def ping(self) -> None:
        await self.db.read(lambda c: c.execute("SELECT 1").fetchone())

    async def _write(self, fn: Any) -> Any:
        """A write that may free a slot or make work claimable: wake idle workers after it."""
        result = await self.db.write(fn)
        self._doorbell.ring()
        self._wake.notify()
        return result

    def _end_failed(
        self, conn: sqlite3.Connection, row: sqlite3.Row, reason: str, now: float
    ) -> Job:
        book.refund(conn, row, self.initial_credits, now)
        book.record_finish(conn, row, False, now)
        book.record_event(
            conn,
            EventKind.FAILED,
            row,
            now,
            {"reason": reason, "attemptsMade": row["attempts_made"]},
        )
        return self._reread(conn, row["id"])

    @staticmethod
    def _cancel_was_requested(conn: sqlite3.Connection, job_id: str) -> bool:
        return conn.execute(Q["cancel_requested"], {"id": job_id}).fetchone() is not None

    def _cancel_active(self, conn: sqlite3.Connection, lease: Lease, now: float) -> Job:
        row = conn.execute(
            Q["cancel_active"], {"id": lease.job_id, "token": lease.token, "now": now}
        ).fetchone()
        if row is None:
            raise LeaseLost(lease.job_id)
        return self._end_cancelled(conn, row, now)

    def _end_cancelled(self, conn: sqlite3.Connection, row: sqlite3.Row, now: float) -> Job:
        book.refund(conn, row, self.initial_credits, now)
        book.count(conn, row, Counter.CANCELLED)
        book.record_event(conn, EventKind.CANCELLED, row, now)
        return self._reread(conn, row["id"])

    @staticmethod
    def _reread(conn: sqlite3.Connection, job_id: str) -> Job:
        return job_from_row(conn.execute(Q["get_job"], {"id": job_id}).fetchone())

    @staticmethod
    def _existing(conn: sqlite3.Connection, job_id: str) -> sqlite3.Row:
        row = conn.execute(Q["get_job"], {"id": job_id}).fetchone()
        if row is None:
            raise JobNotFound(job_id)
        return row  # type: ignore[no-any-return]
