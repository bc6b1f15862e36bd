"""The embedded store: every transition one short `BEGIN IMMEDIATE` transaction on one file."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from collections.abc import Sequence
from typing import Any

from genqueue.engine.errors import (
    IdempotencyConflict,
    InvalidTransition,
    JobNotFound,
    LeaseLost,
)
from genqueue.engine.events import Event, EventKind
from genqueue.engine.job import ClaimedJob, Job, JobState, Lease
from genqueue.engine.policy import ClaimLimits, Retention
from genqueue.engine.store import (
    Completion,
    Enqueued,
    Failure,
    LedgerEntry,
    ListQuery,
    MinuteStats,
    NewJob,
    Page,
    ProgressUpdate,
    QueueState,
    Requeue,
    WorkerInfo,
)
from genqueue.stores.sqlite import bookkeeping as book
from genqueue.stores.sqlite.database import Database, Rollback
from genqueue.stores.sqlite.listing import list_jobs_sql
from genqueue.stores.sqlite.rows import (
    dumps,
    event_from_row,
    job_from_new,
    job_from_row,
    ledger_from_row,
    new_job_params,
    stats_from_row,
    worker_from_row,
)

Q = book.Q
RETENTION_BATCH = 5000
DEAD_WORKER_SECONDS = 24 * 3600.0
ABANDONED_RETRY_SECONDS = 1.0


class SqliteStore:
    """One SQLite file in WAL mode, safe for many API and worker processes on one machine."""

    def __init__(
        self,
        path: str,
        *,
        synchronous: str = "NORMAL",
        initial_credits: int = 100,
        poll_interval: float = 0.001,
    ) -> None:
        self.db = Database(path, synchronous=synchronous)
        self.initial_credits = initial_credits
        self.poll_interval = poll_interval
        self._wakeup = asyncio.Event()
        self._rotation = itertools.count()

    # -- lifecycle ------------------------------------------------------------------

    async def setup(self) -> None:
        await self.db.open()

    async def close(self) -> None:
        self.db.close()

    async def ping(self) -> None:
        await self.db.read(lambda c: c.execute("SELECT 1").fetchone())

    async def _write(self, fn: Any) -> Any:
        result = await self.db.write(fn)
        self._wakeup.set()
        return result

    # -- submission -----------------------------------------------------------------

    async def enqueue(self, job: NewJob) -> Enqueued:
        def tx(conn: sqlite3.Connection) -> Enqueued:
            if job.idempotency_key is not None:
                row = conn.execute(
                    Q["find_idempotent"], {"owner": job.owner, "key": job.idempotency_key}
                ).fetchone()
                if row is not None:
                    if row["request_hash"] != job.request_hash:
                        raise IdempotencyConflict(job.idempotency_key, row["id"])
                    return Enqueued(job_from_row(row), created=False)
            if job.cost > 0:
                book.charge(conn, job.owner, job.id, job.cost, self.initial_credits, job.created_at)
            params = new_job_params(job)
            conn.execute(Q["insert_job"], params)
            for name, value in job.tags.items():
                conn.execute(Q["insert_tag"], {"job_id": job.id, "name": name, "value": value})
            book.record_event(conn, EventKind.CREATED, params, job.created_at)
            return Enqueued(job_from_new(job), created=True)

        result: Enqueued = await self._write(tx)
        return result

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
        if not await self.db.read(lambda c: self._has_work(c, limits, now)):
            return []
        start = next(self._rotation) % len(limits)
        ordered = [*limits[start:], *limits[:start]]

        def tx(conn: sqlite3.Connection) -> list[ClaimedJob]:
            conn.execute(Q["promote_due"], {"now": now})
            paused = {r[0] for r in conn.execute(Q["paused_queues"])}
            claimed: list[ClaimedJob] = []
            for limit in ordered:
                if len(claimed) >= count:
                    break
                if limit.queue not in paused:
                    wanted = self._allowed(conn, limit, count - len(claimed), now)
                    claimed += self._claim_from(conn, limit, wanted, worker_id, lease_seconds, now)
            if not claimed:
                raise Rollback([])
            return claimed

        result: list[ClaimedJob] = await self.db.write(tx)
        return result

    @staticmethod
    def _has_work(conn: sqlite3.Connection, limits: Sequence[ClaimLimits], now: float) -> bool:
        return any(
            conn.execute(Q["claimable"], {"queue": limit.queue, "now": now}).fetchone()[0]
            for limit in limits
        )

    @staticmethod
    def _allowed(conn: sqlite3.Connection, limit: ClaimLimits, wanted: int, now: float) -> int:
        """How many jobs of the queue may start now, under its cap and its rate limit."""
        if limit.concurrency is not None:
            active = conn.execute(Q["count_active"], {"queue": limit.queue}).fetchone()[0]
            wanted = min(wanted, limit.concurrency - active)
        if limit.rate_limit is not None and wanted > 0:
            since = now - limit.rate_limit.per_seconds
            conn.execute(Q["trim_rate_starts"], {"queue": limit.queue, "since": since})
            used = conn.execute(Q["count_rate_starts"], {"queue": limit.queue}).fetchone()[0]
            wanted = min(wanted, limit.rate_limit.max_starts - used)
        return max(wanted, 0)

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
        for row in rows:
            book.record_event(
                conn, EventKind.ACTIVE, row, now, {"attempt": row["attempts_made"] + 1}
            )
        jobs = sorted((job_from_row(r) for r in rows), key=lambda j: (j.priority, j.run_at))
        tokens = {r["id"]: (r["lease_token"], r["lease_expires_at"]) for r in rows}
        return [ClaimedJob(j, Lease(j.id, *tokens[j.id])) for j in jobs]

    async def wait_for_work(self, max_wait: float) -> None:
        """Return when work may have arrived: a local write, another process's commit, a due job."""
        deadline = time.monotonic() + max_wait
        next_due = await self.db.read(lambda c: c.execute(Q["next_due"]).fetchone()[0])
        if next_due is not None:
            deadline = min(deadline, time.monotonic() + max(next_due - time.time(), 0.0))
        version = self.db.data_version()
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                await asyncio.wait_for(self._wakeup.wait(), min(self.poll_interval, remaining))
            except TimeoutError:
                if self.db.data_version() != version:
                    return
            else:
                self._wakeup.clear()
                return

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

        result: set[str] = await self._write(tx)
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

        await self._write(tx)

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
                state = JobState.DELAYED if failure.retry_at > now else JobState.PENDING
                row = conn.execute(
                    Q["retry_job"], {**params, "state": state.value, "run_at": failure.retry_at}
                ).fetchone()
                if row is not None:
                    book.record_event(
                        conn,
                        EventKind.RETRYING,
                        row,
                        now,
                        {
                            "reason": failure.reason,
                            "retryAt": failure.retry_at,
                            "attemptsMade": row["attempts_made"],
                        },
                    )
                    return job_from_row(row)
                if self._cancel_was_requested(conn, lease.job_id):
                    return self._cancel_active(conn, lease, now)
                raise LeaseLost(lease.job_id)
            row = conn.execute(Q["fail_job"], params).fetchone()
            if row is None:
                raise LeaseLost(lease.job_id)
            return self._end_failed(conn, row, failure.reason, now)

        result: Job = await self._write(tx)
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
            Q["cancel_active"], {"id": lease.job_id, "token": lease.token, "now": now, "attempt": 1}
        ).fetchone()
        if row is None:
            raise LeaseLost(lease.job_id)
        return self._end_cancelled(conn, row, now)

    def _end_cancelled(self, conn: sqlite3.Connection, row: sqlite3.Row, now: float) -> Job:
        book.refund(conn, row, self.initial_credits, now)
        book.record_event(conn, EventKind.CANCELLED, row, now)
        return self._reread(conn, row["id"])

    @staticmethod
    def _reread(conn: sqlite3.Connection, job_id: str) -> Job:
        return job_from_row(conn.execute(Q["get_job"], {"id": job_id}).fetchone())

    async def confirm_cancel(self, lease: Lease, now: float) -> Job:
        result: Job = await self._write(lambda conn: self._cancel_active(conn, lease, now))
        return result

    async def release(self, leases: Sequence[Lease], now: float) -> int:
        def tx(conn: sqlite3.Connection) -> int:
            return sum(
                conn.execute(Q["release_job"], {"id": lease.job_id, "token": lease.token}).rowcount
                for lease in leases
            )

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
            lambda c: c.execute(Q["expired_leases"] + " LIMIT 1", {"now": now}).fetchone()
        )
        if expired is None:
            return []
        result: list[Job] = await self._write(tx)
        return result

    def _recover(self, conn: sqlite3.Connection, row: sqlite3.Row, limit: int, now: float) -> Job:
        params = {"id": row["id"], "now": now}
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

    # -- reading --------------------------------------------------------------------

    async def get(self, job_id: str) -> Job:
        row = await self.db.read(lambda c: c.execute(Q["get_job"], {"id": job_id}).fetchone())
        if row is None:
            raise JobNotFound(job_id)
        return job_from_row(row)

    async def list_jobs(self, query: ListQuery) -> Page:
        where_sql, params = list_jobs_sql(query, time.time() if query.now is None else query.now)

        def read(conn: sqlite3.Connection) -> Page:
            total = conn.execute(f"SELECT COUNT(*) FROM jobs WHERE {where_sql}", params).fetchone()[
                0
            ]
            rows = conn.execute(
                f"SELECT * FROM jobs WHERE {where_sql} ORDER BY created_at DESC, rowid DESC "
                "LIMIT :limit OFFSET :skip",
                {**params, "limit": query.limit, "skip": query.skip},
            ).fetchall()
            return Page([job_from_row(r) for r in rows], total)

        result: Page = await self.db.read(read)
        return result

    async def position(self, job_id: str) -> int:
        row = await self.db.read(lambda c: c.execute(Q["position"], {"id": job_id}).fetchone())
        return int(row[0])

    async def recent_durations(self, queue: str, job_type: str | None, limit: int) -> list[float]:
        name = "recent_durations_of_queue" if job_type is None else "recent_durations_of_type"
        params = {"queue": queue, "type": job_type, "limit": limit}
        rows = await self.db.read(lambda c: c.execute(Q[name], params).fetchall())
        return [float(r[0]) for r in rows]

    async def queue_states(self, now: float) -> list[QueueState]:
        def read(conn: sqlite3.Connection) -> list[QueueState]:
            paused = {r["name"]: bool(r["paused"]) for r in conn.execute(Q["all_queues"])}
            counts: dict[str, dict[JobState, int]] = {name: {} for name in paused}
            for row in conn.execute(Q["state_counts"], {"now": now}):
                counts.setdefault(row["queue"], {})[JobState(row["state"])] = row["n"]
            oldest = {r["queue"]: r["oldest"] for r in conn.execute(Q["oldest_waiting"])}
            return [
                QueueState(name, paused.get(name, False), counts[name], oldest.get(name))
                for name in sorted(counts)
            ]

        result: list[QueueState] = await self.db.read(read)
        return result

    async def stats(self, since: float, queue: str | None = None) -> list[MinuteStats]:
        params = {"since": int(since // 60) * 60, "queue": queue}
        rows = await self.db.read(lambda c: c.execute(Q["minute_stats"], params).fetchall())
        return [stats_from_row(r) for r in rows]

    # -- operations -----------------------------------------------------------------

    async def cancel(self, job_id: str, now: float) -> Job:
        def tx(conn: sqlite3.Connection) -> Job:
            row = conn.execute(Q["cancel_waiting"], {"id": job_id, "now": now}).fetchone()
            if row is not None:
                return self._end_cancelled(conn, row, now)
            row = conn.execute(Q["request_cancel"], {"id": job_id}).fetchone()
            if row is not None:
                return job_from_row(row)
            current = self._existing(conn, job_id)
            raise InvalidTransition(job_id, current["state"], "cancel")

        result: Job = await self._write(tx)
        return result

    @staticmethod
    def _existing(conn: sqlite3.Connection, job_id: str) -> sqlite3.Row:
        row = conn.execute(Q["get_job"], {"id": job_id}).fetchone()
        if row is None:
            raise JobNotFound(job_id)
        return row  # type: ignore[no-any-return]

    async def requeue(self, request: Requeue, now: float) -> Job:
        def tx(conn: sqlite3.Connection) -> Job:
            current = self._existing(conn, request.job_id)
            if JobState(current["state"]) not in request.from_states:
                raise InvalidTransition(request.job_id, current["state"], "retry")
            if request.charge > 0:
                book.charge(
                    conn,
                    current["owner"],
                    request.job_id,
                    request.charge,
                    self.initial_credits,
                    now,
                )
            row = conn.execute(
                Q["requeue_finished"], {"id": request.job_id, "now": now, "charge": request.charge}
            ).fetchone()
            book.record_event(conn, EventKind.RETRYING, row, now, {"manual": True})
            return job_from_row(row)

        result: Job = await self._write(tx)
        return result

    async def promote(self, job_id: str, now: float) -> Job:
        def tx(conn: sqlite3.Connection) -> Job:
            row = conn.execute(Q["promote_job"], {"id": job_id, "now": now}).fetchone()
            if row is None:
                current = self._existing(conn, job_id)
                raise InvalidTransition(job_id, current["state"], "promote")
            return job_from_row(row)

        result: Job = await self._write(tx)
        return result

    async def set_paused(self, queue: str, paused: bool) -> None:
        await self._write(
            lambda c: c.execute(Q["set_paused"], {"name": queue, "paused": int(paused)})
        )

    async def clean(self, queue: str, states: Sequence[JobState], finished_before: float) -> int:
        def tx(conn: sqlite3.Connection) -> int:
            ids = [
                row[0]
                for state in states
                for row in conn.execute(
                    Q["finished_before"],
                    {"queue": queue, "state": state.value, "before": finished_before},
                )
            ]
            return self._delete(conn, ids)

        result: int = await self._write(tx)
        return result

    @staticmethod
    def _delete(conn: sqlite3.Connection, ids: Sequence[str]) -> int:
        for job_id in ids:
            conn.execute(Q["delete_tags"], {"id": job_id})
            conn.execute(Q["delete_job"], {"id": job_id})
        return len(ids)

    async def apply_retention(
        self, retention: dict[str, Retention], default: Retention, now: float
    ) -> int:
        def tx(conn: sqlite3.Connection) -> int:
            removed = 0
            for (queue,) in conn.execute(Q["job_queues"]).fetchall():
                policy = retention.get(queue, default)
                before = now - policy.max_age_seconds
                ids = [
                    r[0]
                    for r in conn.execute(Q["expired_finished"], {"queue": queue, "before": before})
                ]
                if policy.max_count is not None:
                    ids += [
                        r[0]
                        for r in conn.execute(
                            Q["finished_beyond_count"], {"queue": queue, "keep": policy.max_count}
                        )
                    ]
                removed += self._delete(conn, list(dict.fromkeys(ids))[:RETENTION_BATCH])
            for group in conn.execute(Q["duration_groups"]).fetchall():
                conn.execute(
                    Q["trim_durations"],
                    {
                        "queue": group["queue"],
                        "type": group["type"],
                        "keep": book.DURATION_SAMPLES_KEPT,
                    },
                )
            conn.execute("DELETE FROM workers WHERE heartbeat_at < ?", (now - DEAD_WORKER_SECONDS,))
            return removed

        result: int = await self.db.write(tx)
        return result

    async def empty(self, queue: str, now: float) -> int:
        def tx(conn: sqlite3.Connection) -> int:
            ids = [r[0] for r in conn.execute(Q["waiting_in_queue"], {"queue": queue})]
            for job_id in ids:
                row = conn.execute(Q["cancel_waiting"], {"id": job_id, "now": now}).fetchone()
                self._end_cancelled(conn, row, now)
            return len(ids)

        result: int = await self._write(tx)
        return result

    # -- workers --------------------------------------------------------------------

    async def register_worker(self, info: WorkerInfo) -> None:
        params = _worker_params(info)
        await self.db.write(lambda c: c.execute(Q["upsert_worker"], params))

    async def unregister_worker(self, worker_id: str) -> None:
        await self.db.write(lambda c: c.execute(Q["delete_worker"], {"id": worker_id}))

    async def workers(self) -> list[WorkerInfo]:
        rows = await self.db.read(lambda c: c.execute(Q["all_workers"]).fetchall())
        return [worker_from_row(r) for r in rows]

    # -- credits --------------------------------------------------------------------

    async def balance(self, owner: str) -> int:
        row = await self.db.read(lambda c: c.execute(Q["get_account"], {"owner": owner}).fetchone())
        return self.initial_credits if row is None else int(row[0])

    async def grant(self, owner: str, amount: int, note: str | None, now: float) -> int:
        result: int = await self.db.write(
            lambda c: book.grant(c, owner, amount, note, self.initial_credits, now)
        )
        return result

    async def ledger(self, owner: str | None, limit: int) -> list[LedgerEntry]:
        name, params = (
            ("ledger_all", {"limit": limit})
            if owner is None
            else ("ledger_of_owner", {"owner": owner, "limit": limit})
        )
        rows = await self.db.read(lambda c: c.execute(Q[name], params).fetchall())
        return [ledger_from_row(r) for r in rows]

    # -- the event feed -------------------------------------------------------------

    async def events_after(self, after: str | None, limit: int) -> list[Event]:
        params = {"after": int(after) if after else 0, "limit": limit}
        rows = await self.db.read(lambda c: c.execute(Q["events_after"], params).fetchall())
        return [event_from_row(r) for r in rows]

    async def last_event_id(self) -> str:
        row = await self.db.read(lambda c: c.execute(Q["last_event"]).fetchone())
        return str(row[0])

    async def trim_events(self, keep: int) -> int:
        result: int = await self.db.write(
            lambda c: c.execute(Q["trim_events"], {"keep": keep}).rowcount
        )
        return result


def _worker_params(info: WorkerInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "host": info.host,
        "pid": info.pid,
        "queues": dumps(info.queues),
        "concurrency": info.concurrency,
        "running": info.running,
        "started_at": info.started_at,
        "heartbeat_at": info.heartbeat_at,
    }
