"""One SQLite connection driven from the event loop, with busy waits that never block it.

Statements run synchronously on the loop thread: a short WAL transaction costs
microseconds, far less than a hop to a thread. Contention is the only thing that can
stall, so the connection's own busy timeout is a few milliseconds and longer waits are
`asyncio.sleep` retries up to a deadline; `database is locked` never reaches a caller.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Callable
from importlib import resources
from typing import TypeVar

from genqueue.engine.errors import StoreUnavailable

T = TypeVar("T")

SYNCHRONOUS_MODES = ("OFF", "NORMAL", "FULL", "EXTRA")
_BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked")


class Rollback(Exception):
    """Raised inside a write to end it without committing and still return `value`."""

    def __init__(self, value: object) -> None:
        super().__init__()
        self.value = value


def load_queries(filename: str = "queries.sql") -> dict[str, str]:
    """The named queries of a `.sql` file of this package, each under a `-- name: x` header."""
    text = resources.files(__package__).joinpath(filename).read_text()
    queries: dict[str, str] = {}
    name: str | None = None
    for line in text.splitlines():
        if line.startswith("-- name:"):
            name = line.removeprefix("-- name:").strip()
            queries[name] = ""
        elif name is not None and not line.startswith("--"):
            queries[name] += line + "\n"
    return {k: v.strip().rstrip(";") for k, v in queries.items()}


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return any(m in str(exc) for m in _BUSY_MESSAGES)


class Database:
    def __init__(
        self,
        path: str,
        *,
        synchronous: str = "NORMAL",
        busy_deadline: float = 30.0,
        busy_timeout_ms: int = 5,
    ) -> None:
        if synchronous.upper() not in SYNCHRONOUS_MODES:
            raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS_MODES)}")
        self.path = path
        self.synchronous = synchronous.upper()
        self.busy_deadline = busy_deadline
        self.busy_timeout_ms = busy_timeout_ms
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailable("the SQLite store is not open")
        return self._conn

    async def open(self) -> None:
        if self._conn is not None:
            return
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot open {self.path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        self._conn = conn
        schema = resources.files(__package__).joinpath("schema.sql").read_text()

        def init(c: sqlite3.Connection) -> None:
            c.executescript(schema)

        await self._retry(lambda: self._configure(conn))
        await self._retry(lambda: init(conn))

    def _configure(self, conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {max(self.busy_timeout_ms, 1)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {self.synchronous}")
        conn.execute("PRAGMA temp_store = MEMORY")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap 'anything new?' check.

        A busy file answers -1, which reads as "something changed": the caller then goes
        through a retried transaction anyway.
        """
        try:
            row = self.conn.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return -1
        return int(row[0])

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in one `BEGIN IMMEDIATE` transaction; retried while the file is busy."""
        conn = self.conn

        def attempt() -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
            except Rollback as signal:
                self._rollback()
                return signal.value  # type: ignore[return-value]
            except BaseException:
                self._rollback()
                raise
            conn.execute("COMMIT")
            return result

        return await self._retry(attempt)

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in one read transaction, a consistent snapshot for several statements."""
        conn = self.conn

        def attempt() -> T:
            conn.execute("BEGIN")
            try:
                return fn(conn)
            finally:
                conn.execute("COMMIT")

        return await self._retry(attempt)

    def _rollback(self) -> None:
        """End a transaction a failed statement left open; if even that fails, the next
        `BEGIN` reports the connection's state through the same translation."""
        if self._conn is not None and self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    async def _retry(self, attempt: Callable[[], T]) -> T:
        deadline = time.monotonic() + self.busy_deadline
        pause = 0.0005
        while True:
            try:
                return attempt()
            except sqlite3.OperationalError as exc:
                self._rollback()
                if not _is_busy(exc):
                    raise StoreUnavailable(f"SQLite error: {exc}") from exc
                if time.monotonic() > deadline:
                    raise StoreUnavailable(f"SQLite stayed busy for {self.busy_deadline}s") from exc
            except sqlite3.DatabaseError as exc:
                raise StoreUnavailable(f"SQLite error: {exc}") from exc
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)
