"""Seed 004, Snap2Story: the job type `snap-image` (routes in `genqueue.api.seeds.snap2story`)."""

from __future__ import annotations

from genqueue.apps.snap2story.app import SNAP_JOB, UPLOAD, registry

__all__ = ["SNAP_JOB", "UPLOAD", "registry"]
