"""Connecting to Redis (a server or a Cluster) and the store's error edge.

`redis://host:port/db` and `rediss://` name one server; `redis+cluster://host:port` and
`rediss+cluster://` name any node of a Redis Cluster. `?prefix=NAME` picks the key prefix.
The client reconnects by itself: a command that could not be sent (connection refused or
reset, a server still loading) is retried with exponential backoff for a couple of
seconds, then the store raises `StoreUnavailable` and its caller (the worker's loops, the
HTTP layer) decides what to do. A connection lost after a command went out is ambiguous:
the retry may run a script twice. The scripts are written for that: an enqueue of a job
id that exists returns that job, a completion or failure of a job that already moved on is
refused as a lost lease, and a claim sent twice leaves its first jobs to lease expiry.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from redis import exceptions as rx
from redis.asyncio import BlockingConnectionPool, Redis, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from genqueue.engine.errors import StoreUnavailable

SCHEMES = ("redis", "rediss", "redis+cluster", "rediss+cluster")
RETRIES = 6
"""Backoff 20 ms doubling to 1 s: about 2.5 s of retries before a call gives up."""
MAX_CONNECTIONS = 64
"""Per command client. Calls made together share a pipeline (see pipeliner.py), so a
process seldom needs more than a few; under a burst (1,000 concurrent HTTP requests) the
calls queue for a connection instead of opening hundreds, which made Redis and the client
slower for everyone."""
POOL_WAIT_SECONDS = 5.0
"""How long a call waits for a free connection before it fails as `StoreUnavailable`."""

UNAVAILABLE: tuple[type[BaseException], ...] = (
    rx.ConnectionError,
    rx.TimeoutError,
    rx.BusyLoadingError,
    rx.ReadOnlyError,
    rx.ClusterError,
    rx.ClusterDownError,
    rx.TryAgainError,
    rx.MasterDownError,
    rx.OutOfMemoryError,
    OSError,
)

P = ParamSpec("P")
R = TypeVar("R")


def at_edge(method: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Driver errors that mean "Redis cannot answer now" become `StoreUnavailable`."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except UNAVAILABLE as exc:
            raise StoreUnavailable(f"redis: {type(exc).__name__}: {exc}") from exc

    return wrapper


@dataclass(frozen=True, slots=True)
class Target:
    url: str
    """The URL as redis-py reads it (plain `redis://` or `rediss://`, no prefix option)."""
    cluster: bool
    prefix: str | None


def parse_url(url: str) -> Target:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"not a Redis URL: {url!r}")
    query = parse_qsl(parts.query)
    prefix = next((v for k, v in query if k == "prefix"), None)
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    scheme = parts.scheme.removesuffix("+cluster")
    plain = urlunsplit((scheme, parts.netloc, parts.path, rest, parts.fragment))
    return Target(plain, parts.scheme.endswith("+cluster"), prefix)


def _retry() -> Retry:
    return Retry(ExponentialBackoff(cap=1.0, base=0.02), RETRIES)


def connect(target: Target, *, blocking: bool = False) -> Redis | RedisCluster:
    """A client; `blocking` ones wait in BLPOP, so they have no socket read timeout and keep
    their own pool (a BLPOP holds its connection for as long as it waits)."""
    options: dict[str, Any] = {
        "decode_responses": True,
        "socket_connect_timeout": 2.0,
        "socket_timeout": None if blocking else 5.0,
        "retry": _retry(),
    }
    if target.cluster:
        return RedisCluster.from_url(target.url, **options)
    options["health_check_interval"] = 15
    # Not on timeouts: a script that timed out may have run, and must not run twice.
    options["retry_on_error"] = [rx.ConnectionError, rx.BusyLoadingError]
    if blocking:
        return Redis.from_url(target.url, **options)
    pool = BlockingConnectionPool.from_url(
        target.url, max_connections=MAX_CONNECTIONS, timeout=POOL_WAIT_SECONDS, **options
    )
    return Redis.from_pool(pool)


async def close(client: Redis | RedisCluster) -> None:
    await client.aclose()
