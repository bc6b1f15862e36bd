"""Mapping SQLite rows to the engine's records."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from genqueue.engine.events import Event, EventKind
from genqueue.engine.job import Job, JobState, Progress
from genqueue.engine.records import Record
from genqueue.engine.store import (
    DepthSample,
    LedgerEntry,
    LedgerKind,
    MinuteStats,
    NewJob,
    WorkerInfo,
)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _loads_or_none(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def job_from_row(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        queue=row["queue"],
        type=row["type"],
        owner=row["owner"],
        state=JobState(row["state"]),
        data=json.loads(row["data"]),
        tags=json.loads(row["tags"]),
        priority=row["priority"],
        progress=Progress.from_dict(_loads_or_none(row["progress"])),
        partial_results=json.loads(row["partial_results"]),
        result=_loads_or_none(row["result"]),
        failed_reason=row["failed_reason"],
        stacktrace=row["stacktrace"],
        attempts_made=row["attempts_made"],
        max_attempts=row["max_attempts"],
        stalled_count=row["stalled_count"],
        cost=row["cost"],
        charged=row["charged"],
        run_at=row["run_at"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        completed_at=row["completed_at"],
        cancel_requested=bool(row["cancel_requested"]),
        idempotency_key=row["idempotency_key"],
        worker_id=row["worker_id"],
    )


def new_job_params(job: NewJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "queue": job.queue,
        "type": job.type,
        "owner": job.owner,
        "state": job.state.value,
        "priority": job.priority,
        "run_at": job.run_at,
        "data": dumps(job.data),
        "tags": dumps(job.tags),
        "max_attempts": job.max_attempts,
        "cost": job.cost,
        "idempotency_key": job.idempotency_key,
        "request_hash": job.request_hash,
        "created_at": job.created_at,
    }


def event_from_row(row: sqlite3.Row) -> Event:
    return Event(
        id=str(row["id"]),
        kind=EventKind(row["kind"]),
        job_id=row["job_id"],
        queue=row["queue"],
        type=row["type"],
        owner=row["owner"],
        at=row["at"],
        data=json.loads(row["data"]),
    )


def worker_from_row(row: sqlite3.Row) -> WorkerInfo:
    return WorkerInfo(
        id=row["id"],
        host=row["host"],
        pid=row["pid"],
        queues=json.loads(row["queues"]),
        concurrency=row["concurrency"],
        running=row["running"],
        started_at=row["started_at"],
        heartbeat_at=row["heartbeat_at"],
    )


def ledger_from_row(row: sqlite3.Row) -> LedgerEntry:
    return LedgerEntry(
        id=row["id"],
        owner=row["owner"],
        kind=LedgerKind(row["kind"]),
        amount=row["amount"],
        balance=row["balance"],
        job_id=row["job_id"],
        at=row["at"],
        note=row["note"],
    )


def stats_from_row(row: sqlite3.Row) -> MinuteStats:
    return MinuteStats(
        queue=row["queue"],
        type=row["type"],
        minute=row["minute"],
        completed=row["completed"],
        failed=row["failed"],
        duration_sum=row["duration_sum"],
        duration_max=row["duration_max"],
    )


def depth_from_row(row: sqlite3.Row) -> DepthSample:
    return DepthSample(
        queue=row["queue"],
        minute=int(row["minute"]),
        waiting=int(row["waiting"]),
        active=int(row["active"]),
        delayed=int(row["delayed"]),
    )


def record_from_row(row: sqlite3.Row) -> Record:
    return Record(
        kind=row["kind"],
        id=row["id"],
        owner=row["owner"],
        data=json.loads(row["data"]),
        index=json.loads(row["idx"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
