"""The rules every store applies to records at its edge, before anything reaches a driver.

A broken record or query is the caller's error (`InvalidJobRequest`, a 422), never a driver
error: names must fit a key or column, strings must encode as UTF-8 (a lone surrogate
cannot), data must be a JSON object of bounded size.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from genqueue.engine.errors import InvalidJobRequest
from genqueue.engine.records import MAX_RECORD_INDEX, Record, RecordQuery

MAX_NAME_LENGTH = 200
"""Kinds, ids, owners, index names and index values."""
MAX_DATA_BYTES = 1_000_000
"""A record's data as JSON; stories are a few tens of kB, images live in the asset store."""
MAX_LIMIT = 1000
MAX_IDS = 1000
"""Ids in one `get_records` call."""


def _encodable(text: str, what: str) -> str:
    try:
        text.encode()
    except UnicodeEncodeError:
        raise InvalidJobRequest(f"{what} is not valid Unicode text") from None
    return text


def check_name(value: object, what: str, *, empty: bool = False) -> str:
    """A string of 1 (0 when `empty`) to MAX_NAME_LENGTH characters that encodes as UTF-8."""
    if not isinstance(value, str):
        raise InvalidJobRequest(f"{what} must be a string")
    shortest = 0 if empty else 1
    if not shortest <= len(value) <= MAX_NAME_LENGTH:
        raise InvalidJobRequest(f"{what} has {shortest} to {MAX_NAME_LENGTH} characters")
    return _encodable(value, what)


def check_key(kind: str, record_id: str) -> None:
    check_name(kind, "a record kind")
    check_name(record_id, "a record id")


def check_ids(kind: str, record_ids: Sequence[str]) -> None:
    check_name(kind, "a record kind")
    if isinstance(record_ids, str) or len(record_ids) > MAX_IDS:
        raise InvalidJobRequest(f"give a list of at most {MAX_IDS} record ids")
    for record_id in record_ids:
        check_name(record_id, "a record id")


def check_fields(fields: object, what: str) -> dict[str, str]:
    """An index or a `where`: at most MAX_RECORD_INDEX names mapped to strings."""
    if not isinstance(fields, Mapping):
        raise InvalidJobRequest(f"{what} maps field names to strings")
    if len(fields) > MAX_RECORD_INDEX:
        raise InvalidJobRequest(f"{what} has at most {MAX_RECORD_INDEX} fields")
    for name, value in fields.items():
        check_name(name, f"a field name of {what}")
        check_name(value, f"the value of {what} field {name!r}", empty=True)
    return dict(fields)


def encode_data(data: object) -> str:
    """The data as compact JSON, after checking it is an object of bounded size."""
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise InvalidJobRequest("record data must be a JSON object with string keys")
    try:
        text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidJobRequest(f"record data must be JSON: {exc}") from None
    if len(text) > MAX_DATA_BYTES:
        raise InvalidJobRequest(f"record data is larger than {MAX_DATA_BYTES} bytes as JSON")
    return text


def check_record(record: Record) -> tuple[str, dict[str, str]]:
    """Checks every part of the record; returns its data as JSON and its index as a dict."""
    check_key(record.kind, record.id)
    check_name(record.owner, "a record owner")
    index = check_fields(record.index, "a record index")
    return encode_data(record.data), index


def check_query(query: RecordQuery) -> None:
    check_name(query.kind, "a record kind")
    if query.owner is not None:
        check_name(query.owner, "a record owner")
    check_fields(query.where, "a listing's where")
    if not _is_int(query.limit) or not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidJobRequest(f"limit must be 1..{MAX_LIMIT}")
    if not _is_int(query.skip) or query.skip < 0:
        raise InvalidJobRequest("skip must be at least 0")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
