"""The local story writer: a plot (opening, episodes, climax, ending) told in sentences
drawn without replacement from the patterns in `story_words`, filled with the request's
hero and the nouns of its prompt, until the asked length is reached.

Deterministic per seed. A pattern is used once; when a long story has spent a road
part's patterns, its sentences are composed from parts (`Teller.compose`), and no
sentence ever repeats.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from genqueue.providers.base import FinalProviderError, StorySpec, WrittenStory
from genqueue.providers.local import story_genres as genres
from genqueue.providers.local import story_words as words
from genqueue.providers.local.seeding import seeded
from genqueue.providers.local.story_prompt import read_prompt

LANGUAGES = ("en",)
"""What the local writer writes; other languages are a final provider error."""


@dataclass(frozen=True, slots=True)
class Cast:
    hero: str
    role: str
    """What the hero is, from the prompt (`a lighthouse keeper`), else `someone`."""
    companion: str
    companion_short: str
    home: str
    tiny: bool
    goal: str
    """What the hero is after: the prompt's object (`the map`)."""
    things: tuple[str, ...]
    genre: genres.Genre


class Deck:
    """Draws without replacement, reshuffling after the last card. Sentence patterns are
    not drawn once `left` is empty; fillers and parts go round again."""

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


def genre_named(genre: str | None) -> genres.Genre:
    key = (genre or "adventure").lower()
    for word, name in genres.GENRE_WORDS:
        if word in key:
            return genres.GENRES[name]
    return genres.GENRES["adventure"]


def _short_name(companion: str) -> str:
    named = re.search(r"(?:called|named) ([A-Z][a-z]+)", companion)
    if named:
        return named.group(1)
    head = re.split(r" (?:who|with|whose|that|in|on|wearing)\b|,", companion)[0]
    return "the " + head.split(" ", 1)[1] if " " in head else head


def cast_for(spec: StorySpec, rng: random.Random, tiny: bool = False) -> Cast:
    genre = genre_named(spec.genre)
    hero = (spec.hero_name or "").strip() or rng.choice(genres.HERO_NAMES)
    first_name = hero.split()[0].lower()
    others = [c for c in genre.companions if _short_name(c).lower() != first_name]
    companion = "a good friend" if tiny else rng.choice(others or genre.companions)
    reading = read_prompt(spec.prompt)
    return Cast(
        hero=hero,
        role=reading.role or "someone",
        companion=companion,
        companion_short="their friend" if tiny else _short_name(companion),
        tiny=tiny,
        home=rng.choice(genre.home),
        goal=reading.goal,
        things=(reading.goal, *reading.others),
        genre=genre,
    )


SENTENCE_START = re.compile(r'((?:\."?|[!?]) )([a-z])')
"""A lower-case letter after a full stop (or ! or ? outside quotes): a sentence start."""
ARTICLE = re.compile(r"\b([Aa]) (?=([a-z]+))")
CONSONANT_SOUNDING = ("uni", "use", "eu", "one", "once")


def _article(match: re.Match[str]) -> str:
    """`a ancient` → `an ancient` (but `a unicorn`)."""
    word = match.group(2)
    vowel = word[0] in "aeiou" and not word.startswith(CONSONANT_SOUNDING)
    return f"{match.group(1)}n " if vowel else match.group(0)


class PartDecks:
    """A deck per list of sentence parts in `story_words`, by the list's name."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.decks: dict[str, Deck] = {}

    def draw(self, name: str) -> str:
        deck = self.decks.get(name)
        if deck is None:
            deck = self.decks[name] = Deck(getattr(words, name), self.rng)
        return deck.draw()


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
            "stranger": Deck(g.strangers, rng),
            "other": Deck(cast.things, rng),
        }
        self.leads = Deck(words.LEADS, rng)
        self.parts = PartDecks(rng)
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
            "edge": self.cast.genre.edge,
            "air": self.cast.genre.air,
            "camp": self.cast.genre.camp,
        }
        for name in re.findall(r"{(\w+)}", pattern):
            if name in self.fillers and name not in values:
                values[name] = self._filler(name)
        text = ARTICLE.sub(_article, pattern.format(**values))
        text = SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
        return text[0].upper() + text[1:]

    def _filler(self, name: str) -> str:
        deck = self.fillers[name]
        value = deck.draw()
        if name == "place" and deck.rounds > 1:
            adjective, noun = (
                self.rng.choice(words.PLACE_ADJECTIVES),
                self.rng.choice(words.PLACE_NOUNS),
            )
            value = f"a {adjective} {noun} beyond {value}"
        return value

    def say(self, pattern: str) -> str | None:
        """The pattern filled in, or None when that exact sentence was already told."""
        sentence = self.fill(pattern)
        if sentence in self.said:
            return None
        self.said.add(sentence)
        self.count += len(sentence.split())
        return sentence

    def compose(self, part: str) -> str | None:
        """A road sentence assembled from parts, for when the part's patterns are spent."""
        draw = self.parts.draw
        mover = draw("MOVERS")
        if part == "arrival":
            body = f"{draw('MOVED')} {draw('TOWARDS')} {{place}}, {draw('MANNERS')}"
        elif part == "detail":
            body = f"{draw('PERCEIVED')} {{sight}} {draw('AFTERTHOUGHTS')}"
        elif part == "trouble":
            body = f"{draw('FACED')} {{obstacle}}"
        else:
            body = f"{draw('EFFORTS')}, {draw('RESULTS')}"
        if mover == "{hero}":
            body = body.replace("were ", "was ", 1)
        return self.say(f"{self.leads.draw()}, {mover} {body}.")


@dataclass(slots=True)
class Line:
    text: str
    keep: bool = False
    """Kept when a short story is trimmed to length: it carries the plot."""

    @property
    def words(self) -> int:
        return len(self.text.split())


Paragraph = list[Line]
SCENES = frozenset({"rest", "memory", "meeting", "discovery", "dialogue"})
"""Scenes whose sentences follow on from each other: used once each, skipped when spent
(the road's parts are composed anew instead)."""
MAX_EPISODES = 400
"""A bound on the episode loop, far above what the longest story (5,000 words) needs."""
TINY_STORY = 110
"""Below this many words the companion is only "their friend": no room to introduce one."""


def _ordered_pick(patterns: Sequence[str], budget: int, rng: random.Random) -> list[str]:
    """About `budget` words' worth of patterns, in their order; the first and the last two
    always (they introduce and close the part)."""
    wanted = max(3, min(len(patterns), budget // 13))
    first, middle, last = patterns[0], list(patterns[1:-2]), list(patterns[-2:])
    keep = sorted(rng.sample(range(len(middle)), max(0, min(len(middle), wanted - 3))))
    return [first, *(middle[i] for i in keep), *last]


def _chunks(lines: list[Line], size: int) -> list[Paragraph]:
    return [lines[i : i + size] for i in range(0, len(lines), size)]


def _trim(paragraphs: list[Paragraph], target: int) -> None:
    """Drop optional sentences while the story is over the asked length, each time the one
    that brings it nearest, never emptying a paragraph or going under 87%."""
    total = sum(line.words for p in paragraphs for line in p)
    while total > target * 1.06:
        options = [
            (abs(total - line.words - target), i, line)
            for i, p in enumerate(paragraphs)
            if len(p) > 1
            for line in p
            if not line.keep and total - line.words >= target * 0.87
        ]
        if not options:
            return
        _, index, line = min(options, key=lambda option: option[0])
        paragraphs[index].remove(line)
        total -= line.words


class Plot:
    def __init__(self, spec: StorySpec) -> None:
        self.spec = spec
        self.target = spec.words
        self.rng = seeded("story", spec.seed, spec.prompt)
        self.cast = cast_for(spec, self.rng, tiny=self.target < TINY_STORY)
        self.teller = Teller(self.cast, self.rng)

    def _sequence(self, patterns: Sequence[str], share: float, kept: tuple[int, ...]) -> list[Line]:
        picked = _ordered_pick(patterns, round(self.target * share), self.rng)
        lines = []
        for index, pattern in enumerate(picked):
            text = self.teller.say(pattern)
            if text:
                lines.append(Line(text, keep=index in kept or index - len(picked) in kept))
        return lines

    def _shapes(self) -> tuple[tuple[str, ...], ...]:
        """Episode shapes: a stretch of road, then the kinds of scene a journey has."""
        if self.target < 250:
            return (("arrival", "trouble", "effort"),)
        if self.target < 600:
            return (("arrival", "detail", "trouble", "effort", "effort"),)
        road = ("arrival", "detail", "detail", "trouble", "effort", "effort", "effort")
        return (
            road,
            ("rest", "rest", "memory", "dialogue", "dialogue", "rest"),
            ("arrival", "meeting", "meeting", "meeting", "detail"),
            ("discovery", "discovery", "dialogue", "discovery", "memory"),
            road,
            ("arrival", "detail", "trouble", "dialogue", "effort", "effort"),
        )

    def _episodes(self, until: int) -> list[Paragraph]:
        parts = ("arrival", "detail", "trouble", "effort", "rest", "memory", "meeting")
        decks = {part: Deck(getattr(words, part.upper()), self.rng) for part in parts}
        decks["discovery"] = Deck(words.DISCOVERY, self.rng)
        decks["dialogue"] = Deck(words.DIALOGUE, self.rng)
        shapes = self._shapes()
        episodes: list[Paragraph] = []
        for turn in range(MAX_EPISODES):
            if episodes and self.teller.count >= until:
                break
            episode = []
            for part in shapes[turn % len(shapes)]:
                deck = decks[part]
                if deck.left:
                    text = self.teller.say(deck.draw())
                elif part in SCENES:
                    continue
                else:
                    text = self.teller.compose(part)
                if text:
                    episode.append(Line(text, keep=part == "arrival"))
            if episode:
                episodes.append(episode)
        return episodes

    def _one(self, patterns: Sequence[str], keep: bool = True) -> Line:
        usable = [p for p in patterns if "{role}" not in p or self.cast.role != "someone"]
        return Line(self.teller.say(self.rng.choice(usable)) or "", keep=keep)

    def _tiny(self) -> list[Paragraph]:
        """Under TINY_STORY words: a line to open, one episode, a line to find it, one to end."""
        opening = [self._one(words.TINY_OPENING), self._one(words.TINY_EXTRA, keep=False)]
        middle = self._episodes(self.target - 12)
        ending = [self._one(words.TINY_CLIMAX), self._one(words.TINY_ENDING)]
        return [opening, *middle, ending]

    def _full(self) -> list[Paragraph]:
        size = 3 if self.target < 400 else 5
        opening = self._sequence(words.OPENING, 0.16, (0, -2))
        climax = self._sequence(words.CLIMAX, 0.12, (0,))
        ending = self._sequence(words.ENDING, 0.08, (-1,))
        reflection = self._reflection()
        if reflection is not None:
            ending.insert(len(ending) - 1, reflection)
        middle = self._episodes(self.target - 4)
        paragraphs = [*_chunks(opening, size), *middle, *_chunks(climax, size)]
        return paragraphs + _chunks(ending, size)

    def _reflection(self) -> Line | None:
        """A closing thought pitched at the audience, when the request names one."""
        key = (self.spec.audience or "").lower()
        for word, audience in words.AUDIENCE_WORDS:
            if re.search(rf"\b{word}", key):
                sentence = self.teller.say(self.rng.choice(words.REFLECTIONS[audience]))
                return Line(sentence or "", keep=True)
        return None

    def write(self) -> WrittenStory:
        paragraphs = self._tiny() if self.cast.tiny else self._full()
        _trim(paragraphs, self.target)
        text = "\n\n".join(" ".join(line.text for line in p) for p in paragraphs if p)
        return WrittenStory(self._title(), text)

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
