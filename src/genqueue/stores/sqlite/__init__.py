"""The embedded SQLite store."""

from genqueue.stores.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
