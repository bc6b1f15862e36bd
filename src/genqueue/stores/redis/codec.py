"""Mapping between the engine's records and what the Redis store keeps: hashes, JSON, strings."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from genqueue.engine.counters import BucketCell, JobCounters, collect
from genqueue.engine.errors import InvalidJobRequest
from genqueue.engine.events import Event, EventKind
from genqueue.engine.job import Job, JobState, Progress
from genqueue.engine.records import Record
from genqueue.engine.store import LedgerEntry, LedgerKind, MinuteStats, NewJob, WorkerInfo

_decode = json.JSONDecoder().decode
_encode = json.JSONEncoder(separators=(",", ":")).encode


def dumps(value: Any) -> str:
    return _encode(value)


def num(value: float) -> str:
    """A time or amount as a script argument: `repr` reads back as the same double."""
    return repr(float(value))


def fields(flat: list[str]) -> dict[str, str]:
    """HGETALL's flat [field, value, ...] as a dict."""
    it = iter(flat)
    return dict(zip(it, it, strict=True))


def _float_or_none(text: str | None) -> float | None:
    return None if text is None else float(text)


def job_from_hash(h: dict[str, str]) -> Job:
    state = JobState(h["state"])
    progress = Progress.from_dict(_decode(h["progress"])) if "progress" in h else Progress()
    if state is JobState.COMPLETED:
        progress = replace(progress, percentage=100.0)
    result = h.get("result")
    partial = h.get("partial_results")
    return Job(
        id=h["id"],
        queue=h["queue"],
        type=h["type"],
        owner=h["owner"],
        state=state,
        data=_decode(h["data"]),
        tags=_decode(h["tags"]),
        priority=int(h["priority"]),
        progress=progress,
        partial_results=_decode(partial) if partial else [],
        result=None if result is None else _decode(result),
        failed_reason=h.get("failed_reason"),
        stacktrace=h.get("stacktrace"),
        attempts_made=int(h["attempts_made"]),
        max_attempts=int(h["max_attempts"]),
        stalled_count=int(h["stalled_count"]),
        cost=int(h["cost"]),
        charged=int(h["charged"]),
        run_at=float(h["run_at"]),
        created_at=float(h["created_at"]),
        started_at=_float_or_none(h.get("started_at")),
        completed_at=_float_or_none(h.get("completed_at")),
        cancel_requested=h.get("cancel_requested") == "1",
        idempotency_key=h.get("idempotency_key"),
        worker_id=h.get("worker_id"),
    )


def job_from_flat(flat: list[str]) -> Job:
    return job_from_hash(fields(flat))


def enqueue_args(job: NewJob) -> list[str]:
    args = [
        job.id,
        job.queue,
        job.type,
        job.owner,
        job.state.value,
        str(job.priority),
        num(job.run_at),
        dumps(job.data),
        dumps(job.tags),
        str(job.max_attempts),
        str(job.cost),
        job.idempotency_key or "",
        job.request_hash or "",
        num(job.created_at),
    ]
    for name, value in job.tags.items():
        args += [name, value]
    return args


def event_id(stream_id: str) -> str:
    """Stream ids are `0-<n>`; the feed's opaque id is `<n>`."""
    return stream_id.partition("-")[2]


MAX_EVENT_ID_DIGITS = 19
"""Stream sequence numbers are 64-bit; 19 digits always fit."""


def stream_id(event: str) -> str:
    """The stream entry of an event id; an id this store cannot have made is a client's error."""
    if not (event.isascii() and event.isdigit() and len(event) <= MAX_EVENT_ID_DIGITS):
        raise InvalidJobRequest(f"not an event id of this store: {event[:40]!r}")
    return f"0-{int(event)}"


def event_from_entry(entry_id: str, f: dict[str, str]) -> Event:
    return Event(
        id=event_id(entry_id),
        kind=EventKind(f["k"]),
        job_id=f["j"],
        queue=f["q"],
        type=f["t"],
        owner=f["o"],
        at=float(f["a"]),
        data=_decode(f["d"]),
    )


def ledger_from_json(text: str) -> LedgerEntry:
    raw = _decode(text)
    return LedgerEntry(
        id=int(raw["id"]),
        owner=raw["owner"],
        kind=LedgerKind(raw["kind"]),
        amount=int(raw["amount"]),
        balance=int(raw["balance"]),
        job_id=raw.get("job"),
        at=float(raw["at"]),
        note=raw.get("note"),
    )


def worker_to_json(info: WorkerInfo) -> str:
    return dumps(
        {
            "id": info.id,
            "host": info.host,
            "pid": info.pid,
            "queues": info.queues,
            "concurrency": info.concurrency,
            "running": info.running,
            "startedAt": info.started_at,
            "heartbeatAt": info.heartbeat_at,
        }
    )


def worker_from_json(text: str) -> WorkerInfo:
    raw = _decode(text)
    return WorkerInfo(
        id=raw["id"],
        host=raw["host"],
        pid=int(raw["pid"]),
        queues=list(raw["queues"]),
        concurrency=int(raw["concurrency"]),
        running=int(raw["running"]),
        started_at=float(raw["startedAt"]),
        heartbeat_at=float(raw["heartbeatAt"]),
    )


def stats_from_hashes(
    minutes: list[tuple[int, dict[str, str]]], queue: str | None
) -> list[MinuteStats]:
    """Per-minute hashes (`c`/`f`/`s`/`m` + tab + queue + tab + type) as sorted records."""
    out: list[MinuteStats] = []
    for minute, h in minutes:
        groups: dict[tuple[str, str], dict[str, float]] = {}
        for name, value in h.items():
            kind, q, job_type = name.split("\t", 2)
            if queue is None or q == queue:
                groups.setdefault((q, job_type), {})[kind] = float(value)
        for (q, job_type), v in sorted(groups.items()):
            out.append(
                MinuteStats(
                    queue=q,
                    type=job_type,
                    minute=minute,
                    completed=int(v.get("c", 0)),
                    failed=int(v.get("f", 0)),
                    duration_sum=v.get("s", 0.0),
                    duration_max=v.get("m", 0.0),
                )
            )
    return out


INDEX_FIELD = "i:"
"""A record hash's index fields are `i:<name>` (see put_record.lua)."""


def record_from_hash(h: dict[str, str]) -> Record:
    return Record(
        kind=h["kind"],
        id=h["id"],
        owner=h["owner"],
        data=_decode(h["data"]),
        index={k.removeprefix(INDEX_FIELD): v for k, v in h.items() if k.startswith(INDEX_FIELD)},
        created_at=float(h["created_at"]),
        updated_at=float(h["updated_at"]),
    )


def counters_from_hash(h: dict[str, str]) -> JobCounters:
    """The {p}:counters hash (see keys.py) as `JobCounters`; malformed fields are skipped."""
    counts: list[tuple[str, str, str, int]] = []
    cells: dict[tuple[str, str, str, int], list[float]] = {}
    for field, value in h.items():
        parts = field.split("\t")
        if len(parts) != 3:
            continue
        name, queue, job_type = parts
        summed = name.startswith("sum:")
        kind, _, rest = name.removeprefix("sum:").partition(":")
        if kind != "duration":
            counts.append((queue, job_type, name, int(value)))
            continue
        state, _, bucket = rest.partition(":")
        if not bucket.isdigit():
            continue
        cell = cells.setdefault((queue, job_type, state, int(bucket)), [0.0, 0.0])
        cell[1 if summed else 0] = float(value)
    return collect(
        counts,
        (BucketCell(q, t, s, b, int(n), total) for (q, t, s, b), (n, total) in cells.items()),
    )
