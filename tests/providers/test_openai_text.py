"""Remote text against the OpenAI fake: prompts built from the specs, answers parsed."""

from __future__ import annotations

import pytest

from genqueue.providers.base import CharacterSketch, RetryableProviderError, StorySpec
from genqueue.providers.openai import RemoteProviders
from tests.fakes.openai_server import OpenAIServer

HERO = CharacterSketch(seed="c1", name="Mira", description="a fox in a green scarf")


async def test_a_story_is_asked_for_with_the_spec_and_parsed(
    providers: RemoteProviders, openai_server: OpenAIServer
) -> None:
    spec = StorySpec(
        "a lighthouse keeper who befriends a whale",
        "Mira",
        400,
        "s1",
        genre="adventure",
        audience="children aged 6-8",
        language="fr",
    )
    story = await providers.text.story(spec)
    assert story.title == "The Adventure Tale"
    paragraphs = story.text.split("\n\n")
    assert len(paragraphs) >= 3
    assert 340 <= len(story.text.split()) <= 460
    [request] = openai_server.recorded("/v1/chat/completions")
    body = request.json()
    assert body["model"] == "gpt-4o-mini"
    assert body["max_tokens"] >= 800
    system, user = body["messages"]
    assert (system["role"], user["role"]) == ("system", "user")
    assert "children aged 6-8" in system["content"]
    assert "French" in system["content"]
    assert "title alone on the first line" in system["content"]
    for word in ("adventure", "400 words", "Mira", "lighthouse keeper"):
        assert word in user["content"]


@pytest.mark.parametrize(
    ("reply", "title", "first"),
    [
        ("# Title: **The Fox**\n\nOne  line\nwrapped.\n\n\nTwo.", "The Fox", "One line wrapped."),
        ('"Night Train"\n\nIt left at nine.\n\nIt came back.', "Night Train", "It left at nine."),
    ],
)
async def test_story_answers_in_markdown_or_quotes_are_cleaned(
    providers: RemoteProviders, openai_server: OpenAIServer, reply: str, title: str, first: str
) -> None:
    openai_server.chat_reply = reply
    story = await providers.text.story(StorySpec("trains", None, 100, "s"))
    assert story.title == title
    assert story.text.split("\n\n")[0] == first


async def test_a_story_without_a_body_is_retryable(
    providers: RemoteProviders, openai_server: OpenAIServer
) -> None:
    openai_server.chat_reply = "Just a title"
    with pytest.raises(RetryableProviderError, match="without a title and body"):
        await providers.text.story(StorySpec("trains", None, 100, "s"))


async def test_personality_and_motion_prompt_are_one_paragraph_about_the_character(
    providers: RemoteProviders, openai_server: OpenAIServer
) -> None:
    personality = await providers.text.personality(HERO)
    motion = await providers.text.motion_prompt(HERO, "jumping_jack")
    for text in (personality, motion):
        assert text
        assert "\n" not in text
    first, second = (r.json()["messages"][1]["content"] for r in openai_server.recorded())
    assert "Mira (a fox in a green scarf)" in first
    assert "personality" in first
    assert "jumping jack" in second
