"""The worker's path: claim with caps and rate limits, leases, progress, outcomes, stalls."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from typing import Any

from genqueue.engine.counters import Counter
from genqueue.engine.errors import LeaseLost
from genqueue.engine.events import EventKind
from genqueue.engine.job import ClaimedJob, Job, JobState, Lease
from genqueue.engine.policy import ClaimLimits
from genqueue.engine.store import (
    Completion,
    Failure,
    ProgressUpdate,
)
from genqueue.stores.sqlite import bookkeeping as book
from genqueue.stores.sqlite.base import SqliteBase
from genqueue.stores.sqlite.database import Rollback
from genqueue.stores.sqlite.rows import (
    dumps,
    job_from_row,
)

Q = book.Q


class WorkerPath(SqliteBase):
    # -- the worker's path ------------------------------------------------------------

    async def claim(
        self,
        worker_id: str,
        limits: Sequence[ClaimLimits],
        count: int,
        lease_seconds: float,
        now: float,
    ) -> list[ClaimedJob]:
        if count <= 0 or not limits:
            return []
        # Noted before looking, so that a job committed after the look still wakes
        # `wait_for_work` (which compares against this version).
        self._version_seen = self.db.data_version()
        busy = await self.db.read(lambda c: self._with_work(c, limits, now))
        if not busy:
            return []
        start = next(self._rotation) % len(busy)
        ordered = [*busy[start:], *busy[:start]]

        def tx(conn: sqlite3.Connection) -> list[ClaimedJob]:
            promoted = sum(
                conn.execute(Q["promote_due"], {"queue": limit.queue, "now": now}).rowcount
                for limit in busy
            )
            claimed: list[ClaimedJob] = []
            for limit in ordered:  # paused queues were left out by `_with_work`
                if len(claimed) >= count:
                    break
                at = self._start_time(conn, limit, now)
                wanted = self._allowed(conn, limit, count - len(claimed), at)
                claimed += self._claim_from(conn, limit, wanted, worker_id, lease_seconds, at)
            if not claimed and not promoted:
                raise Rollback([])
            return claimed

        result: list[ClaimedJob] = await self.db.write(tx)
        return result

    @staticmethod
    def _with_work(
        conn: sqlite3.Connection, limits: Sequence[ClaimLimits], now: float
    ) -> list[ClaimLimits]:
        """The served queues a claim could take from: running, with a pending or due job."""
        return [
            limit
            for limit in limits
            if conn.execute(Q["queue_has_work"], {"queue": limit.queue, "now": now}).fetchone()[0]
        ]

    @staticmethod
    def _start_time(conn: sqlite3.Connection, limit: ClaimLimits, now: float) -> float:
        """`now`, but never before a start already logged for a rate-limited queue, nor,
        under a cap, before the last job of the queue ended.

        A claim's `now` is read before it waits for the write lock, so it can commit after
        claims and completions of other processes stamped later. Logging it at its own
        `now` would put a start behind the window those claims already trimmed (one too
        many in a window), or before the end of the job whose slot it takes.
        """
        at = now
        if limit.concurrency is not None:
            ended = conn.execute(Q["latest_finish"], {"queue": limit.queue}).fetchone()[0]
            at = at if ended is None else max(at, ended)
        if limit.rate_limit is not None:
            latest = conn.execute(Q["latest_rate_start"], {"queue": limit.queue}).fetchone()[0]
            at = at if latest is None else max(at, latest)
        return at

    def _allowed(
        self, conn: sqlite3.Connection, limit: ClaimLimits, wanted: int, now: float
    ) -> int:
        """How many jobs of the queue may start now, under its cap and its rate limit.

        When the rate limit is what stops it, remember when its window reopens, so that
        `wait_for_work` wakes the worker then instead of at its idle timeout.
        """
        if limit.concurrency is not None:
            active = conn.execute(Q["count_active"], {"queue": limit.queue}).fetchone()[0]
            wanted = min(wanted, limit.concurrency - active)
        if limit.rate_limit is not None and wanted > 0:
            since = now - limit.rate_limit.per_seconds
            conn.execute(Q["trim_rate_starts"], {"queue": limit.queue, "since": since})
            used = conn.execute(Q["count_rate_starts"], {"queue": limit.queue}).fetchone()[0]
            if used >= limit.rate_limit.max_starts:
                oldest = conn.execute(Q["oldest_rate_start"], {"queue": limit.queue}).fetchone()[0]
                self._note_throttle(oldest + limit.rate_limit.per_seconds)
            wanted = min(wanted, limit.rate_limit.max_starts - used)
        return max(wanted, 0)

    def _note_throttle(self, reopens_at: float) -> None:
        if self._throttled_until is None or reopens_at < self._throttled_until:
            self._throttled_until = reopens_at

    @staticmethod
    def _claim_from(
        conn: sqlite3.Connection,
        limit: ClaimLimits,
        wanted: int,
        worker_id: str,
        lease_seconds: float,
        now: float,
    ) -> list[ClaimedJob]:
        if wanted <= 0:
            return []
        rows = conn.execute(
            Q["claim_jobs"],
            {
                "queue": limit.queue,
                "count": wanted,
                "expires_at": now + lease_seconds,
                "worker_id": worker_id,
                "now": now,
            },
        ).fetchall()
        if limit.rate_limit is not None:
            conn.executemany(
                Q["insert_rate_start"], [{"queue": limit.queue, "at": now}] * len(rows)
            )
        started: dict[str, int] = {}
        for row in rows:
            book.record_event(
                conn, EventKind.ACTIVE, row, now, {"attempt": row["attempts_made"] + 1}
            )
            started[row["type"]] = started.get(row["type"], 0) + 1
        for job_type, n in started.items():
            book.count(conn, {"queue": limit.queue, "type": job_type}, Counter.ATTEMPTS, n)
        jobs = sorted((job_from_row(r) for r in rows), key=lambda j: (j.priority, j.run_at))
        tokens = {r["id"]: (r["lease_token"], r["lease_expires_at"]) for r in rows}
        return [ClaimedJob(j, Lease(j.id, *tokens[j.id])) for j in jobs]

    async def wait_for_work(self, max_wait: float) -> None:
        """Return when work may have arrived: a local write, another process's commit, a due job.

        Other processes wake it through the file's wake channel at once. `PRAGMA
        data_version` (a read of shared memory) is polled as well, for a wake-up that went
        astray or a machine without Unix sockets: every `poll_interval` while work flows,
        slowing to `max_poll_interval` after a quiet second. (Polling only when idle for
        long also measured better: a worker that has slept for milliseconds wakes slower.)
        """
        self._wake.listen(self._doorbell.ring)
        deadline = time.monotonic() + max_wait
        next_due = await self.db.read(
            lambda c: c.execute(Q["next_due"], {"now": time.time()}).fetchone()[0]
        )
        for wake_at in (next_due, self._throttled_until):
            if wake_at is not None:
                deadline = min(deadline, time.monotonic() + max(wake_at - time.time(), 0.0))
        self._throttled_until = None
        version = self._version_seen if self._version_seen is not None else self.db.data_version()
        self._version_seen = None
        while (remaining := deadline - time.monotonic()) > 0:
            if await self._doorbell.wait(min(self._poll_interval_now(), remaining)):
                break
            if self.db.data_version() != version:
                break
        else:
            return
        self._last_activity = time.monotonic()

    def _poll_interval_now(self) -> float:
        idle = time.monotonic() - self._last_activity
        if idle < 1.0:
            return self.poll_interval
        return min(self.poll_interval * 2.0 ** int(idle), self.max_poll_interval)

    async def extend_leases(
        self, leases: Sequence[Lease], lease_seconds: float, now: float
    ) -> list[Lease]:
        def tx(conn: sqlite3.Connection) -> list[Lease]:
            renewed = []
            for lease in leases:
                row = conn.execute(
                    Q["extend_lease"],
                    {
                        "id": lease.job_id,
                        "token": lease.token,
                        "now": now,
                        "expires_at": now + lease_seconds,
                    },
                ).fetchone()
                if row is not None:
                    renewed.append(Lease(lease.job_id, lease.token, row[0]))
            return renewed

        if not leases:
            return []
        result: list[Lease] = await self.db.write(tx)
        return result

    async def cancel_requests(self, job_ids: Sequence[str]) -> set[str]:
        def read(conn: sqlite3.Connection) -> set[str]:
            found = (conn.execute(Q["cancel_requested"], {"id": i}).fetchone() for i in job_ids)
            return {row[0] for row in found if row is not None}

        if not job_ids:
            return set()
        result: set[str] = await self.db.read(read)
        return result

    async def progress(self, updates: Sequence[ProgressUpdate], now: float) -> set[str]:
        def tx(conn: sqlite3.Connection) -> set[str]:
            lost = set()
            for update in updates:
                data = update.progress.to_dict()
                row = conn.execute(
                    Q["set_progress"],
                    {
                        "id": update.lease.job_id,
                        "token": update.lease.token,
                        "now": now,
                        "progress": dumps(data),
                    },
                ).fetchone()
                if row is None:
                    lost.add(update.lease.job_id)
                else:
                    book.record_event(conn, EventKind.PROGRESS, row, now, data)
            return lost

        result: set[str] = await self.db.write(tx)
        return result

    async def add_partial(self, lease: Lease, item: Any, now: float) -> None:
        def tx(conn: sqlite3.Connection) -> None:
            row = conn.execute(
                Q["add_partial"],
                {"id": lease.job_id, "token": lease.token, "now": now, "item": dumps(item)},
            ).fetchone()
            if row is None:
                raise LeaseLost(lease.job_id)
            book.record_event(conn, EventKind.PARTIAL, row, now, {"item": item})

        await self.db.write(tx)

    async def complete(self, completions: Sequence[Completion], now: float) -> set[str]:
        def tx(conn: sqlite3.Connection) -> set[str]:
            rejected = set()
            for done in completions:
                row = conn.execute(
                    Q["complete_job"],
                    {
                        "id": done.lease.job_id,
                        "token": done.lease.token,
                        "now": now,
                        "result": dumps(done.result),
                    },
                ).fetchone()
                if row is None:
                    rejected.add(done.lease.job_id)
                    continue
                book.record_finish(conn, row, True, now)
                book.record_event(conn, EventKind.COMPLETED, row, now, {"result": done.result})
            return rejected

        result: set[str] = await self._write(tx)
        return result

    async def fail(self, failure: Failure, now: float) -> Job:
        lease = failure.lease
        params = {
            "id": lease.job_id,
            "token": lease.token,
            "now": now,
            "reason": failure.reason,
            "stacktrace": failure.stacktrace,
        }

        def tx(conn: sqlite3.Connection) -> Job:
            if failure.retry_at is not None:
                return self._retry(conn, failure, params, now)
            row = conn.execute(Q["fail_job"], params).fetchone()
            if row is None:
                raise LeaseLost(lease.job_id)
            return self._end_failed(conn, row, failure.reason, now)

        result: Job = await self._write(tx)
        return result

    async def confirm_cancel(self, lease: Lease, now: float) -> Job:
        result: Job = await self._write(lambda conn: self._cancel_active(conn, lease, now))
        return result

    def _retry(
        self, conn: sqlite3.Connection, failure: Failure, params: dict[str, Any], now: float
    ) -> Job:
        """The next attempt waits for its backoff; a job whose cancel was asked for ends here."""
        assert failure.retry_at is not None
        state = JobState.DELAYED if failure.retry_at > now else JobState.PENDING
        row = conn.execute(
            Q["retry_job"], {**params, "state": state.value, "run_at": failure.retry_at}
        ).fetchone()
        if row is None:
            if self._cancel_was_requested(conn, failure.lease.job_id):
                return self._cancel_active(conn, failure.lease, now)
            raise LeaseLost(failure.lease.job_id)
        data = {
            "reason": failure.reason,
            "retryAt": failure.retry_at,
            "attemptsMade": row["attempts_made"],
        }
        book.record_event(conn, EventKind.RETRYING, row, now, data)
        book.count(conn, row, Counter.RETRIED)
        return job_from_row(row)

    async def release(self, leases: Sequence[Lease], now: float) -> int:
        """Hand jobs back to their queue at once; one whose cancel was asked for ends cancelled."""

        def tx(conn: sqlite3.Connection) -> int:
            handed = 0
            for lease in leases:
                params = {"id": lease.job_id, "token": lease.token, "now": now}
                if conn.execute(Q["held_cancel_requested"], params).fetchone() is not None:
                    self._cancel_active(conn, lease, now)
                    handed += 1
                else:
                    handed += conn.execute(Q["release_job"], params).rowcount
            return handed

        if not leases:
            return 0
        result: int = await self._write(tx)
        return result

    async def recover_stalled(
        self, max_stalls: dict[str, int], default: int, now: float
    ) -> list[Job]:
        def tx(conn: sqlite3.Connection) -> list[Job]:
            recovered = []
            for row in conn.execute(Q["expired_leases"], {"now": now}).fetchall():
                recovered.append(
                    self._recover(conn, row, max_stalls.get(row["queue"], default), now)
                )
            if not recovered:
                raise Rollback([])
            return recovered

        expired = await self.db.read(
            lambda c: c.execute(Q["any_expired_lease"], {"now": now}).fetchone()
        )
        if expired is None:
            return []
        result: list[Job] = await self._write(tx)
        return result

    def _recover(self, conn: sqlite3.Connection, row: sqlite3.Row, limit: int, now: float) -> Job:
        params = {"id": row["id"], "now": now}
        book.count(conn, row, Counter.STALLED)
        if row["cancel_requested"]:
            return self._end_cancelled(
                conn, conn.execute(Q["cancel_stalled"], params).fetchone(), now
            )
        if row["stalled_count"] + 1 > limit:
            reason = f"job stalled more than {limit} time(s): its worker stopped renewing the lease"
            failed = conn.execute(Q["fail_stalled"], {**params, "reason": reason}).fetchone()
            return self._end_failed(conn, failed, reason, now)
        stalled = conn.execute(Q["requeue_stalled"], params).fetchone()
        book.record_event(
            conn, EventKind.STALLED, stalled, now, {"stalledCount": stalled["stalled_count"]}
        )
        return job_from_row(stalled)
