"""The local text provider: stories (see `story`), a character's personality, and the
motion prompt a video starts from. All deterministic per seed."""

from __future__ import annotations

import asyncio
import math

from genqueue.providers.base import CharacterSketch, StorySpec, WrittenStory
from genqueue.providers.local.poses import pose_named
from genqueue.providers.local.seeding import Pace, seeded
from genqueue.providers.local.story import write_story

WORDS_PER_STEP = 250
TRAITS = (
    ("curious", "asks one more question than anyone expects"),
    ("loyal", "never leaves a friend behind, even when it costs something"),
    ("stubborn", "treats the word impossible as a personal challenge"),
    ("gentle", "speaks softly and notices when someone is left out"),
    ("witty", "answers trouble with a joke, usually a good one"),
    ("brave", "steps forward first, and is scared anyway"),
    ("dreamy", "drifts into daydreams and comes back with clever ideas"),
    ("practical", "always has the right tool, or makes one"),
    ("restless", "cannot sit still while there is a horizon to look at"),
    ("kind-hearted", "shares the last biscuit without being asked"),
    ("proud", "hates to admit a mistake, but always fixes it"),
    ("cautious", "checks the ice twice before stepping on it"),
)
HABITS = (
    "hums an old tune when thinking hard",
    "keeps a pocket full of small useful things",
    "counts steps when nervous",
    "names every animal they meet",
    "writes lists on the back of the hand",
    "laughs loudest at their own mistakes",
    "collects stories from strangers",
    "fidgets with a lucky coin",
)
FEARS = (
    "deep water",
    "being forgotten",
    "letting people down",
    "the dark between the stars",
    "quiet rooms",
    "losing their way",
)
MOTIONS = {
    "standing": "shifts weight from foot to foot and breathes calmly, glancing around",
    "waving": "raises a hand and waves warmly towards the camera",
    "pointing": "points into the distance, eyes following the gesture",
    "hands_on_hips": "stands tall with hands on hips, chin lifting with confidence",
    "arms_crossed": "taps a foot with arms crossed, then cracks a small smile",
    "thinking": "rubs the chin thoughtfully, eyes narrowing as an idea arrives",
    "running": "runs forward with arms pumping, hair and clothes streaming back",
    "walking": "walks forward at an easy pace, arms swinging naturally",
    "jumping": "leaps up with arms thrown high and lands with a bounce",
    "t_pose": "holds arms out level and turns slowly on the spot",
    "fighting": "bounces lightly in a guarded stance, fists up, ready",
    "dancing": "dances with a loose, happy rhythm, spinning once",
    "sitting": "sits at ease, swinging the feet and looking up with interest",
}
CAMERA = (
    "slow push-in from a medium shot",
    "gentle orbit from left to right",
    "steady locked-off camera at eye level",
    "soft handheld drift",
    "slow pull-back revealing the scene",
)


def personality_of(character: CharacterSketch) -> str:
    rng = seeded("personality", character.seed)
    first, second = rng.sample(TRAITS, 2)
    habit, fear = rng.choice(HABITS), rng.choice(FEARS)
    name = character.name
    about = character.description.strip().rstrip(".")
    lines = [f"{name} is {first[0]} and {second[0]}: {name} {first[1]}, and {second[1]}."]
    if about:
        lines.append(f"Those who know {name} would describe them as {about[0].lower()}{about[1:]}.")
    lines.append(f"{name} {habit}, and is secretly afraid of {fear}.")
    lines.append(
        f"At heart, {name} wants to prove that being {first[0]} is a strength, not a flaw."
    )
    return " ".join(lines)


def motion_prompt_of(character: CharacterSketch, pose: str | None) -> str:
    rng = seeded("motion", character.seed, pose)
    pose_name, _ = pose_named(pose)
    who = character.name + (
        f", {character.description.strip().rstrip('.')}" if character.description else ""
    )
    return (
        f"{who}. The character {MOTIONS[pose_name]}. "
        f"Camera: {rng.choice(CAMERA)}. "
        "Subtle breathing, natural blinking, light breeze in the hair; "
        "keep the face, outfit and colours exactly as in the reference image."
    )


class LocalText:
    def __init__(self, pace: Pace) -> None:
        self.pace = pace

    async def story(self, spec: StorySpec) -> WrittenStory:
        await self.pace.steps(max(2, math.ceil(spec.words / WORDS_PER_STEP)))
        return await asyncio.to_thread(write_story, spec)

    async def personality(self, character: CharacterSketch) -> str:
        await self.pace.steps(1)
        return personality_of(character)

    async def motion_prompt(self, character: CharacterSketch, pose: str | None) -> str:
        await self.pace.steps(1)
        return motion_prompt_of(character, pose)
