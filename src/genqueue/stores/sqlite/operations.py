"""Reading jobs and steering them: listing, counts, cancel, retry, promote, clean, empty."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence

from genqueue.engine.errors import InvalidTransition, JobNotFound
from genqueue.engine.events import EventKind
from genqueue.engine.job import Job, JobState
from genqueue.engine.policy import Retention
from genqueue.engine.store import (
    ListQuery,
    MinuteStats,
    Page,
    QueueState,
    Requeue,
)
from genqueue.stores.sqlite import bookkeeping as book
from genqueue.stores.sqlite.base import SqliteBase
from genqueue.stores.sqlite.listing import list_jobs_sql
from genqueue.stores.sqlite.rows import (
    job_from_row,
    stats_from_row,
)

Q = book.Q
RETENTION_BATCH = 5000
DEAD_WORKER_SECONDS = 24 * 3600.0


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
