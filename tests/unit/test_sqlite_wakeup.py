"""The SQLite store's wake channel: an enqueue in one process wakes idle workers in others."""

from __future__ import annotations

import socket
import tempfile
import time
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


async def test_an_enqueue_elsewhere_wakes_a_waiting_worker_without_polling(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "wake.db")
    # Polling every 5 s: only the wake channel can end this wait early.
    waiting = SqliteStore(path, poll_interval=5.0, max_poll_interval=5.0)
    producer = SqliteStore(path)
    await waiting.setup()
    await producer.setup()
    try:
        await waiting.wait_for_work(0.01)  # starts listening
        await Engine(producer, catalog()).submit("alice", "t")
        started = time.monotonic()
        await waiting.wait_for_work(3.0)
        assert time.monotonic() - started < 0.5
    finally:
        await waiting.close()
        await producer.close()


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
    path = str(tmp_path / "poll.db")
    waiting, producer = SqliteStore(path), SqliteStore(path)
    await waiting.setup()
    await producer.setup()
    try:
        await waiting.wait_for_work(0.01)
        assert not waiting._wake.listening
        assert await Engine(waiting, catalog()).claim("w", ["q"], 1) == []  # as a worker does
        await Engine(producer, catalog()).submit("alice", "t")
        started = time.monotonic()
        await waiting.wait_for_work(3.0)
        assert time.monotonic() - started < 0.5
    finally:
        await waiting.close()
        await producer.close()
