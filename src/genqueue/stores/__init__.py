"""Stores, chosen by URL scheme; each is imported only when its scheme is used."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from genqueue.engine.store import Store

SQLITE_PREFIX = "sqlite:///"


def sqlite_path(url: str) -> str:
    """`sqlite:///genqueue.db` is relative to the working directory; `sqlite:////a.db` absolute."""
    rest = url[len(SQLITE_PREFIX) :]
    return rest.split("?", 1)[0]


REDIS_SCHEMES = ("redis", "rediss", "redis+cluster", "rediss+cluster")


def open_store(url: str, *, initial_credits: int = 100, redis_prefix: str = "genqueue") -> Store:
    """The store for `url` (not yet set up: call `await store.setup()`).

    Redis URLs: `redis://host:port/db`, `rediss://` (TLS), `redis+cluster://host:port` (any
    node of a Redis Cluster); `?prefix=NAME` overrides `redis_prefix`.
    """
    options = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
    if url.startswith(SQLITE_PREFIX):
        from genqueue.stores.sqlite import SqliteStore

        path = sqlite_path(url)
        if not path:
            raise ValueError("a SQLite store URL names a file: sqlite:///path/to/file.db")
        return SqliteStore(
            path,
            synchronous=options.get("synchronous", "NORMAL"),
            initial_credits=initial_credits,
            poll_interval=float(options.get("poll_ms", "1")) / 1000.0,
            max_poll_interval=float(options.get("max_poll_ms", "8")) / 1000.0,
        )
    scheme = urlsplit(url).scheme
    if scheme in REDIS_SCHEMES:
        from genqueue.stores.redis import RedisStore

        return RedisStore(url, prefix=redis_prefix, initial_credits=initial_credits)
    raise ValueError(
        f"unsupported store URL scheme {scheme!r}: use sqlite:///path/to/file.db or redis://host:port/0"
    )
