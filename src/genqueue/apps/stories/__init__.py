"""Seed 003, the story generator: the job type `story` (routes in `genqueue.api.seeds.stories`)."""

from __future__ import annotations

from genqueue.apps.stories.app import STORY_JOB, registry, story_id_for

__all__ = ["STORY_JOB", "registry", "story_id_for"]
