"""Three processes put the same records at once: each record lands once, with exactly the
index entries of its last version, on every store."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from genqueue.engine.records import RecordQuery
from genqueue.stores import open_store
from tests.redis_support import delete_prefix, new_prefix, store_url

from .record_writer import OWN, ROUNDS, SHARED, SLOTS

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
WRITERS = 3
FINISH_SECONDS = 90


@pytest.fixture(params=["sqlite", "redis"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'records.db'}"
        return
    base = request.getfixturevalue("redis_url")
    prefix = new_prefix()
    yield store_url(base, prefix)
    delete_prefix(base, prefix)


def race(url: str) -> list[tuple[float, float]]:
    """Start the writers, let them all get ready, then release them together; returns when
    each one started and finished putting."""
    command = [sys.executable, "-m", "tests.integration.record_writer", url]
    writers = [
        subprocess.Popen(
            [*command, str(n)],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(WRITERS)
    ]
    try:
        for writer in writers:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready"
        for writer in writers:
            assert writer.stdin is not None
            writer.stdin.write("go\n")
            writer.stdin.flush()
        spans = []
        for writer in writers:
            out, err = writer.communicate(timeout=FINISH_SECONDS)
            assert writer.returncode == 0, err
            word, started, finished = out.split()
            assert word == "done"
            spans.append((float(started), float(finished)))
        return spans
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
                writer.wait()


async def test_racing_processes_leave_every_record_indexed_once(url: str) -> None:
    spans = race(url)
    assert max(s for s, _ in spans) < min(f for _, f in spans), f"no overlap: {spans}"
    store = open_store(url)
    await store.setup()
    try:
        everything = await store.list_records(RecordQuery("media", limit=1000))
        ids = [r.id for r in everything.records]
        assert everything.total == len(ids) == len(set(ids)) == SHARED + WRITERS * OWN
        for group in ("shared", "own"):
            listed: list[str] = []
            for slot in range(SLOTS):
                query = RecordQuery("media", where={"group": group, "slot": f"s{slot}"}, limit=1000)
                page = await store.list_records(query)
                assert page.total == len(page.records)
                assert all(r.index["slot"] == f"s{slot}" for r in page.records)
                listed += [r.id for r in page.records]
            assert (
                len(listed) == len(set(listed)) == (SHARED if group == "shared" else WRITERS * OWN)
            )
        by_owner = [
            {
                r.id
                for r in (
                    await store.list_records(RecordQuery("media", owner=o, limit=1000))
                ).records
            }
            for o in ("owner0", "owner1")
        ]
        assert not by_owner[0] & by_owner[1]
        assert len(by_owner[0] | by_owner[1]) == everything.total
        for record in everything.records:
            assert (record.id in by_owner[0]) == (record.owner == "owner0")
            if record.id.startswith("shared-"):
                # Made in the first round, last replaced in the tenth by one of the writers.
                assert (record.created_at, record.updated_at) == (1000.0, 1009.0)
                assert record.data["step"] == ROUNDS - 1
    finally:
        await store.close()
