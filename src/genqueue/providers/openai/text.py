"""Text from an OpenAI-compatible `/chat/completions`: stories, personalities, motion prompts."""

from __future__ import annotations

import re
from typing import Any

from genqueue.providers.base import (
    CharacterSketch,
    FinalProviderError,
    RetryableProviderError,
    StorySpec,
    WrittenStory,
)
from genqueue.providers.openai.http import ApiClient, expect
from genqueue.providers.openai.prompts import (
    motion_messages,
    personality_messages,
    story_messages,
)

TITLE_MARKS = re.compile(r"^(?:#+|\*+|_+|title\s*:|\s)+", re.IGNORECASE)
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
TOKENS_PER_WORD = 2
"""A generous bound for the answer's length: English runs about 1.3 tokens a word."""
SHORT_ANSWER_TOKENS = 200


class OpenAIText:
    def __init__(self, client: ApiClient, model: str) -> None:
        self.client = client
        self.model = model

    async def story(self, spec: StorySpec) -> WrittenStory:
        budget = spec.words * TOKENS_PER_WORD + SHORT_ANSWER_TOKENS
        content = await self._complete(story_messages(spec), budget)
        return parse_story(content, self.client.name)

    async def personality(self, character: CharacterSketch) -> str:
        return _one_paragraph(await self._complete(personality_messages(character)))

    async def motion_prompt(self, character: CharacterSketch, pose: str | None) -> str:
        return _one_paragraph(await self._complete(motion_messages(character, pose)))

    async def _complete(
        self, messages: list[dict[str, str]], max_tokens: int = SHORT_ANSWER_TOKENS
    ) -> str:
        body = {"model": self.model, "messages": messages, "max_tokens": max_tokens}
        answer: Any = await self.client.json("POST", "chat/completions", json=body)
        choice = expect(self.client.name, answer, "choices.0", dict)
        if choice.get("finish_reason") == "content_filter":
            raise FinalProviderError(f"{self.client.name}: the answer was withheld by its filter")
        content: str = expect(self.client.name, choice, "message.content", str).strip()
        if not content:
            raise RetryableProviderError(f"{self.client.name}: the model answered nothing")
        return content


def parse_story(content: str, source: str) -> WrittenStory:
    """The title from the first line, the paragraphs (blank-line separated) after it.

    An answer without a body after its title is a `RetryableProviderError`: models now
    and then ignore the format, and another sample usually follows it.
    """
    first, _, rest = content.strip().partition("\n")
    title = TITLE_MARKS.sub("", first.strip()).strip("*\"' ").strip()
    paragraphs = [" ".join(p.split()) for p in PARAGRAPH_BREAK.split(rest.strip())]
    paragraphs = [p for p in paragraphs if p]
    if not title or not paragraphs:
        raise RetryableProviderError(f"{source}: the story came back without a title and body")
    return WrittenStory(title, "\n\n".join(paragraphs))


def _one_paragraph(content: str) -> str:
    return " ".join(content.split()).strip("\"' ")
