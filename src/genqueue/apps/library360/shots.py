"""The 360° shot list as data: nine camera angles around the character × three lenses.

A shot is named `<angle>_<lens>` (`front_85mm`), the word seed 002 uses as a generated
image's `angle`. `SHOTS` is in priority order: a set of `imageCount` N takes the first N,
so a short set still has the shots a character sheet needs most. The core set (the old
synchronous `generate-core-set`) is the first `CORE_SET_SIZE` of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Angle:
    name: str
    view: str
    """How a prompt describes it."""


@dataclass(frozen=True, slots=True)
class Lens:
    name: str
    framing: str


@dataclass(frozen=True, slots=True)
class Shot:
    angle: Angle
    lens: Lens

    @property
    def name(self) -> str:
        return f"{self.angle.name}_{self.lens.name}"

    def describe(self) -> str:
        return f"{self.angle.view}, {self.lens.framing}, {self.lens.name} lens"


ANGLES = {
    a.name: a
    for a in (
        Angle("front", "front view facing the camera"),
        Angle("front_left", "three-quarter view from the front left"),
        Angle("left_profile", "left profile"),
        Angle("back_left", "three-quarter view from the back left"),
        Angle("back", "back view"),
        Angle("back_right", "three-quarter view from the back right"),
        Angle("right_profile", "right profile"),
        Angle("front_right", "three-quarter view from the front right"),
        Angle("high_front", "front view from above"),
    )
}
LENSES = {
    lens.name: lens
    for lens in (
        Lens("35mm", "full body with the feet in frame"),
        Lens("50mm", "medium shot from the waist up"),
        Lens("85mm", "head and shoulders portrait"),
    )
}

_PRIORITY = (
    "front_50mm",
    "front_85mm",
    "front_35mm",
    "left_profile_50mm",
    "right_profile_50mm",
    "back_50mm",
    "front_left_85mm",
    "front_right_85mm",
)
CORE_SET_SIZE = len(_PRIORITY)


def _all_shots() -> tuple[Shot, ...]:
    every = {
        s.name: s for s in (Shot(a, lens) for a in ANGLES.values() for lens in LENSES.values())
    }
    first = [every.pop(name) for name in _PRIORITY]
    return (*first, *every.values())


SHOTS = _all_shots()
SHOT_NAMES = tuple(shot.name for shot in SHOTS)
MAX_SHOTS = len(SHOTS)
CORE_SET = SHOTS[:CORE_SET_SIZE]
_BY_NAME = {shot.name: shot for shot in SHOTS}


def shot_named(name: str) -> Shot:
    """The shot called `name`, or a ValueError listing the valid names."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown shot {name!r}; shots are {', '.join(SHOT_NAMES)}") from None
