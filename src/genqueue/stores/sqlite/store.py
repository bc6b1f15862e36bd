"""The embedded store: every transition one short `BEGIN IMMEDIATE` transaction on one file."""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from genqueue.engine.errors import IdempotencyConflict, InvalidJobRequest
from genqueue.engine.events import Event, EventKind
from genqueue.engine.store import (
    Enqueued,
    LedgerEntry,
    NewJob,
    WorkerInfo,
)
from genqueue.stores.sqlite import bookkeeping as book
from genqueue.stores.sqlite.operations import Operations
from genqueue.stores.sqlite.records import Records
from genqueue.stores.sqlite.rows import (
    dumps,
    event_from_row,
    job_from_row,
    ledger_from_row,
    new_job_params,
    worker_from_row,
)
from genqueue.stores.sqlite.worker_path import WorkerPath

Q = book.Q
MIN_RETRY_SECONDS = 0.001
MAX_EVENT_ID_DIGITS = 18
"""A refused hit right at a window's end still waits a moment: a retry is always > 0."""


class SqliteStore(WorkerPath, Operations, Records):
    """One SQLite file in WAL mode, safe for many API and worker processes on one machine."""

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
            params = new_job_params(job)
            if job.cost > 0:
                book.charge(conn, params, job.cost, self.initial_credits, job.created_at)
            conn.execute(Q["insert_job"], params)
            if job.queue not in self._known_queues:
                conn.execute(Q["add_queue"], {"name": job.queue})
            for name, value in job.tags.items():
                conn.execute(Q["insert_tag"], {"job_id": job.id, "name": name, "value": value})
            book.record_event(conn, EventKind.CREATED, params, job.created_at)
            return Enqueued(job.as_job(), created=True)

        result: Enqueued = await self._write(tx)
        self._known_queues.add(job.queue)
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

    # -- rate limits ----------------------------------------------------------------

    async def throttle(self, key: str, limit: int, window_seconds: float, now: float) -> float:
        slot = math.floor(now / window_seconds)
        params = {"key": key, "slot": slot}
        hits: int = await self.db.write(lambda c: c.execute(Q["count_hit"], params).fetchone()[0])
        if hits <= limit:
            return 0.0
        return max((slot + 1) * window_seconds - now, MIN_RETRY_SECONDS)

    # -- the event feed -------------------------------------------------------------

    async def events_after(self, after: str | None, limit: int) -> list[Event]:
        params = {"after": _event_number(after), "limit": limit}
        rows = await self.db.read(lambda c: c.execute(Q["events_after"], params).fetchall())
        return [event_from_row(r) for r in rows]

    async def last_event_id(self) -> str:
        row = await self.db.read(lambda c: c.execute(Q["last_event"]).fetchone())
        return str(row[0])

    async def trim_events(self, keep: int) -> int:
        result: int = await self.db.write(
            lambda c: c.execute(Q["trim_events"], {"keep": max(keep, 1)}).rowcount
        )
        return result


def _event_number(after: str | None) -> int:
    """An event id of this store is a decimal SQLite integer; anything else is a client's error."""
    if not after:
        return 0
    if not (after.isascii() and after.isdigit() and len(after) <= MAX_EVENT_ID_DIGITS):
        raise InvalidJobRequest(f"not an event id of this store: {after[:40]!r}")
    return int(after)


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
