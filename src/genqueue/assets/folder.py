"""Assets as files under one folder: `<root>/<owner folder>/<token>/<filename>`.

The owner folder is a hash of the owner (so a user id never appears in a URL), the token
is 128 random bits, and the filename is cleaned to a safe ASCII name whose extension
matches the content type, which is how the route knows the type again. A key is checked
against that exact shape before it touches the disk, so no key reaches outside the root.
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import os
import re
import secrets
from pathlib import Path

from genqueue.assets.base import Asset, AssetNotFound

URL_PREFIX = "/assets/"
KEY_SHAPE = re.compile(r"[0-9a-f]{16}/[0-9a-f]{32}/[A-Za-z0-9][A-Za-z0-9._-]{0,119}")
EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "video/webm": ".webm",
    "video/mp4": ".mp4",
    "text/plain": ".txt",
    "application/json": ".json",
}
CONTENT_TYPES = {extension: kind for kind, extension in EXTENSIONS.items()}
CONTENT_TYPES[".jpeg"] = "image/jpeg"
FALLBACK_TYPE = "application/octet-stream"


def owner_folder(owner: str) -> str:
    return hashlib.sha256(f"genqueue-assets:{owner}".encode()).hexdigest()[:16]


def safe_filename(filename: str, content_type: str) -> str:
    """`My Photo (1).JPG` → `my-photo-1.jpg`; the extension always follows the content type."""
    stem = Path(filename.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:80] or "file"
    extension = EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type) or ".bin"
    return f"{stem}{extension}"


def content_type_of(key: str) -> str:
    """The content type a key's extension stands for."""
    extension = Path(key).suffix.lower()
    return CONTENT_TYPES.get(extension) or mimetypes.guess_type(key)[0] or FALLBACK_TYPE


class FolderAssets:
    """An `AssetStore` on a folder; a shared volume when API and workers run apart."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    async def put(self, owner: str, filename: str, data: bytes, content_type: str) -> Asset:
        name = safe_filename(filename, content_type)
        key = f"{owner_folder(owner)}/{secrets.token_hex(16)}/{name}"
        await asyncio.to_thread(self._write, self.root / key, data)
        return Asset(key, self.url(key), content_type, len(data))

    async def read(self, key: str) -> bytes:
        path = self.path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise AssetNotFound(key) from None

    def path(self, key: str) -> Path:
        if not KEY_SHAPE.fullmatch(key) or ".." in key:
            raise AssetNotFound(key)
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise AssetNotFound(key)
        return path

    def url(self, key: str) -> str:
        return f"{URL_PREFIX}{key}"

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        """Write beside, then rename: a reader never sees half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
