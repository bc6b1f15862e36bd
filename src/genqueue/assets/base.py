"""Artifacts (images, videos, uploads) behind one small interface.

Keys are unguessable (a random 128-bit token per file under a per-owner folder), so an
`<img src>` works without a header while nobody can list or guess another user's files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from genqueue.engine.errors import GenqueueError


class AssetNotFound(GenqueueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"asset {key} not found")
        self.key = key


@dataclass(frozen=True, slots=True)
class Asset:
    key: str
    url: str
    """Where a browser fetches it: `/assets/<key>`."""
    content_type: str
    size: int


@runtime_checkable
class AssetStore(Protocol):
    async def put(self, owner: str, filename: str, data: bytes, content_type: str) -> Asset: ...
    async def read(self, key: str) -> bytes:
        """The file's bytes, or `AssetNotFound`."""
        ...

    def path(self, key: str) -> Path:
        """The file on disk (for streaming it), or `AssetNotFound`; never outside the root."""
        ...

    def url(self, key: str) -> str: ...
