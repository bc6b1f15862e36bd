"""The local text provider: stories of the asked length in real paragraphs, built from the
request, never repeating a sentence; personality and motion prompts from the character."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from genqueue.providers.base import CharacterSketch, FinalProviderError, StorySpec
from genqueue.providers.local.seeding import Pace
from genqueue.providers.local.story import write_story
from genqueue.providers.local.story_genres import GENRES as GENRE_TABLE
from genqueue.providers.local.story_prompt import read_prompt
from genqueue.providers.local.text import LocalText, motion_prompt_of, personality_of

PROMPT = "A lighthouse keeper finds a map in a bottle"
GENRES = ["adventure", "fantasy", "sci-fi", "mystery", "fairy tale", "bedtime", "funny", "western"]


def story(words: int = 800, **changes: object) -> StorySpec:
    values: dict[str, object] = {
        "prompt": PROMPT,
        "hero_name": "Mira",
        "words": words,
        "seed": "job-1",
    }
    values.update(changes)
    return StorySpec(**values)  # type: ignore[arg-type]


def sentences(text: str) -> list[str]:
    """Split after . ! or ? (and a closing quote) where a new sentence starts."""
    return [s for s in re.split(r'(?:(?<=[.!?])|(?<=[.!?]"))\s+(?=[A-Z"])', text) if s]


@pytest.mark.parametrize("words", [50, 80, 150, 300, 800, 1250, 2500, 5000])
@pytest.mark.parametrize("genre", ["adventure", "mystery", "bedtime"])
def test_length_within_fifteen_percent_in_three_or_more_paragraphs(words: int, genre: str) -> None:
    written = write_story(story(words, genre=genre, seed=f"job-{words}"))
    count = len(written.text.split())
    assert abs(count - words) <= words * 0.15, count
    paragraphs = written.text.split("\n\n")
    assert len(paragraphs) >= 3
    assert all(p.strip() and p == p.strip() for p in paragraphs)


@pytest.mark.parametrize("genre", GENRES)
def test_no_sentence_is_repeated(genre: str) -> None:
    for words in (300, 1500, 5000):
        counts = Counter(sentences(write_story(story(words, genre=genre)).text))
        repeated = [s for s, n in counts.items() if n > 1]
        assert not repeated, repeated


def test_the_story_is_built_from_the_request() -> None:
    written = write_story(
        story(600, hero_name="Oskar", prompt="A young baker searches for a golden whisk")
    )
    assert written.text.count("Oskar") >= 5
    assert "golden whisk" in written.text
    assert "baker" in written.text
    assert "Golden Whisk" in written.title


def test_without_a_hero_name_one_is_chosen() -> None:
    written = write_story(story(300, hero_name=None))
    assert written.text.split()[0][0].isupper()
    assert written.title == write_story(story(300, hero_name=None)).title


def test_same_seed_same_story_other_seed_other_story() -> None:
    assert write_story(story(seed="a")) == write_story(story(seed="a"))
    assert write_story(story(seed="a")).text != write_story(story(seed="b")).text


def test_the_genre_changes_the_world() -> None:
    space = write_story(story(800, genre="sci-fi")).text
    fairy = write_story(story(800, genre="fairy tale")).text
    space_words = GENRE_TABLE["scifi"].places + GENRE_TABLE["scifi"].obstacles
    fairy_words = GENRE_TABLE["fairytale"].places + GENRE_TABLE["fairytale"].obstacles
    assert sum(phrase in space for phrase in space_words) >= 3
    assert sum(phrase in fairy for phrase in fairy_words) >= 3
    assert not any(phrase in space for phrase in fairy_words)


def test_an_unsupported_language_is_a_final_error() -> None:
    with pytest.raises(FinalProviderError):
        write_story(story(language="uk"))
    assert write_story(story(language="en-GB")).text


@pytest.mark.parametrize(
    ("prompt", "role", "goal"),
    [
        (PROMPT, "a lighthouse keeper", "the map"),
        ("a brave girl who wants to fly to the moon", "a brave girl", "the moon"),
        ("Mira finds a dragon egg", None, "the dragon egg"),
        ("dragons", None, "the dragons"),
    ],
)
def test_reading_the_prompt(prompt: str, role: str | None, goal: str) -> None:
    reading = read_prompt(prompt)
    assert (reading.role, reading.goal) == (role, goal)


async def test_the_provider_paces_by_length() -> None:
    text = LocalText(Pace(0.0))
    written = await text.story(story(200))
    assert written.title
    assert written.text


def test_personality_and_motion_prompt_name_the_character() -> None:
    nova = CharacterSketch(seed="c-9", name="Nova", description="A cheerful space mechanic.")
    personality = personality_of(nova)
    assert personality.count("Nova") >= 2
    assert "space mechanic" in personality
    assert personality == personality_of(nova)
    assert personality != personality_of(CharacterSketch(seed="c-10", name="Nova"))
    motion = motion_prompt_of(nova, "waving")
    assert "Nova" in motion
    assert "wave" in motion
    assert motion != motion_prompt_of(nova, "running")


def test_the_audience_sets_the_closing_thought() -> None:
    endings = {
        audience: write_story(story(400, audience=audience)).text.split("\n\n")[-1]
        for audience in ("young children", "teens", "adults")
    }
    assert (
        "a friend, a snack" in endings["young children"]
        or "brave does not" in endings["young children"]
    )
    assert "Growing up" in endings["teens"] or "fully understand" in endings["teens"]
    assert "Years later" in endings["adults"] or "strange thing" in endings["adults"]


@pytest.mark.parametrize("hero", ["Bolt", "Rill", "Pip", "Tamsin"])
def test_the_companion_never_shares_the_heros_name(hero: str) -> None:
    for seed in range(12):
        text = write_story(story(300, hero_name=hero, genre="sci-fi", seed=f"s{seed}")).text
        assert f"called {hero} was waiting" not in text
        assert f"named {hero} was waiting" not in text
