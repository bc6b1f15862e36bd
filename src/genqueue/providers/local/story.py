"""The local story writer: a plot (opening, episodes, climax, ending) told in sentences
drawn without replacement from the patterns in `story_words`, filled with the request's
hero and the nouns of its prompt, until the asked length is reached.

Deterministic per seed. A pattern is used once; only very long stories, after every
pattern of a part is spent, reuse a pattern, and then always behind a new lead-in
phrase and with new places, so no sentence repeats.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from genqueue.providers.base import FinalProviderError, StorySpec, WrittenStory
from genqueue.providers.local import story_words as words
from genqueue.providers.local.seeding import seeded

LANGUAGES = ("en",)
"""What the local writer writes; other languages are a final provider error."""

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "about",
        "from",
        "into",
        "onto",
        "over",
        "under",
        "who",
        "whom",
        "whose",
        "which",
        "that",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "it",
        "its",
        "it's",
        "he",
        "she",
        "they",
        "them",
        "their",
        "his",
        "her",
        "him",
        "we",
        "us",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "mine",
        "story",
        "tale",
        "write",
        "please",
        "about",
        "some",
        "any",
        "very",
        "really",
        "just",
        "also",
        "than",
        "then",
        "there",
        "here",
        "when",
        "where",
        "while",
        "what",
        "why",
        "how",
        "all",
        "every",
        "each",
        "one",
        "two",
        "three",
        "wants",
        "want",
        "wanted",
        "finds",
        "find",
        "found",
        "goes",
        "go",
        "went",
        "gets",
        "get",
        "got",
        "becomes",
        "become",
        "learns",
        "learn",
        "tries",
        "try",
        "makes",
        "make",
        "named",
        "called",
    ]
)
DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "with",
        "about",
        "from",
        "into",
        "for",
        "my",
        "his",
        "her",
        "their",
        "our",
    ]
)
LEADS = (
    "Later that day",
    "Not long after",
    "The following morning",
    "Before long",
    "Some time later",
    "When the weather turned",
    "Once the dust had settled",
    "After a short rest",
    "Early the next day",
    "As evening came on",
    "A little further on",
    "Much to their surprise",
    "Two days later",
    "With the map in hand",
    "Without much warning",
    "Around the next bend",
)
PLACE_ADJECTIVES = (
    "hidden",
    "forgotten",
    "windy",
    "crooked",
    "silent",
    "flooded",
    "glittering",
    "narrow",
    "ancient",
    "sunlit",
)
PLACE_NOUNS = (
    "valley",
    "stairway",
    "courtyard",
    "orchard",
    "tunnel",
    "harbour",
    "ridge",
    "workshop",
    "clearing",
    "archway",
)


@dataclass(frozen=True, slots=True)
class Cast:
    hero: str
    role: str
    """What the hero is, from the prompt (`a lighthouse keeper`), else `someone`."""
    companion: str
    companion_short: str
    home: str
    goal: str
    """What the hero is after: the prompt's object (`the map`)."""
    things: tuple[str, ...]
    genre: words.Genre


class Deck:
    """Draws without replacement; after the last card, reshuffles (for fillers) or
    reports exhaustion (for sentence patterns)."""

    def __init__(self, items: Sequence[str], rng: random.Random) -> None:
        self.items = list(items)
        self.rng = rng
        self.left: list[str] = []
        self.rounds = 0
        self._refill()

    def _refill(self) -> None:
        self.left = list(self.items)
        self.rng.shuffle(self.left)
        self.rounds += 1

    def draw(self) -> str:
        if not self.left:
            self._refill()
        return self.left.pop()


def genre_named(genre: str | None) -> words.Genre:
    key = (genre or "adventure").lower()
    for word, name in words.GENRE_WORDS:
        if word in key:
            return words.GENRES[name]
    return words.GENRES["adventure"]


GOAL_VERBS = frozenset(
    [
        "find",
        "finds",
        "found",
        "discover",
        "discovers",
        "discovered",
        "search",
        "searches",
        "seek",
        "seeks",
        "want",
        "wants",
        "save",
        "saves",
        "rescue",
        "rescues",
        "build",
        "builds",
        "visit",
        "visits",
        "reach",
        "reaches",
        "catch",
        "catches",
        "meet",
        "meets",
        "follow",
        "follows",
        "open",
        "opens",
        "solve",
        "solves",
        "protect",
        "protects",
        "chase",
        "chases",
    ]
)


@dataclass(frozen=True, slots=True)
class PromptReading:
    role: str | None
    goal: str
    others: tuple[str, ...]


def _indefinite(phrase: str) -> str:
    return ("an " if phrase[:1] in "aeiou" else "a ") + phrase


def read_prompt(prompt: str) -> PromptReading:
    """The prompt's noun phrases (the words after a determiner, up to a stop word): a
    leading one is the hero's role, one after a verb such as `finds` is the goal."""
    tokens = re.findall(r"[A-Za-zÀ-ÿ'-]+|[.,;:!?]", prompt)
    phrases: list[tuple[int, str, bool]] = []
    current: list[str] = []
    start, after_determiner, wanted, last_word = 0, False, False, ""
    for index, token in enumerate([*tokens, "."]):
        low = token.lower()
        if low in DETERMINERS or not token[0].isalpha() or low in STOPWORDS or low in GOAL_VERBS:
            if current and after_determiner:
                phrases.append((start, " ".join(current[-3:]), wanted))
            current = []
            if low in DETERMINERS and not after_determiner:
                wanted = last_word in GOAL_VERBS
            after_determiner = low in DETERMINERS
            last_word = low
            continue
        if not current:
            start = index
        current.append(low)
        last_word = low
    names = list(dict.fromkeys(p for _, p, _ in phrases if len(p) > 2))
    role = phrases[0][1] if phrases and phrases[0][0] <= 1 and len(names) > 1 else None
    goals = [p for _, p, goal in phrases if goal and p != role]
    goal = goals[0] if goals else next((p for p in names if p != role), None)
    if goal is None:
        nouns = [
            t.lower()
            for t in tokens
            if t[0].isalpha() and t.lower() not in STOPWORDS and len(t) > 3
        ]
        goal = nouns[-1] if nouns else "lost map"
    others = tuple(f"the {p}" for p in names if p not in (role, goal))
    return PromptReading(_indefinite(role) if role else None, f"the {goal}", others)


def _short_name(companion: str) -> str:
    named = re.search(r"(?:called|named) ([A-Z][a-z]+)", companion)
    if named:
        return named.group(1)
    head = re.split(r" (?:who|with|whose|that|in|on|wearing)\b|,", companion)[0]
    return "the " + head.split(" ", 1)[1] if " " in head else head


def cast_for(spec: StorySpec, rng: random.Random) -> Cast:
    genre = genre_named(spec.genre)
    companion = rng.choice(genre.companions)
    hero = (spec.hero_name or "").strip() or rng.choice(words.HERO_NAMES)
    reading = read_prompt(spec.prompt)
    return Cast(
        hero=hero,
        role=reading.role or "someone",
        companion=companion,
        companion_short=_short_name(companion),
        home=rng.choice(genre.home),
        goal=reading.goal,
        things=(reading.goal, *reading.others),
        genre=genre,
    )


class Teller:
    """Fills patterns and counts words."""

    def __init__(self, cast: Cast, rng: random.Random) -> None:
        self.cast = cast
        self.rng = rng
        g = cast.genre
        self.fillers = {
            "place": Deck(g.places, rng),
            "obstacle": Deck(g.obstacles, rng),
            "sight": Deck(g.sights, rng),
            "sound": Deck(g.sounds, rng),
            "tool": Deck(g.tools, rng),
            "mood": Deck(g.mood, rng),
            "other": Deck(cast.things, rng),
        }
        self.leads = Deck(LEADS, rng)
        self.said: set[str] = set()
        self.count = 0

    def fill(self, pattern: str) -> str:
        values = {
            "hero": self.cast.hero,
            "companion": self.cast.companion,
            "companion_short": self.cast.companion_short,
            "home": self.cast.home,
            "role": self.cast.role,
            "thing": self.cast.goal,
        }
        for name in re.findall(r"{(\w+)}", pattern):
            if name in self.fillers and name not in values:
                values[name] = self._filler(name)
        text = pattern.format(**values)
        return text[0].upper() + text[1:]

    def _filler(self, name: str) -> str:
        deck = self.fillers[name]
        value = deck.draw()
        if name == "place" and deck.rounds > 1:
            adjective, noun = self.rng.choice(PLACE_ADJECTIVES), self.rng.choice(PLACE_NOUNS)
            value = f"a {adjective} {noun} beyond {value.removeprefix('the ')}"
        return value

    def say(self, pattern: str, reused: bool = False) -> str | None:
        sentence = self.fill(pattern)
        if reused and not sentence.startswith('"'):
            sentence = f"{self.leads.draw()}, {self._lower_start(sentence)}"
        if sentence in self.said:
            return None
        self.said.add(sentence)
        self.count += len(sentence.split())
        return sentence

    def _lower_start(self, sentence: str) -> str:
        first = sentence.split(" ", 1)[0].rstrip("',")
        names = {self.cast.hero.split(" ")[0], self.cast.companion_short.split(" ")[0]}
        if first in names and first[:1].isupper() and first != "The":
            return sentence
        return sentence[0].lower() + sentence[1:]


@dataclass(frozen=True, slots=True)
class Part:
    """One part of the plot: its patterns, its share of the words, whether its patterns
    keep their written order (a sequence) or come shuffled (a pool)."""

    patterns: tuple[str, ...]
    share: float
    ordered: bool


def _ordered_pick(patterns: Sequence[str], budget: int, rng: random.Random) -> list[str]:
    """About `budget` words' worth of patterns, in their order; the first and the last two
    always (they introduce and close the part)."""
    per_sentence = 13
    wanted = max(3, min(len(patterns), budget // per_sentence))
    first, middle, last = patterns[0], list(patterns[1:-2]), list(patterns[-2:])
    keep = sorted(rng.sample(range(len(middle)), max(0, min(len(middle), wanted - 3))))
    return [first, *(middle[i] for i in keep), *last]


def _paragraphs(sentences: list[str], size: int) -> list[str]:
    return [" ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)]


class Plot:
    def __init__(self, spec: StorySpec) -> None:
        self.spec = spec
        self.rng = seeded("story", spec.seed, spec.prompt)
        self.cast = cast_for(spec, self.rng)
        self.teller = Teller(self.cast, self.rng)
        self.target = spec.words

    def _sequence(self, patterns: Sequence[str], share: float) -> list[str]:
        picked = _ordered_pick(patterns, round(self.target * share), self.rng)
        return [s for s in (self.teller.say(p) for p in picked) if s]

    def _episode(self, decks: dict[str, Deck], small: bool) -> list[str]:
        shape = (
            ("arrival", "detail", "trouble", "effort")
            if small
            else ("arrival", "detail", "detail", "trouble", "effort", "effort", "effort")
        )
        sentences = []
        for part in shape:
            deck = decks[part]
            reused = deck.rounds > 1 or not deck.left
            sentence = self.teller.say(deck.draw(), reused=reused)
            if sentence:
                sentences.append(sentence)
        return sentences

    def _episodes(self, until: int) -> list[str]:
        decks = {
            "arrival": Deck(words.ARRIVAL, self.rng),
            "detail": Deck(words.DETAIL, self.rng),
            "trouble": Deck(words.TROUBLE, self.rng),
            "effort": Deck(words.EFFORT, self.rng),
        }
        paragraphs: list[str] = []
        small = self.target < 400
        while not paragraphs or self.teller.count < until:
            episode = self._episode(decks, small)
            if not episode:
                break
            paragraphs.append(" ".join(episode))
        return paragraphs

    def write(self) -> WrittenStory:
        opening = self._sequence(words.OPENING, 0.16)
        closing_words = round(self.target * 0.2)
        middle = self._episodes(self.target - closing_words - 10)
        climax = self._sequence(words.CLIMAX, 0.12)
        ending = self._sequence(words.ENDING, 0.08)
        size = 3 if self.target < 400 else 5
        paragraphs = [
            *_paragraphs(opening, size),
            *middle,
            *_paragraphs(climax, size),
            *_paragraphs(ending, size),
        ]
        return WrittenStory(self._title(), "\n\n".join(paragraphs))

    def _title(self) -> str:
        thing = self.cast.goal.removeprefix("the ")
        thing_title = "the " + " ".join(w.capitalize() for w in thing.split())
        pattern = self.rng.choice(words.TITLES)
        title = pattern.format(hero=self.cast.hero, thing_title=thing_title)
        return title[0].upper() + title[1:]


def write_story(spec: StorySpec) -> WrittenStory:
    if spec.language.split("-")[0].lower() not in LANGUAGES:
        raise FinalProviderError(
            f"the local story writer writes {', '.join(LANGUAGES)}, not {spec.language}"
        )
    return Plot(spec).write()
