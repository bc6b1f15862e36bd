"""The core transitions on a three-master Redis Cluster that this module starts on loopback.

Every key of a store shares one hash tag, so each script runs on the one primary that owns
the store's slot; these tests check that the client routes every call there.
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from genqueue.engine.engine import Engine
from genqueue.engine.events import EventKind
from genqueue.engine.job import JobState, Progress
from genqueue.engine.records import Record, RecordQuery
from genqueue.engine.store import Completion, ListQuery, ProgressUpdate
from genqueue.stores.redis import RedisStore
from tests.contract.conftest import INITIAL_CREDITS, LEASE, FakeClock, engine_on
from tests.redis_support import new_prefix, start_server, stop_server, unavailable

MASTERS = 3
READY_SECONDS = 30.0


def _cluster_port() -> int:
    """A free port whose cluster bus port (10,000 higher, so at most 65,535) is free too."""
    for _ in range(100):
        port = random.randint(20_000, 55_000)
        try:
            for candidate in (port, port + 10_000):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port pair for a cluster node")


def _cluster_ready(port: int) -> bool:
    info = subprocess.run(
        ["redis-cli", "-p", str(port), "cluster", "info"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return "cluster_state:ok" in info


@pytest.fixture(scope="module")
def cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        unavailable("redis-server and redis-cli are needed to start a Redis Cluster")
    root = tmp_path_factory.mktemp("cluster")
    nodes = []
    try:
        for i in range(MASTERS):
            port = _cluster_port()
            node_dir = root / str(i)
            conf = node_dir / "nodes.conf"
            extra = ("--cluster-enabled", "yes", "--cluster-config-file", str(conf))
            nodes.append(start_server(node_dir, *extra, port=port))
        addresses = [f"127.0.0.1:{port}" for _, port in nodes]
        created = subprocess.run(
            [
                "redis-cli",
                "--cluster",
                "create",
                *addresses,
                "--cluster-replicas",
                "0",
                "--cluster-yes",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if created.returncode != 0:
            unavailable(f"redis-cli --cluster create failed: {created.stdout} {created.stderr}")
        deadline = time.monotonic() + READY_SECONDS
        while not all(_cluster_ready(port) for _, port in nodes):
            if time.monotonic() > deadline:
                unavailable("the Redis Cluster did not report cluster_state:ok in time")
            time.sleep(0.1)
        yield f"redis+cluster://{addresses[0]}/0"
    finally:
        for process, _ in nodes:
            stop_server(process)


@pytest.fixture
async def cluster_stores(cluster_url: str) -> AsyncIterator[tuple[RedisStore, RedisStore]]:
    prefix = new_prefix()
    stores = tuple(
        RedisStore(cluster_url, prefix=prefix, initial_credits=INITIAL_CREDITS) for _ in range(2)
    )
    for store in stores:
        await store.setup()
    yield stores[0], stores[1]
    for store in stores:
        await store.close()


@pytest.fixture
def engines(cluster_stores: tuple[RedisStore, RedisStore]) -> tuple[Engine, Engine, FakeClock]:
    clock = FakeClock()
    return engine_on(cluster_stores[0], clock, 1), engine_on(cluster_stores[1], clock, 2), clock


def test_the_store_is_served_by_a_cluster(cluster_url: str) -> None:
    port = cluster_url.rsplit(":", 1)[1].split("/")[0]
    nodes = subprocess.run(
        ["redis-cli", "-p", port, "cluster", "nodes"], capture_output=True, text=True, check=True
    ).stdout
    assert sum("master" in line for line in nodes.splitlines()) == MASTERS


async def test_submit_claim_progress_complete(engines: tuple[Engine, Engine, FakeClock]) -> None:
    api, worker, _ = engines
    first = await api.submit("alice", "paid", {"n": 1}, idempotency_key="k", tags={"c": "1"})
    again = await api.submit("alice", "paid", {"n": 1}, idempotency_key="k", tags={"c": "1"})
    assert (first.created, again.created, again.job.id) == (True, False, first.job.id)
    assert await api.store.balance("alice") == INITIAL_CREDITS - 2
    [claimed] = await worker.claim("w", ["q"], 5)
    assert await worker.report_progress([ProgressUpdate(claimed.lease, Progress(50))]) == set()
    assert await worker.complete([Completion(claimed.lease, {"ok": True})]) == set()
    job = await api.get(first.job.id)
    assert (job.state, job.result, job.progress.percentage) == (
        JobState.COMPLETED,
        {"ok": True},
        100,
    )
    page = await api.list_jobs(ListQuery(owner="alice", tags={"c": "1"}))
    assert [j.id for j in page.jobs] == [first.job.id]
    kinds = [e.kind for e in await api.events_after(None)]
    assert kinds == [EventKind.CREATED, EventKind.ACTIVE, EventKind.PROGRESS, EventKind.COMPLETED]


async def test_fail_retry_cancel_and_stall_recovery(
    engines: tuple[Engine, Engine, FakeClock],
) -> None:
    api, worker, clock = engines
    failing = (await api.submit("alice", "paid")).job
    [claimed] = await worker.claim("w", ["q"], 1)
    retried = await worker.fail_attempt(claimed, "boom", None)
    assert retried.state is JobState.DELAYED
    clock.advance(2)
    [claimed] = await worker.claim("w", ["q"], 1)
    assert claimed.job.id == failing.id
    clock.advance(LEASE + 1)
    [stalled] = await api.recover_stalled()
    assert (stalled.state, stalled.stalled_count) == (JobState.PENDING, 1)
    [claimed] = await worker.claim("w", ["q"], 1)
    assert (await api.cancel(claimed.job.id)).cancel_requested
    assert await worker.cancel_requests([claimed.job.id]) == {claimed.job.id}
    assert (await worker.confirm_cancel(claimed.lease)).state is JobState.CANCELLED
    assert await api.store.balance("alice") == INITIAL_CREDITS
    waiting = (await api.submit("bob", "t")).job
    assert (await api.cancel(waiting.id)).state is JobState.CANCELLED
    mark = (await api.events_after(None))[-1].id
    late = (await api.submit("bob", "t")).job
    assert [e.job_id for e in await worker.events_after(mark)] == [late.id]


async def test_records_on_a_cluster(cluster_stores: tuple[RedisStore, RedisStore]) -> None:
    writer, reader = cluster_stores
    for i in range(3):
        index = {"characterId": "c1" if i < 2 else "c2"}
        await writer.put_record(Record("media", f"m{i}", "alice", {"i": i}, index), 100.0 + i)
    assert (await reader.get_record("media", "m1")).data == {"i": 1}
    assert [r.id for r in await reader.get_records("media", ["m2", "m0"])] == ["m2", "m0"]
    page = await reader.list_records(
        RecordQuery("media", owner="alice", where={"characterId": "c1"})
    )
    assert (page.total, [r.id for r in page.records]) == (2, ["m1", "m0"])
    assert await reader.delete_record("media", "m0")
    assert (await writer.list_records(RecordQuery("media"))).total == 2
