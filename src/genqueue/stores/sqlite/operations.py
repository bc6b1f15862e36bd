"""Reading jobs and steering them: listing, counts, cancel, retry, promote, clean, empty."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from typing import Any

from genqueue.engine.counters import Counter, JobCounters
from genqueue.engine.errors import InvalidTransition, JobNotFound
from genqueue.engine.events import EventKind
from genqueue.engine.job import FINAL_STATES, Job, JobState
from genqueue.engine.policy import Retention
from genqueue.engine.store import (
    DEPTH_SECONDS,
    DepthSample,
    ListQuery,
    MinuteStats,
    Page,
    QueueState,
)
from genqueue.stores.sqlite import bookkeeping as book
from genqueue.stores.sqlite.base import SqliteBase
from genqueue.stores.sqlite.listing import list_jobs_sql
from genqueue.stores.sqlite.rows import (
    counters_from_rows,
    depth_from_row,
    job_from_row,
    stats_from_row,
)

Q = book.Q
DELETE_BATCH = 500
MAX_BATCHES = 200
DEAD_WORKER_SECONDS = 24 * 3600.0
RETRYABLE = (JobState.FAILED.value, JobState.CANCELLED.value)


class Operations(SqliteBase):
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
        return 0 if row is None else int(row[0])

    async def waiting_order(self, queue: str, limit: int) -> list[str]:
        """One walk of the jobs_pending index in its order (a table read per id)."""
        params = {"queue": queue, "limit": limit}
        rows = await self.db.read(lambda c: c.execute(Q["waiting_order"], params).fetchall())
        return [str(r[0]) for r in rows]

    async def recent_durations(self, queue: str, job_type: str | None, limit: int) -> list[float]:
        name = "recent_durations_of_queue" if job_type is None else "recent_durations_of_type"
        params = {"queue": queue, "type": job_type, "limit": limit}
        rows = await self.db.read(lambda c: c.execute(Q[name], params).fetchall())
        return [float(r[0]) for r in rows]

    async def queue_states(
        self, now: float, queues: Sequence[str] | None = None
    ) -> list[QueueState]:
        """Counts per state of every queue that has had a job, each one an index range count."""

        def read(conn: sqlite3.Connection) -> list[QueueState]:
            return [
                self._queue_state(conn, row["name"], bool(row["paused"]), now)
                for row in conn.execute(Q["all_queues"]).fetchall()
                if queues is None or row["name"] in queues
            ]

        result: list[QueueState] = await self.db.read(read)
        return result

    @staticmethod
    def _queue_state(conn: sqlite3.Connection, name: str, paused: bool, now: float) -> QueueState:
        def one(query: str, **params: Any) -> Any:
            return conn.execute(Q[query], {"queue": name, **params}).fetchone()[0]

        counts = {state: one("count_in_state", state=state.value) for state in JobState}
        due = one("count_due", now=now)
        counts[JobState.PENDING] += due
        counts[JobState.DELAYED] -= due
        return QueueState(
            name=name,
            paused=paused,
            counts=counts,
            oldest_waiting_at=one("oldest_waiting"),
            next_run_at=one("next_run_in_queue"),
        )

    async def stats(self, since: float, queue: str | None = None) -> list[MinuteStats]:
        params = {"since": int(since // 60) * 60, "queue": queue}
        rows = await self.db.read(lambda c: c.execute(Q["minute_stats"], params).fetchall())
        return [stats_from_row(r) for r in rows]

    async def record_depth(self, samples: Sequence[DepthSample]) -> None:
        rows = [
            {
                "queue": s.queue,
                "minute": s.minute,
                "waiting": s.waiting,
                "active": s.active,
                "delayed": s.delayed,
            }
            for s in samples
        ]
        if rows:
            await self.db.write(lambda c: c.executemany(Q["add_depth"], rows))

    async def depth(self, since: float, queue: str | None = None) -> list[DepthSample]:
        params = {"since": int(since // 60) * 60, "queue": queue}
        rows = await self.db.read(lambda c: c.execute(Q["depth_since"], params).fetchall())
        return [depth_from_row(r) for r in rows]

    async def counters(self) -> JobCounters:
        def read(conn: sqlite3.Connection) -> JobCounters:
            counts = conn.execute(Q["all_counters"]).fetchall()
            buckets = conn.execute(Q["all_duration_buckets"]).fetchall()
            return counters_from_rows(counts, buckets)

        result: JobCounters = await self.db.read(read)
        return result

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

    async def requeue(self, job_id: str, now: float) -> Job:
        def tx(conn: sqlite3.Connection) -> Job:
            current = self._existing(conn, job_id)
            if current["state"] not in RETRYABLE:
                raise InvalidTransition(job_id, current["state"], "retry")
            missing = current["cost"] - current["charged"]
            if missing > 0:
                book.charge(conn, current, missing, self.initial_credits, now)
            row = conn.execute(Q["requeue_finished"], {"id": job_id, "now": now}).fetchone()
            book.count(conn, row, Counter.REQUEUED)
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

    async def delete(self, job_id: str, now: float) -> Job:
        def tx(conn: sqlite3.Connection) -> Job:
            row = conn.execute(Q["cancel_waiting"], {"id": job_id, "now": now}).fetchone()
            if row is not None:
                self._end_cancelled(conn, row, now)
            deleted = conn.execute(Q["delete_finished_job"], {"id": job_id}).fetchone()
            if deleted is None:
                current = self._existing(conn, job_id)
                raise InvalidTransition(job_id, current["state"], "delete")
            conn.execute(Q["delete_tags"], {"id": job_id})
            return job_from_row(deleted)

        result: Job = await self._write(tx)
        return result

    async def set_paused(self, queue: str, paused: bool) -> None:
        await self._write(
            lambda c: c.execute(Q["set_paused"], {"name": queue, "paused": int(paused)})
        )

    async def clean(self, queue: str, states: Sequence[JobState], finished_before: float) -> int:
        removed = 0
        for state in states:
            params = {"queue": queue, "state": state.value, "before": finished_before}
            removed += await self._delete_in_batches("delete_finished_before", params)
        return removed

    async def _delete_in_batches(self, query: str, params: dict[str, Any]) -> int:
        """Delete finished jobs a batch per transaction, so no write holds the file for long."""

        def tx(conn: sqlite3.Connection) -> int:
            ids = [r[0] for r in conn.execute(Q[query], {**params, "batch": DELETE_BATCH})]
            conn.executemany(Q["delete_tags"], [{"id": job_id} for job_id in ids])
            return len(ids)

        removed = 0
        for _ in range(MAX_BATCHES):
            deleted: int = await self.db.write(tx)
            removed += deleted
            if deleted < DELETE_BATCH:
                break
        return removed

    async def apply_retention(
        self, retention: dict[str, Retention], default: Retention, now: float
    ) -> int:
        queues = await self.db.read(lambda c: [r[0] for r in c.execute(Q["all_queues"])])
        removed = 0
        for queue in queues:
            policy = retention.get(queue, default)
            before = now - policy.max_age_seconds
            removed += await self.clean(queue, sorted(FINAL_STATES), before)
            if policy.max_count is not None:
                params = {"queue": queue, "keep": policy.max_count}
                removed += await self._delete_in_batches("delete_beyond_count", params)
        await self.db.write(lambda c: self._trim_bookkeeping(c, now))
        return removed

    @staticmethod
    def _trim_bookkeeping(conn: sqlite3.Connection, now: float) -> None:
        for group in conn.execute(Q["duration_groups"]).fetchall():
            params = {"queue": group[0], "type": group[1], "keep": book.DURATION_SAMPLES_KEPT}
            conn.execute(Q["trim_durations"], params)
        conn.execute(Q["forget_workers"], {"before": now - DEAD_WORKER_SECONDS})
        conn.execute(Q["trim_depth"], {"before": now - DEPTH_SECONDS})

    async def empty(self, queue: str, now: float) -> int:
        """Cancel and refund every waiting job of the queue, a batch per transaction."""

        def tx(conn: sqlite3.Connection) -> int:
            params = {"queue": queue, "batch": DELETE_BATCH}
            ids = [r[0] for r in conn.execute(Q["waiting_in_queue"], params)]
            for job_id in ids:
                row = conn.execute(Q["cancel_waiting"], {"id": job_id, "now": now}).fetchone()
                self._end_cancelled(conn, row, now)
            return len(ids)

        cancelled = 0
        for _ in range(MAX_BATCHES):
            batch: int = await self._write(tx)
            cancelled += batch
            if batch < DELETE_BATCH:
                break
        return cancelled
