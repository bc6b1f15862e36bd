"""What every transition writes besides the job row: events, statistics, counters, credits.

Each helper runs inside the caller's open write transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from genqueue.engine.counters import Counter, duration_bucket
from genqueue.engine.errors import InsufficientCredits
from genqueue.engine.events import EventKind
from genqueue.engine.store import LedgerKind
from genqueue.stores.sqlite.database import load_queries
from genqueue.stores.sqlite.rows import dumps

Q = load_queries()
DURATION_SAMPLES_KEPT = 1000


def record_event(
    conn: sqlite3.Connection,
    kind: EventKind,
    job: sqlite3.Row | dict[str, Any],
    now: float,
    data: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        Q["insert_event"],
        {
            "kind": kind.value,
            "job_id": job["id"],
            "queue": job["queue"],
            "type": job["type"],
            "owner": job["owner"],
            "at": now,
            "data": dumps(data or {}),
        },
    )


def count(
    conn: sqlite3.Connection, job: sqlite3.Row | Mapping[str, Any], name: Counter, amount: int = 1
) -> None:
    """Add `amount` to one of the job's queue and type's cumulative counters."""
    params = {"queue": job["queue"], "type": job["type"], "name": name.value, "amount": amount}
    conn.execute(Q["add_counter"], params)


def record_finish(conn: sqlite3.Connection, job: sqlite3.Row, completed: bool, now: float) -> None:
    """Per-minute throughput, the cumulative run-time histogram, and the duration sample
    that wait estimates are made from."""
    started = job["started_at"]
    duration = max(now - started, 0.0) if started is not None else 0.0
    conn.execute(
        Q["add_duration_bucket"],
        {
            "queue": job["queue"],
            "type": job["type"],
            "state": "completed" if completed else "failed",
            "bucket": duration_bucket(duration),
            "duration": duration,
        },
    )
    conn.execute(
        Q["add_minute_stats"],
        {
            "queue": job["queue"],
            "type": job["type"],
            "minute": int(now // 60) * 60,
            "completed": int(completed),
            "failed": int(not completed),
            "duration": duration,
        },
    )
    if completed:
        conn.execute(
            Q["insert_duration"],
            {"queue": job["queue"], "type": job["type"], "at": now, "duration": duration},
        )


def account_balance(conn: sqlite3.Connection, owner: str, initial: int, now: float) -> int:
    """The owner's balance, opening the account with its initial grant on first use."""
    row = conn.execute(Q["get_account"], {"owner": owner}).fetchone()
    if row is not None:
        return int(row[0])
    conn.execute(Q["open_account"], {"owner": owner, "balance": initial})
    _ledger(conn, owner, LedgerKind.GRANT, initial, initial, None, now, "initial credits")
    return initial


def charge(
    conn: sqlite3.Connection,
    job: sqlite3.Row | Mapping[str, Any],
    amount: int,
    initial: int,
    now: float,
) -> None:
    """Take `amount` from the job's owner for the job (its id, owner, queue and type)."""
    owner = job["owner"]
    balance = account_balance(conn, owner, initial, now)
    if balance < amount:
        raise InsufficientCredits(owner, balance, amount)
    conn.execute(Q["set_balance"], {"owner": owner, "balance": balance - amount})
    _ledger(conn, owner, LedgerKind.CHARGE, -amount, balance - amount, job["id"], now, None)
    count(conn, job, Counter.CHARGED, amount)


def refund(conn: sqlite3.Connection, job: sqlite3.Row, initial: int, now: float) -> None:
    """Give back what the job holds, exactly once: `charged` drops to 0 in the same step."""
    amount = int(job["charged"])
    if amount <= 0:
        return
    conn.execute(Q["clear_charge"], {"id": job["id"]})
    balance = account_balance(conn, job["owner"], initial, now) + amount
    conn.execute(Q["set_balance"], {"owner": job["owner"], "balance": balance})
    _ledger(conn, job["owner"], LedgerKind.REFUND, amount, balance, job["id"], now, None)
    count(conn, job, Counter.REFUNDED, amount)


def grant(
    conn: sqlite3.Connection, owner: str, amount: int, note: str | None, initial: int, now: float
) -> int:
    """Add (or with a negative amount take) credits; a balance never goes below 0."""
    balance = account_balance(conn, owner, initial, now)
    new_balance = max(balance + amount, 0)
    conn.execute(Q["set_balance"], {"owner": owner, "balance": new_balance})
    _ledger(conn, owner, LedgerKind.GRANT, new_balance - balance, new_balance, None, now, note)
    return new_balance


def _ledger(
    conn: sqlite3.Connection,
    owner: str,
    kind: LedgerKind,
    amount: int,
    balance: int,
    job_id: str | None,
    now: float,
    note: str | None,
) -> None:
    conn.execute(
        Q["insert_ledger"],
        {
            "owner": owner,
            "kind": kind.value,
            "amount": amount,
            "balance": balance,
            "job_id": job_id,
            "at": now,
            "note": note,
        },
    )
