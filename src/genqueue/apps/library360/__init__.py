"""Seed 002, the character library's 360° image sets: the shot list, the job types
`360-set`, `core-set` and `single-image`, and the results they report."""

from __future__ import annotations

from genqueue.apps.library360.jobs import registry

__all__ = ["registry"]
