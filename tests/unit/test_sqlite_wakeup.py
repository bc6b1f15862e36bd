"""The SQLite store's wake channel: an enqueue in one process wakes idle workers in others."""

from __future__ import annotations

import socket
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from genqueue.engine.catalog import Catalog
from genqueue.engine.engine import Engine
from genqueue.engine.policy import JobTypePolicy
from genqueue.stores.sqlite import SqliteStore


def catalog() -> Catalog:
    catalog = Catalog()
    catalog.add_type(JobTypePolicy("t", "q"))
    return catalog


@asynccontextmanager
async def waiting_and_producer(
    path: Path, poll_seconds: float = 0.001
) -> AsyncIterator[tuple[SqliteStore, SqliteStore]]:
    """A worker's store and a producer's store on one file, both closed afterwards."""
    waiting = SqliteStore(str(path), poll_interval=poll_seconds, max_poll_interval=poll_seconds)
    producer = SqliteStore(str(path))
    await waiting.setup()
    await producer.setup()
    try:
        yield waiting, producer
    finally:
        await waiting.close()
        await producer.close()


async def woken_within(waiting: SqliteStore, producer: SqliteStore) -> float:
    """Submit through the producer; how long the waiting store takes to notice."""
    await Engine(producer, catalog()).submit("alice", "t")
    started = time.monotonic()
    await waiting.wait_for_work(3.0)
    return time.monotonic() - started


async def test_an_enqueue_elsewhere_wakes_a_waiting_worker_without_polling(
    tmp_path: Path,
) -> None:
    # Polling every 5 s: only the wake channel can end this wait early.
    async with waiting_and_producer(tmp_path / "wake.db", 5.0) as (waiting, producer):
        await waiting.wait_for_work(0.01)  # starts listening
        assert await woken_within(waiting, producer) < 0.5


async def test_sockets_of_dead_workers_are_swept_and_the_directory_goes(tmp_path: Path) -> None:
    path = str(tmp_path / "sweep.db")
    store = SqliteStore(path)
    await store.setup()
    await store.wait_for_work(0.01)
    directory = store._wake.directory
    dead = directory / "12345-deadbeef"
    orphan = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    orphan.bind(str(dead))
    orphan.close()  # bound, then gone: what a killed worker leaves behind
    producer = SqliteStore(path)
    await producer.setup()
    await Engine(producer, catalog()).submit("alice", "t")
    assert not dead.exists()
    await producer.close()
    await store.close()
    assert not directory.exists()


async def test_without_a_socket_a_worker_polls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / ("x" * 120)))
    async with waiting_and_producer(tmp_path / "poll.db") as (waiting, producer):
        await waiting.wait_for_work(0.01)
        assert not waiting._wake.listening
        assert await Engine(waiting, catalog()).claim("w", ["q"], 1) == []  # as a worker does
        assert await woken_within(waiting, producer) < 0.5
