"""The Redis store's record keys: exact index sets, nothing left behind, errors at the edge."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis

from genqueue.engine.errors import StoreUnavailable
from genqueue.engine.records import Record, RecordQuery
from genqueue.stores.redis import RedisStore

T0 = 1_800_000_000.0


@pytest.fixture
async def store(redis_url: str, redis_prefix: str) -> AsyncIterator[RedisStore]:
    opened = RedisStore(redis_url, prefix=redis_prefix)
    await opened.setup()
    yield opened
    await opened.close()


def keys_of(redis_url: str, store: RedisStore) -> set[str]:
    with redis.Redis.from_url(redis_url, decode_responses=True) as admin:
        return set(admin.scan_iter(match=store.keys.pattern))


def character_media(record_id: str, character: str) -> Record:
    index = {"characterId": character, "type": "image"}
    return Record("media", record_id, "alice", {"characterId": character}, index)


async def test_a_replaced_index_value_leaves_no_set_behind(
    redis_url: str, store: RedisStore
) -> None:
    await store.put_record(character_media("m1", "c1"), T0)
    old = f"{store.keys.records('media')}:where:11:characterId=c1"
    assert old in keys_of(redis_url, store)
    await store.put_record(character_media("m1", "c2"), T0 + 1)
    left = keys_of(redis_url, store)
    assert old not in left
    assert f"{store.keys.records('media')}:where:11:characterId=c2" in left
    with redis.Redis.from_url(redis_url, decode_responses=True) as admin:
        fields = admin.hgetall(store.keys.record("media", "m1"))
    assert fields["i:characterId"] == "c2"
    assert (fields["created_at"], fields["updated_at"]) == (repr(T0), repr(T0 + 1))


async def test_deleting_every_record_leaves_no_key(redis_url: str, store: RedisStore) -> None:
    for i in range(5):
        await store.put_record(character_media(f"m{i}", f"c{i % 2}"), T0 + i)
    await store.put_record(Record("story", "s1", "bob", {"title": "t"}), T0)
    assert len(keys_of(redis_url, store)) > 6
    for i in range(5):
        assert await store.delete_record("media", f"m{i}")
    assert await store.delete_record("story", "s1")
    assert not {k for k in keys_of(redis_url, store) if ":rec:" in k or ":recs:" in k}


async def test_a_key_of_the_wrong_type_is_store_unavailable(
    redis_url: str, store: RedisStore
) -> None:
    """Something else wrote the record's key: every call answers StoreUnavailable, not a
    driver error."""
    with redis.Redis.from_url(redis_url) as admin:
        admin.set(store.keys.record("media", "m1"), "not a hash")
        admin.set(store.keys.records("media"), "not a set")
    with pytest.raises(StoreUnavailable):
        await store.put_record(character_media("m1", "c1"), T0)
    with pytest.raises(StoreUnavailable):
        await store.get_record("media", "m1")
    with pytest.raises(StoreUnavailable):
        await store.get_records("media", ["m1"])
    with pytest.raises(StoreUnavailable):
        await store.list_records(RecordQuery("media"))
    with pytest.raises(StoreUnavailable):
        await store.delete_record("media", "m1")


async def test_an_unreachable_server_is_store_unavailable() -> None:
    store = RedisStore("redis://127.0.0.1:1/0", prefix="unreachable")
    try:
        with pytest.raises(StoreUnavailable):
            await store.get_record("media", "m1")
        with pytest.raises(StoreUnavailable):
            await store.put_record(character_media("m1", "c1"), T0)
    finally:
        await store.close()
