"""Admission: a job type's own check of a submission against the records, before it is
queued or charged (an unknown character is a 404 then, not a failed job later)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from genqueue.engine.records import RecordStore

T = TypeVar("T")


class Resources:
    """Objects the job types of one process share (providers, the asset store), by name.

    Built once per process from the registry's resource factories; handlers reach them
    as `ctx.resources`, admission hooks as `admission.resources`.
    """

    def __init__(self, items: Mapping[str, Any] | None = None) -> None:
        self._items = dict(items or {})

    def get(self, name: str, kind: type[T]) -> T:
        try:
            item = self._items[name]
        except KeyError:
            raise LookupError(
                f"no resource {name!r}: register it with @registry.resource"
            ) from None
        if not isinstance(item, kind):
            raise TypeError(f"resource {name!r} is a {type(item).__name__}, not {kind.__name__}")
        return item

    def values(self) -> list[Any]:
        return list(self._items.values())


@dataclass(frozen=True, slots=True)
class Admission:
    owner: str
    records: RecordStore
    resources: Resources
    now: float


@dataclass(frozen=True, slots=True)
class Admitted:
    """The data to queue (possibly rewritten) and tags derived from it (e.g. characterId)."""

    data: Any
    tags: dict[str, str] = field(default_factory=dict)


Admit = Callable[[Admission, Any], Awaitable[Admitted]]
"""Raises `RecordNotFound` (404) or `InvalidJobRequest`/`ValueError` (422) to refuse."""
