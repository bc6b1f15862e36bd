"""Domain records on SQLite: a row per record, and a row per indexed field for listings.

Every query is in records.sql; a listing by `where` fields walks the `record_index`
entries of one field newest first, so it reads only the records it returns or counts.
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


class Records(SqliteBase):
    async def put_record(self, record: Record, now: float) -> Record:
        data = checks.check_record(record)
        key = {"kind": record.kind, "id": record.id}
        params = {**key, "owner": record.owner, "data": data, "idx": dumps(record.index)}

        def tx(conn: sqlite3.Connection) -> tuple[float, float]:
            created_at, updated_at = conn.execute(
                RQ["upsert_record"], {**params, "now": now}
            ).fetchone()
            conn.execute(RQ["delete_index_entries"], key)
            conn.executemany(
                RQ["insert_index_entry"],
                [
                    {**key, "name": name, "value": value, "created_at": created_at}
                    for name, value in record.index.items()
                ],
            )
            return float(created_at), float(updated_at)

        created_at, updated_at = await self.db.write(tx)
        return replace(
            record,
            data=json.loads(data),
            index=dict(record.index),
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
        shape, params = _listing(query)
        page = {**params, "limit": query.limit, "skip": query.skip}

        def read(conn: sqlite3.Connection) -> RecordPage:
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


def _listing(query: RecordQuery) -> tuple[str, dict[str, Any]]:
    """Which listing query fits (`of_kind`, `of_owner` or `where`) and its parameters."""
    params: dict[str, Any] = {"kind": query.kind, "owner": query.owner}
    if not query.where:
        return ("of_kind" if query.owner is None else "of_owner"), params
    (name, value), *rest = sorted(query.where.items())
    return "where", {**params, "name": name, "value": value, "rest": dumps(dict(rest))}
