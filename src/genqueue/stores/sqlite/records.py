"""Domain records on SQLite: a row per record, and a row per indexed field for listings.

Every query is in records.sql. A listing by `where` fields walks the `record_index`
entries of one field (or the owner's records, when fewer) newest first, so it reads the
records of its smallest filter only, not every record of the kind.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from genqueue.engine.errors import RecordNotFound
from genqueue.engine.records import Record, RecordPage, RecordQuery
from genqueue.stores import record_checks as checks
from genqueue.stores.sqlite.base import SqliteBase
from genqueue.stores.sqlite.database import load_queries
from genqueue.stores.sqlite.rows import dumps, record_from_row

RQ = load_queries("records.sql")
SIZE_CAP = 1000
"""How far a listing counts each of its filters' sets when it picks the one to walk."""


class Records(SqliteBase):
    async def put_record(self, record: Record, now: float) -> Record:
        data, index = checks.check_record(record)
        key = {"kind": record.kind, "id": record.id}
        params = {**key, "owner": record.owner, "data": data, "idx": dumps(index)}

        def tx(conn: sqlite3.Connection) -> tuple[float, float]:
            created_at, updated_at = conn.execute(
                RQ["upsert_record"], {**params, "now": now}
            ).fetchone()
            conn.execute(RQ["delete_index_entries"], key)
            conn.executemany(
                RQ["insert_index_entry"],
                [
                    {**key, "name": name, "value": value, "created_at": created_at}
                    for name, value in index.items()
                ],
            )
            return float(created_at), float(updated_at)

        created_at, updated_at = await self.db.write(tx)
        return replace(
            record,
            data=json.loads(data),
            index=index,
            created_at=created_at,
            updated_at=updated_at,
        )

    async def get_record(self, kind: str, record_id: str) -> Record:
        checks.check_key(kind, record_id)
        params = {"kind": kind, "id": record_id}
        row = await self.db.read(lambda c: c.execute(RQ["get_record"], params).fetchone())
        if row is None:
            raise RecordNotFound(kind, record_id)
        return record_from_row(row)

    async def get_records(self, kind: str, record_ids: Sequence[str]) -> list[Record]:
        checks.check_ids(kind, record_ids)
        if not record_ids:
            return []
        params = {"kind": kind, "ids": dumps(list(record_ids))}
        rows = await self.db.read(lambda c: c.execute(RQ["get_records"], params).fetchall())
        found = {row["id"]: record_from_row(row) for row in rows}
        return [found[i] for i in record_ids if i in found]

    async def list_records(self, query: RecordQuery) -> RecordPage:
        checks.check_query(query)

        def read(conn: sqlite3.Connection) -> RecordPage:
            shape, params = _listing(conn, query)
            page = {**params, "limit": query.limit, "skip": query.skip}
            total = int(conn.execute(RQ[f"count_{shape}"], params).fetchone()[0])
            if query.skip >= total:
                return RecordPage([], total)
            rows = conn.execute(RQ[f"records_{shape}"], page).fetchall()
            return RecordPage([record_from_row(r) for r in rows], total)

        result: RecordPage = await self.db.read(read)
        return result

    async def delete_record(self, kind: str, record_id: str) -> bool:
        checks.check_key(kind, record_id)
        key = {"kind": kind, "id": record_id}

        def tx(conn: sqlite3.Connection) -> bool:
            conn.execute(RQ["delete_index_entries"], key)
            return bool(conn.execute(RQ["delete_record"], key).rowcount)

        deleted: bool = await self.db.write(tx)
        return deleted


def _listing(conn: sqlite3.Connection, query: RecordQuery) -> tuple[str, dict[str, Any]]:
    """Which listing query fits (`of_kind`, `of_owner`, `where` or `of_owner_where`) and its
    parameters. With filters, it walks the smallest of the owner's records and the fields'
    index entries, as sized by a bounded count, and checks the other filters per record."""
    params: dict[str, Any] = {"kind": query.kind, "owner": query.owner}
    if not query.where:
        return ("of_kind" if query.owner is None else "of_owner"), params
    where = dict(sorted(query.where.items()))
    if len(where) == 1 and query.owner is None:
        [(name, value)] = where.items()
        return "where", {**params, "name": name, "value": value, "rest": "{}"}
    sizes = {
        name: _size(conn, "size_of_field", {**params, "name": name, "value": value})
        for name, value in where.items()
    }
    walked = min(sizes, key=sizes.__getitem__)
    if query.owner is not None and _size(conn, "size_of_owner", params) < sizes[walked]:
        return "of_owner_where", {**params, "rest": dumps(where)}
    rest = {name: value for name, value in where.items() if name != walked}
    return "where", {**params, "name": walked, "value": where[walked], "rest": dumps(rest)}


def _size(conn: sqlite3.Connection, query: str, params: dict[str, Any]) -> int:
    return int(conn.execute(RQ[query], {**params, "cap": SIZE_CAP}).fetchone()[0])
