"""The rate limit's start log when claims commit out of clock order, as they do across processes.

Each claim's `now` is read by its engine before the store takes the write lock
(`Engine.claim`), so a process that waited for the lock commits a claim whose `now` is
earlier than that of claims already committed by other processes. Two connections to one
file, with explicit times, replay that interleaving deterministically; the real-process
version is `test_rate_limit_holds_across_two_processes`, which once saw 6 claims of a 5/s
queue within 0.99995 s before the store began stamping starts no earlier than the last.
"""

from __future__ import annotations

from pathlib import Path

from genqueue.engine.catalog import Catalog
from genqueue.engine.engine import Engine, EngineConfig
from genqueue.engine.policy import ClaimLimits, JobTypePolicy, QueuePolicy, RateLimit
from genqueue.stores.sqlite import SqliteStore

T = 1_800_000_000.0
RATE = RateLimit(5, 1.0)


async def test_a_claim_committed_late_keeps_the_window(tmp_path: Path) -> None:
    catalog = Catalog()
    catalog.add_queue(QueuePolicy("limited", rate_limit=RATE))
    catalog.add_type(JobTypePolicy("t", "limited"))
    path = str(tmp_path / "store.db")
    first, second = SqliteStore(path), SqliteStore(path)
    await first.setup()
    await second.setup()
    try:
        engine = Engine(first, catalog, EngineConfig(lease_seconds=60), clock=lambda: T - 10)
        for _ in range(20):
            await engine.submit("alice", "t")
        limits = [ClaimLimits("limited", RATE, None)]
        plan = [
            # Process A, window 1: five starts.
            (first, 1, T),
            (first, 4, T + 0.001),
            # Process A, window 2, in clock order: the first start has aged out, then all five.
            (first, 1, T + 1.0005),
            (first, 3, T + 1.002),
            # Process B read its clock at T + 1.0003, then waited for A's two claims to commit.
            (second, 1, T + 1.0003),
        ]
        started: list[float] = []
        for store, count, now in plan:
            claimed = await store.claim("w", limits, count, 60.0, now)
            started += [c.job.started_at or 0.0 for c in claimed]
        started.sort()
        crowded = [
            (started[i], started[i + RATE.max_starts])
            for i in range(len(started) - RATE.max_starts)
            if started[i + RATE.max_starts] - started[i] < RATE.per_seconds
        ]
        assert not crowded, f"{RATE.max_starts + 1} starts within a second: {crowded}"
    finally:
        await first.close()
        await second.close()
