"""Artifact storage: a folder served under /assets/ (a shared volume in distributed mode)."""

from __future__ import annotations

from genqueue.assets.base import AssetStore
from genqueue.assets.folder import FolderAssets
from genqueue.config import Settings


def from_settings(settings: Settings) -> AssetStore:
    """The folder `GENQUEUE_ASSETS_DIR` names."""
    return FolderAssets(settings.assets_dir)
