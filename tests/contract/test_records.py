"""Domain records: put, replace, get, list by owner and index fields, delete; on every store."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import pytest

from genqueue.engine.engine import Engine
from genqueue.engine.errors import InvalidJobRequest, JobNotFound, RecordNotFound
from genqueue.engine.job import JobState
from genqueue.engine.records import MAX_RECORD_INDEX, Record, RecordQuery
from genqueue.engine.store import Completion, Store

from .conftest import FakeClock, StoreOpener

T0 = 1_800_000_000.0


def media(
    record_id: str, owner: str = "alice", character: str = "c1", media_type: str = "image"
) -> Record:
    index = {"characterId": character, "type": media_type}
    return Record("media", record_id, owner, {"url": f"/assets/{record_id}", **index}, index)


async def ids_of(store: Store, query: RecordQuery) -> list[str]:
    return [r.id for r in (await store.list_records(query)).records]


async def test_put_sets_both_times_and_get_reads_it_back(store: Store) -> None:
    record = Record("character", "ch1", "alice", {"name": "Aria", "tags": [1, 2.5, None]})
    stored = await store.put_record(record, T0)
    assert (stored.created_at, stored.updated_at) == (T0, T0)
    assert stored.data == record.data
    got = await store.get_record("character", "ch1")
    assert got == stored
    assert got.index == {}


async def test_replace_keeps_created_at_and_replaces_data_and_index(store: Store) -> None:
    await store.put_record(media("m1", character="c1"), T0)
    replaced = await store.put_record(media("m1", character="c2", media_type="video"), T0 + 5)
    assert (replaced.created_at, replaced.updated_at) == (T0, T0 + 5)
    got = await store.get_record("media", "m1")
    assert got.data["characterId"] == "c2"
    assert got.index == {"characterId": "c2", "type": "video"}
    assert (got.created_at, got.updated_at) == (T0, T0 + 5)
    # The old index entries are gone: the record lists only under its new values.
    assert await ids_of(store, RecordQuery("media", where={"characterId": "c1"})) == []
    assert await ids_of(store, RecordQuery("media", where={"type": "image"})) == []
    assert await ids_of(store, RecordQuery("media", where={"characterId": "c2"})) == ["m1"]
    assert (await store.list_records(RecordQuery("media"))).total == 1


async def test_replace_with_another_owner_moves_the_record(store: Store) -> None:
    await store.put_record(media("m1", owner="alice"), T0)
    await store.put_record(media("m1", owner="bob"), T0 + 1)
    assert await ids_of(store, RecordQuery("media", owner="alice")) == []
    assert await ids_of(store, RecordQuery("media", owner="bob")) == ["m1"]
    where = {"characterId": "c1"}
    assert await ids_of(store, RecordQuery("media", owner="alice", where=where)) == []
    assert await ids_of(store, RecordQuery("media", owner="bob", where=where)) == ["m1"]


async def test_get_missing_raises_record_not_found(store: Store) -> None:
    with pytest.raises(RecordNotFound) as caught:
        await store.get_record("character", "nope")
    assert (caught.value.kind, caught.value.record_id) == ("character", "nope")
    await store.put_record(Record("character", "ch1", "alice", {}), T0)
    with pytest.raises(RecordNotFound):
        await store.get_record("story", "ch1")


async def test_get_records_keeps_the_order_asked_and_skips_missing(store: Store) -> None:
    for i, record_id in enumerate(("a", "b", "c")):
        await store.put_record(media(record_id), T0 + i)
    got = await store.get_records("media", ["c", "missing", "a", "b"])
    assert [r.id for r in got] == ["c", "a", "b"]
    assert got[0] == await store.get_record("media", "c")
    assert await store.get_records("media", []) == []
    assert await store.get_records("story", ["a", "b"]) == []


async def test_list_by_owner_newest_first_with_paging_and_total(store: Store) -> None:
    for i in range(7):
        await store.put_record(media(f"a{i}", owner="alice"), T0 + i)
    await store.put_record(media("b0", owner="bob"), T0 + 100)
    page = await store.list_records(RecordQuery("media", owner="alice", limit=3))
    assert page.total == 7
    assert [r.id for r in page.records] == ["a6", "a5", "a4"]
    page = await store.list_records(RecordQuery("media", owner="alice", limit=3, skip=6))
    assert (page.total, [r.id for r in page.records]) == (7, ["a0"])
    page = await store.list_records(RecordQuery("media", owner="alice", limit=3, skip=7))
    assert (page.total, page.records) == (7, [])
    everyone = await store.list_records(RecordQuery("media", limit=2))
    assert (everyone.total, [r.id for r in everyone.records]) == (8, ["b0", "a6"])
    assert (await store.list_records(RecordQuery("media", owner="carol"))).total == 0


async def test_records_made_at_the_same_time_list_by_id_descending(store: Store) -> None:
    for record_id in ("m-b", "m-c", "m-a"):
        await store.put_record(media(record_id), T0)
    await store.put_record(media("m-0"), T0 - 1)
    expected = ["m-c", "m-b", "m-a", "m-0"]
    assert await ids_of(store, RecordQuery("media")) == expected
    assert await ids_of(store, RecordQuery("media", owner="alice")) == expected
    assert await ids_of(store, RecordQuery("media", where={"characterId": "c1"})) == expected
    assert await ids_of(store, RecordQuery("media", limit=2, skip=1)) == expected[1:3]
    # Ties order by the ids' code points (their UTF-8 bytes), on every store alike.
    for record_id in ("z", "é", "ä", "日"):
        await store.put_record(media(record_id, owner="bob"), T0 + 50)
    assert await ids_of(store, RecordQuery("media", owner="bob")) == ["日", "é", "ä", "z"]


async def test_list_where_matches_every_field_and_the_owner(store: Store) -> None:
    await store.put_record(media("m1", character="c1", media_type="image"), T0)
    await store.put_record(media("m2", character="c1", media_type="video"), T0 + 1)
    await store.put_record(media("m3", character="c2", media_type="image"), T0 + 2)
    await store.put_record(media("m4", character="c1", media_type="image"), T0 + 3)
    await store.put_record(media("m5", owner="bob", character="c1"), T0 + 4)
    c1 = {"characterId": "c1"}
    assert await ids_of(store, RecordQuery("media", where=c1)) == ["m5", "m4", "m2", "m1"]
    assert await ids_of(store, RecordQuery("media", owner="alice", where=c1)) == [
        "m4",
        "m2",
        "m1",
    ]
    both = RecordQuery("media", owner="alice", where={**c1, "type": "image"})
    page = await store.list_records(both)
    assert (page.total, [r.id for r in page.records]) == (2, ["m4", "m1"])
    paged = await store.list_records(RecordQuery("media", where=c1, limit=2, skip=1))
    assert (paged.total, [r.id for r in paged.records]) == (4, ["m4", "m2"])
    # Bob has fewer records than c1 has media: a store may walk his instead, same answer.
    assert await ids_of(store, RecordQuery("media", owner="bob", where=c1)) == ["m5"]
    bob_videos = RecordQuery("media", owner="bob", where={**c1, "type": "video"})
    assert (await store.list_records(bob_videos)).total == 0
    # A field no record has, or a value none has, matches nothing.
    assert (await store.list_records(RecordQuery("media", where={"pose": "x"}))).total == 0
    none = RecordQuery("media", where={**c1, "type": "audio"})
    assert (await store.list_records(none)).total == 0


async def test_delete_removes_the_record_from_gets_and_listings(store: Store) -> None:
    await store.put_record(media("m1"), T0)
    await store.put_record(media("m2"), T0 + 1)
    assert await store.delete_record("media", "m1") is True
    assert await store.delete_record("media", "m1") is False
    with pytest.raises(RecordNotFound):
        await store.get_record("media", "m1")
    for query in (
        RecordQuery("media"),
        RecordQuery("media", owner="alice"),
        RecordQuery("media", where={"characterId": "c1"}),
        RecordQuery("media", owner="alice", where={"characterId": "c1", "type": "image"}),
    ):
        page = await store.list_records(query)
        assert (page.total, [r.id for r in page.records]) == (1, ["m2"])
    # A deleted record can be made again, as new.
    again = await store.put_record(media("m1"), T0 + 9)
    assert again.created_at == T0 + 9
    assert await ids_of(store, RecordQuery("media")) == ["m1", "m2"]


async def test_kinds_are_isolated(store: Store) -> None:
    index = {"characterId": "c1"}
    await store.put_record(Record("media", "x", "alice", {"k": "media"}, index), T0)
    await store.put_record(Record("story", "x", "alice", {"k": "story"}, index), T0 + 1)
    assert (await store.get_record("media", "x")).data == {"k": "media"}
    assert (await store.get_record("story", "x")).data == {"k": "story"}
    for kind in ("media", "story"):
        for query in (
            RecordQuery(kind),
            RecordQuery(kind, owner="alice"),
            RecordQuery(kind, where=index),
        ):
            page = await store.list_records(query)
            assert page.total == 1
            assert page.records[0].data == {"k": kind}
    assert await store.delete_record("story", "x") is True
    assert (await store.get_record("media", "x")).data == {"k": "media"}
    assert (await store.list_records(RecordQuery("story", where=index))).total == 0


async def test_separators_in_names_do_not_collide(store: Store) -> None:
    """Kinds, ids, owners and index fields may hold ':' or '='; none reads as another."""
    await store.put_record(Record("a:b", "c", "o:1", {"n": 1}, {"x=y": "z"}), T0)
    await store.put_record(Record("a", "b:c", "o", {"n": 2}, {"x": "y=z"}), T0 + 1)
    assert (await store.get_record("a:b", "c")).data == {"n": 1}
    assert (await store.get_record("a", "b:c")).data == {"n": 2}
    with pytest.raises(RecordNotFound):
        await store.get_record("a", "b")
    assert await ids_of(store, RecordQuery("a:b", where={"x=y": "z"})) == ["c"]
    assert await ids_of(store, RecordQuery("a:b", where={"x": "y=z"})) == []
    assert await ids_of(store, RecordQuery("a", where={"x": "y=z"})) == ["b:c"]
    assert await ids_of(store, RecordQuery("a", owner="o:1")) == []
    assert await ids_of(store, RecordQuery("a:b", owner="o:1")) == ["c"]


async def test_unicode_round_trips_everywhere(store: Store) -> None:
    record = Record(
        "персонаж",
        "ária-🐉-1",
        "usuário-é",
        {"name": "Ária 🐉", "text": '雪の日\n"quoted" \\ \u0000 end', "nested": {"ключ": ["ü"]}},
        {"стиль": "水彩 🎨", "empty": ""},
    )
    stored = await store.put_record(record, T0)
    got = await store.get_record("персонаж", "ária-🐉-1")
    assert got == stored
    assert got.data == record.data
    assert got.index == record.index
    query = RecordQuery("персонаж", owner="usuário-é", where={"стиль": "水彩 🎨", "empty": ""})
    assert await ids_of(store, query) == ["ária-🐉-1"]
    assert await ids_of(store, RecordQuery("персонаж", where={"стиль": "水彩"})) == []
    assert [r.id for r in await store.get_records("персонаж", ["ária-🐉-1"])] == ["ária-🐉-1"]
    assert await store.delete_record("персонаж", "ária-🐉-1") is True


def _record(**changes: Any) -> Record:
    fields: dict[str, Any] = {"kind": "media", "id": "m1", "owner": "alice", "data": {}}
    fields.update(changes)
    return Record(**fields)


BAD_RECORDS = {
    "empty kind": _record(kind=""),
    "long kind": _record(kind="k" * 201),
    "empty id": _record(id=""),
    "long id": _record(id="i" * 201),
    "lone surrogate id": _record(id="\ud800"),
    "empty owner": _record(owner=""),
    "data a list": _record(data=[1, 2]),
    "data a string": _record(data="text"),
    "data with a set": _record(data={"s": {1, 2}}),
    "data with NaN": _record(data={"x": float("nan")}),
    "data with int keys": _record(data={1: "a"}),
    "too many index fields": _record(index={f"f{i}": "v" for i in range(MAX_RECORD_INDEX + 1)}),
    "index value not a string": _record(index={"n": 1}),
    "index empty name": _record(index={"": "v"}),
    "index long value": _record(index={"n": "v" * 201}),
    "data too large": _record(data={"text": "x" * 1_000_001}),
}


@pytest.mark.parametrize("bad", BAD_RECORDS.values(), ids=BAD_RECORDS.keys())
async def test_bad_records_are_refused_before_the_store(store: Store, bad: Record) -> None:
    with pytest.raises(InvalidJobRequest):
        await store.put_record(bad, T0)
    assert (await store.list_records(RecordQuery("media"))).total == 0


async def test_a_full_index_is_accepted(store: Store) -> None:
    index = {f"f{i}": f"v{i}" for i in range(MAX_RECORD_INDEX)}
    await store.put_record(_record(index=index, data={"ok": True}), T0)
    where = {"f0": "v0", f"f{MAX_RECORD_INDEX - 1}": f"v{MAX_RECORD_INDEX - 1}"}
    assert await ids_of(store, RecordQuery("media", where=where)) == ["m1"]


BAD_QUERIES = {
    "limit 0": RecordQuery("media", limit=0),
    "limit 1001": RecordQuery("media", limit=1001),
    "negative skip": RecordQuery("media", skip=-1),
    "empty kind": RecordQuery(""),
    "empty owner": RecordQuery("media", owner=""),
    "where value not a string": RecordQuery("media", where={"n": 1}),  # type: ignore[dict-item]
    "too many where fields": RecordQuery(
        "media", where={f"f{i}": "v" for i in range(MAX_RECORD_INDEX + 1)}
    ),
}


@pytest.mark.parametrize("bad", BAD_QUERIES.values(), ids=BAD_QUERIES.keys())
async def test_bad_queries_are_refused(store: Store, bad: RecordQuery) -> None:
    with pytest.raises(InvalidJobRequest):
        await store.list_records(bad)


async def test_bad_keys_are_refused_on_every_call(store: Store) -> None:
    for kind, record_id in (("", "x"), ("media", ""), ("media", "i" * 201)):
        with pytest.raises(InvalidJobRequest):
            await store.get_record(kind, record_id)
        with pytest.raises(InvalidJobRequest):
            await store.delete_record(kind, record_id)
        with pytest.raises(InvalidJobRequest):
            await store.get_records(kind, [record_id])
    with pytest.raises(InvalidJobRequest):
        await store.get_records("media", "m1")
    with pytest.raises(InvalidJobRequest):
        await store.get_records("media", [f"m{i}" for i in range(1001)])


async def test_concurrent_puts_from_two_connections(open_store: StoreOpener) -> None:
    """Many writers at once: every record lands once, and a record replaced by racing
    writers ends with one consistent set of index entries."""
    first, second = await open_store(), await open_store()
    writes = []
    for i in range(40):
        target = first if i % 2 == 0 else second
        writes.append(target.put_record(media(f"m{i:02d}", character=f"c{i % 4}"), T0 + i))
    for i in range(20):
        target = first if i % 2 == 0 else second
        writes.append(target.put_record(media("shared", character=f"c{i % 4}"), T0 + 100 + i))
    await asyncio.gather(*writes)
    page = await first.list_records(RecordQuery("media", limit=1000))
    assert page.total == 41
    assert len({r.id for r in page.records}) == 41
    shared = await second.get_record("media", "shared")
    assert T0 + 100 <= shared.created_at <= shared.updated_at <= T0 + 119
    per_character = [
        set(await ids_of(first, RecordQuery("media", where={"characterId": f"c{n}"})))
        for n in range(4)
    ]
    holding_shared = [n for n, found in enumerate(per_character) if "shared" in found]
    assert holding_shared == [int(shared.index["characterId"][1:])]
    assert sum(len(found) for found in per_character) == 41


async def test_get_records_answers_a_repeated_id_each_time(store: Store) -> None:
    await store.put_record(media("a"), T0)
    await store.put_record(media("b"), T0 + 1)
    got = await store.get_records("media", ["b", "a", "b"])
    assert [r.id for r in got] == ["b", "a", "b"]


async def test_records_outlive_retention_and_cleaning(engine: Engine, clock: FakeClock) -> None:
    """Records live until deleted: the job retention that clears old jobs never touches them."""
    store = engine.store
    await store.put_record(media("m1"), clock.now)
    submitted = await engine.submit("alice", "s")
    [claimed] = await engine.claim("w", ["short"], 1)
    await engine.complete([Completion(claimed.lease, None)])
    clock.advance(365 * 86400)
    await engine.apply_retention()
    assert await engine.clean("q", [JobState.COMPLETED], older_than=0) == 0
    with pytest.raises(JobNotFound):
        await engine.get(submitted.job.id)
    assert (await store.get_record("media", "m1")).id == "m1"
    assert await ids_of(store, RecordQuery("media", where={"characterId": "c1"})) == ["m1"]


BULK = 10_000


async def _fill(store: Store, count: int, owner: str, character: str, start: float) -> None:
    """`count` media of one character, all in one album, put 500 at a time."""
    for first in range(0, count, 500):
        await asyncio.gather(
            *(
                store.put_record(
                    Record(
                        "media",
                        f"{character}-{i:05d}",
                        owner,
                        {"n": i},
                        {"album": "all", "characterId": character, "type": "image"},
                    ),
                    start + i,
                )
                for i in range(first, min(first + 500, count))
            )
        )


async def _median_seconds(store: Store, query: RecordQuery, runs: int = 15) -> float:
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        await store.list_records(query)
        took.append(time.perf_counter() - started)
    return statistics.median(took)


async def test_listing_by_a_field_stays_fast_among_10k_records(store: Store) -> None:
    """A listing by index fields walks its smallest filter only (a field's entries or the
    owner's records): 10k records of the same kind, owner and album do not slow it down (a
    scan of them would, by about a thousand times)."""
    await _fill(store, 10, "alice", "rare", T0)
    await _fill(store, 10, "bob", "bobs", T0)
    queries = [
        RecordQuery("media", owner="alice", where={"characterId": "rare"}),
        RecordQuery("media", where={"characterId": "rare"}, limit=5, skip=5),
        RecordQuery("media", owner="alice", where={"album": "all", "characterId": "rare"}),
        RecordQuery("media", owner="bob", where={"album": "all", "type": "image"}),
    ]
    alone = [await _median_seconds(store, q) for q in queries]
    await _fill(store, BULK, "alice", "common", T0 + 100)
    for query in queries:
        page = await store.list_records(query)
        assert page.total == 10
        assert len(page.records) == min(query.limit, page.total - query.skip)
        assert all(r.id.startswith(("rare-", "bobs-")) for r in page.records)
    among = [await _median_seconds(store, q) for q in queries]
    print(f"\nlisting by fields, 20 vs {BULK + 20} records (ms):", end=" ")
    print(", ".join(f"{a * 1e3:.2f} → {b * 1e3:.2f}" for a, b in zip(alone, among, strict=True)))
    for before, after in zip(alone, among, strict=True):
        assert after < 3 * before + 0.005
    newest = await store.list_records(RecordQuery("media", owner="alice", limit=20))
    assert newest.total == BULK + 10
    assert newest.records[0].id == f"common-{BULK - 1:05d}"
    album = await store.list_records(RecordQuery("media", where={"album": "all"}, skip=BULK))
    assert (album.total, len(album.records)) == (BULK + 20, 20)
