"""Seed 003's job type `story`: write a story with the text provider and save it.

The queue `story` carries the seed's policy (5 starts per second, at most 5 running, 3
attempts). The story's id is derived from the job's, so an attempt that runs again after
a crash rewrites the same story instead of adding a second one.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from genqueue.apps.domain import Story, save_story
from genqueue.apps.services import providers_of
from genqueue.apps.stories.request import StoryRequest, validate_story
from genqueue.engine.catalog import STORY_QUEUE
from genqueue.providers.base import StorySpec, WrittenStory
from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry

STORY_JOB = "story"
STORY_IDS = uuid.UUID("5d3c1f0e-9a63-4f57-9b7e-3c0f6f1d2a03")
"""The uuid5 namespace of story ids."""

registry = Registry()


def story_id_for(job_id: str) -> str:
    return str(uuid.uuid5(STORY_IDS, job_id))


def count_words(text: str) -> int:
    return len(text.split())


def paragraphs_of(text: str) -> list[str]:
    return [p for p in (part.strip() for part in text.split("\n\n")) if p]


def quality_word(asked_words: int, text: str) -> str:
    """Seed 003's `quality`: how near the asked length the story came, and in paragraphs."""
    miss = abs(count_words(text) - asked_words) / asked_words
    if miss <= 0.10 and len(paragraphs_of(text)) >= 3:
        return "excellent"
    if miss <= 0.25:
        return "good"
    return "fair"


def _spec(request: StoryRequest, job_id: str) -> StorySpec:
    return StorySpec(
        prompt=request.prompt,
        hero_name=request.heroName,
        words=request.asked_words,
        seed=job_id,
        genre=request.genre,
        audience=request.audience,
        language=request.language,
    )


def _story(ctx: JobContext, request: StoryRequest, written: WrittenStory) -> Story:
    options = {
        k: v
        for k, v in {
            "genre": request.genre,
            "audience": request.audience,
            "language": request.language,
            "words": request.asked_words,
        }.items()
        if v is not None
    }
    return Story(
        id=story_id_for(ctx.job_id),
        owner=ctx.job.owner,
        title=written.title,
        text=written.text,
        word_count=count_words(written.text),
        prompt=request.prompt,
        hero_name=request.heroName,
        options=options,
        job_id=ctx.job_id,
    )


@registry.job(STORY_JOB, queue=STORY_QUEUE, validate=validate_story)
async def write_story(ctx: JobContext, data: dict[str, Any]) -> dict[str, Any]:
    """Result: `{storyId, title, generationTime (s), quality, words}` (seed 003's `result`)."""
    request = StoryRequest.model_validate(data)
    started = time.monotonic()
    await ctx.progress(10, task="Writing the story")
    written = await providers_of(ctx.resources).text.story(_spec(request, ctx.job_id))
    await ctx.progress(90, task="Saving the story")
    story = await save_story(ctx.records, _story(ctx, request, written), time.time())
    return {
        "storyId": story.id,
        "title": story.title,
        "generationTime": round(time.monotonic() - started, 1),
        "quality": quality_word(request.asked_words, story.text),
        "words": story.word_count,
    }
