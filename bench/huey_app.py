"""huey's side of the benchmark: a `SqliteHuey` with one task that stamps when it starts.

The harness enqueues `stamp(sent)` through `open_huey`; `bench.huey_worker` runs the
consumer, which registers the same task under the same name. Each stamp is kept in
memory (`STAMPS`) so the task stays a no-op, and written out when the consumer stops.
"""

from __future__ import annotations

import sqlite3
import time

from huey import SqliteHuey  # type: ignore[import-untyped]
from huey.api import TaskWrapper  # type: ignore[import-untyped]
from huey.storage import SqliteStorage  # type: ignore[import-untyped]

STAMPS: list[tuple[float, float]] = []
"""(sent, started) per task run in this process, in Unix seconds."""


class NormalSyncStorage(SqliteStorage):  # type: ignore[misc]
    """huey's SQLite storage at `synchronous=NORMAL`, which its `fsync` option cannot select."""

    def _create_connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection = super()._create_connection()
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn


def stamp(sent: float) -> None:
    """Do nothing but note when the task started next to when it was sent."""
    STAMPS.append((sent, time.time()))


def open_huey(path: str, *, normal_sync: bool = False) -> tuple[SqliteHuey, TaskWrapper]:
    """A `SqliteHuey` on `path` (its defaults, or synchronous=NORMAL) and its `stamp` task."""
    storage = {"storage_class": NormalSyncStorage} if normal_sync else {}
    huey = SqliteHuey("bench", filename=path, **storage)
    return huey, huey.task()(stamp)
