"""The folder asset store: unguessable keys under a per-owner folder, safe filenames, reads
back, and no key (traversal, absolute, malformed) reaches outside the root."""

from __future__ import annotations

from pathlib import Path

import pytest

from genqueue.assets import from_settings
from genqueue.assets.base import AssetNotFound, AssetStore
from genqueue.assets.folder import FolderAssets, content_type_of, owner_folder, safe_filename
from genqueue.config import Settings


async def test_put_then_read(tmp_path: Path) -> None:
    store = FolderAssets(tmp_path)
    asset = await store.put("alice", "Hero Shot (1).PNG", b"\x89PNG data", "image/png")
    assert asset.size == 9
    assert asset.content_type == "image/png"
    assert asset.url == f"/assets/{asset.key}" == store.url(asset.key)
    folder, token, name = asset.key.split("/")
    assert folder == owner_folder("alice")
    assert "alice" not in asset.key
    assert len(token) == 32
    assert name == "hero-shot-1.png"
    assert await store.read(asset.key) == b"\x89PNG data"
    assert store.path(asset.key).read_bytes() == b"\x89PNG data"
    assert content_type_of(asset.key) == "image/png"


async def test_keys_are_unique_and_owners_apart(tmp_path: Path) -> None:
    store = FolderAssets(tmp_path)
    first = await store.put("alice", "a.png", b"1", "image/png")
    second = await store.put("alice", "a.png", b"2", "image/png")
    bob = await store.put("bob", "a.png", b"3", "image/png")
    assert first.key != second.key
    assert first.key.split("/")[0] == second.key.split("/")[0] != bob.key.split("/")[0]
    assert await store.read(first.key) == b"1"


@pytest.mark.parametrize(
    "key",
    [
        "../secret.txt",
        "/etc/passwd",
        "0123456789abcdef/../../etc/passwd",
        "0123456789abcdef/00000000000000000000000000000000/missing.png",
        "0123456789abcdef/0000/x.png",
        "",
        "0123456789abcdef",
    ],
)
async def test_bad_or_unknown_keys_are_not_found(tmp_path: Path, key: str) -> None:
    (tmp_path.parent / "secret.txt").write_text("no")
    store = FolderAssets(tmp_path / "root")
    with pytest.raises(AssetNotFound):
        store.path(key)
    with pytest.raises(AssetNotFound):
        await store.read(key)


async def test_a_folder_is_not_an_asset(tmp_path: Path) -> None:
    store = FolderAssets(tmp_path)
    asset = await store.put("alice", "a.png", b"1", "image/png")
    with pytest.raises(AssetNotFound):
        store.path(asset.key.rsplit("/", 1)[0])


@pytest.mark.parametrize(
    ("filename", "content_type", "expected"),
    [
        ("photo.jpeg", "image/jpeg", "photo.jpg"),
        ("clip", "video/webm", "clip.webm"),
        ("../../x.png", "image/png", "x.png"),
        ("Ünïcode name!.webp", "image/webp", "n-code-name.webp"),
        ("...", "image/png", "file.png"),
        ("a.exe", "image/png", "a.png"),
    ],
)
def test_filenames_are_cleaned(filename: str, content_type: str, expected: str) -> None:
    assert safe_filename(filename, content_type) == expected


def test_from_settings_uses_the_assets_dir(tmp_path: Path) -> None:
    store = from_settings(Settings(assets_dir=str(tmp_path / "media")))
    assert isinstance(store, FolderAssets)
    assert isinstance(store, AssetStore)
    assert store.root == (tmp_path / "media").resolve()
