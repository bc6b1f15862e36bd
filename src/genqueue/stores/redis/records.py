"""Domain records on Redis: a hash per record, sorted sets for listings, Lua for writes.

A put or delete changes the record and every set that lists it in one script, so a
listing never shows a record under an index value it no longer has. Key layout: keys.py.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import replace
from typing import Any, ParamSpec, TypeVar

from redis.exceptions import ResponseError

from genqueue.engine.errors import RecordNotFound, StoreUnavailable
from genqueue.engine.records import Record, RecordPage, RecordQuery
from genqueue.stores import record_checks as checks
from genqueue.stores.redis.base import RedisBase
from genqueue.stores.redis.codec import fields, record_from_hash
from genqueue.stores.redis.connection import at_edge

P = ParamSpec("P")
R = TypeVar("R")


def at_record_edge(
    method: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """`at_edge`, and an error reply also becomes `StoreUnavailable`: with the input checked
    first, one means keys of the store were written by something else (WRONGTYPE, say),
    which the caller cannot fix."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except ResponseError as exc:
            raise StoreUnavailable(f"redis: {type(exc).__name__}: {exc}") from exc

    return at_edge(wrapper)


class Records(RedisBase):
    @at_record_edge
    async def put_record(self, record: Record, now: float) -> Record:
        data, index = checks.check_record(record)
        args = [record.kind, record.id, record.owner, data]
        for name, value in index.items():
            args += [name, value]
        key = self.keys.record(record.kind, record.id)
        created_at = await self._run("put_record", key, now, *args)
        return replace(
            record,
            data=json.loads(data),
            index=index,
            created_at=float(created_at),
            updated_at=float(now),
        )

    @at_record_edge
    async def get_record(self, kind: str, record_id: str) -> Record:
        checks.check_key(kind, record_id)
        h = await self.redis.hgetall(self.keys.record(kind, record_id))
        if not h:
            raise RecordNotFound(kind, record_id)
        return record_from_hash(h)

    @at_record_edge
    async def get_records(self, kind: str, record_ids: Sequence[str]) -> list[Record]:
        checks.check_ids(kind, record_ids)
        if not record_ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for record_id in record_ids:
                pipe.hgetall(self.keys.record(kind, record_id))
            hashes = await pipe.execute()
        return [record_from_hash(h) for h in hashes if h]

    @at_record_edge
    async def list_records(self, query: RecordQuery) -> RecordPage:
        checks.check_query(query)
        args = [query.kind, query.owner or "", str(query.limit), str(query.skip)]
        for name, value in sorted(query.where.items()):
            args += [name, value]
        key = self.keys.records(query.kind)
        total, page = await self._run("list_records", key, 0.0, *args)
        return RecordPage([record_from_hash(fields(flat)) for flat in page], int(total))

    @at_record_edge
    async def delete_record(self, kind: str, record_id: str) -> bool:
        checks.check_key(kind, record_id)
        key = self.keys.record(kind, record_id)
        return bool(await self._run("delete_record", key, 0.0, kind, record_id))
