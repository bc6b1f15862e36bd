"""Domain records kept by the store beside the jobs: characters, media, stories.

A record is a JSON object of some `kind` with an owner. Stores index the few string
fields named in `index` so that listings filter on them (a character's media by
`characterId`, say) without reading every record. Writers derive record ids from the job
that makes them, so a job that runs again after a crash rewrites its records instead of
adding copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

MAX_RECORD_INDEX = 8


@dataclass(frozen=True, slots=True)
class Record:
    kind: str
    id: str
    owner: str
    data: dict[str, Any]
    index: dict[str, str] = field(default_factory=dict)
    """Fields a listing can filter on by equality; at most MAX_RECORD_INDEX."""
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass(frozen=True, slots=True)
class RecordQuery:
    kind: str
    owner: str | None = None
    """None lists every owner's records (admins)."""
    where: dict[str, str] = field(default_factory=dict)
    """Equality on `index` fields, all of which must match."""
    limit: int = 20
    skip: int = 0


@dataclass(frozen=True, slots=True)
class RecordPage:
    records: list[Record]
    total: int
    """How many records match the query, before `limit` and `skip`."""


class RecordStore(Protocol):
    """The store's record part. Listings are newest first (by `created_at`, then id)."""

    async def put_record(self, record: Record, now: float) -> Record:
        """Insert, or replace the record of the same kind and id (keeping its `created_at`);
        returns it as stored, with both timestamps set."""
        ...

    async def get_record(self, kind: str, record_id: str) -> Record:
        """The record, or `RecordNotFound`."""
        ...

    async def get_records(self, kind: str, record_ids: Sequence[str]) -> list[Record]:
        """The records that exist among `record_ids`, in that order."""
        ...

    async def list_records(self, query: RecordQuery) -> RecordPage: ...

    async def delete_record(self, kind: str, record_id: str) -> bool:
        """True when a record was deleted."""
        ...
