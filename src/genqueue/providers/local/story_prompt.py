"""Reading a story prompt: its noun phrases, the hero's role and what the hero is after.

A small heuristic, not a parser: a noun phrase is the words after a determiner up to a
stop word; a phrase opening the prompt is the hero's role (`a lighthouse keeper`), one
after a verb such as `finds` is the goal (`the map`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

STOPWORDS_TEXT = """
    a an the and or but of to in on at by for with about from into onto over under who
    whom whose which that this these those is are was were be been being am do does did
    has have had will would can could should may might must shall it its it's he she
    they them their his her him we us our you your i me my mine story tale write please
    about some any very really just also than then there here when where while what why
    how all every each one two three wants want wanted finds find found goes go went
    gets get got becomes become learns learn tries try makes make named called
    """
STOPWORDS = frozenset(STOPWORDS_TEXT.split())

DETERMINERS_TEXT = """
    a an the of with about from into for my his her their our
    """
DETERMINERS = frozenset(DETERMINERS_TEXT.split())

GOAL_VERBS_TEXT = """
    find finds found discover discovers discovered search searches seek seeks want wants
    save saves rescue rescues build builds visit visits reach reaches catch catches meet
    meets follow follows open opens solve solves protect protects chase chases
    """
GOAL_VERBS = frozenset(GOAL_VERBS_TEXT.split())


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
