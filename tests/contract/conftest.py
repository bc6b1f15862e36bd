"""The store contract suite: every test here runs unchanged against every store.

A store plugs in with one entry in `STORES`: a function that opens a fresh, empty
store and another that opens a second connection to the same one (for races).
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from genqueue.engine.catalog import Catalog
from genqueue.engine.engine import Engine, EngineConfig
from genqueue.engine.policy import Backoff, JobTypePolicy, QueuePolicy, RateLimit, Retention
from genqueue.engine.store import Store
from genqueue.stores.redis import RedisStore
from genqueue.stores.sqlite import SqliteStore
from tests.redis_support import delete_prefix, new_prefix

LEASE = 10.0
INITIAL_CREDITS = 10
COSTS = {"paid": 2}


class FakeClock:
    """Time that moves only when a test says so."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_catalog() -> Catalog:
    catalog = Catalog()
    for policy in (
        QueuePolicy("q", backoff=Backoff(base_seconds=2.0)),
        QueuePolicy("other"),
        QueuePolicy("capped", concurrency=2),
        QueuePolicy("limited", rate_limit=RateLimit(3, 1.0)),
        QueuePolicy("short", retention=Retention(max_age_seconds=60, max_count=2)),
        QueuePolicy("stally", max_stalls=2),
    ):
        catalog.add_queue(policy)
    for name, queue in (
        ("t", "q"),
        ("paid", "q"),
        ("o", "other"),
        ("c", "capped"),
        ("l", "limited"),
        ("s", "short"),
        ("st", "stally"),
    ):
        catalog.add_type(JobTypePolicy(name, queue))
    catalog.add_type(JobTypePolicy("once", "q", attempts=1))
    return catalog


StoreOpener = Callable[[], Awaitable[Store]]


async def _sqlite(path: Path) -> Store:
    store = SqliteStore(str(path), initial_credits=INITIAL_CREDITS)
    await store.setup()
    return store


async def _redis(url: str, prefix: str) -> Store:
    store = RedisStore(url, prefix=prefix, initial_credits=INITIAL_CREDITS)
    await store.setup()
    return store


@pytest.fixture(params=["sqlite", "redis"])
async def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreOpener]:
    """Opens connections to one fresh store; all are closed after the test."""
    opened: list[Store] = []
    path = tmp_path / "contract.db"
    redis_url = request.getfixturevalue("redis_url") if request.param == "redis" else ""
    prefix = new_prefix()

    async def opener() -> Store:
        store = await (_sqlite(path) if request.param == "sqlite" else _redis(redis_url, prefix))
        opened.append(store)
        return store

    yield opener
    for store in opened:
        await store.close()
    if redis_url:
        delete_prefix(redis_url, prefix)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def store(open_store: StoreOpener) -> Store:
    return await open_store()


def engine_on(store: Store, clock: FakeClock, node: int = 0) -> Engine:
    """An engine with the test catalog; `node` keeps ids of several engines apart."""
    counter = itertools.count(1)
    return Engine(
        store,
        make_catalog(),
        EngineConfig(lease_seconds=LEASE, costs=dict(COSTS)),
        clock=clock,
        new_id=lambda: f"00000000-0000-4000-8{node:03d}-{next(counter):012d}",
        rand=lambda: 0.5,
    )


@pytest.fixture
def engine(store: Store, clock: FakeClock) -> Engine:
    return engine_on(store, clock)
