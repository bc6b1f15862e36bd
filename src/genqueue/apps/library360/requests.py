"""What a 360-set, core-set or single-image job asks for, checked before it is queued.

Each job type's `validate` turns the submitted options into one normal form that names
the shots to make (`shots`), so the queued data says exactly what the job does and a
resubmission of its `data` makes the same set.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from genqueue.apps.library360.shots import (
    CORE_SET,
    CORE_SET_SIZE,
    MAX_SHOTS,
    SHOTS,
    Shot,
    shot_named,
)

TYPE_360_SET = "360-set"
TYPE_CORE_SET = "core-set"
TYPE_SINGLE_IMAGE = "single-image"
LIBRARY_TYPES = (TYPE_360_SET, TYPE_CORE_SET, TYPE_SINGLE_IMAGE)

DEFAULT_STYLE = "character_production"
DEFAULT_THRESHOLD = 80
DEFAULT_RETRIES = 3
STYLE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,49}$"
CHARACTER_ID_LENGTH = 200


class ShotOptions(BaseModel):
    """The options seed 002's 360° request sends, all optional."""

    model_config = ConfigDict(extra="forbid")

    style: str = Field(
        default=DEFAULT_STYLE,
        pattern=STYLE_PATTERN,
        description="The look of the set: lowercase letters, digits, _ and -.",
    )
    qualityThreshold: float = Field(
        default=DEFAULT_THRESHOLD,
        ge=0,
        le=100,
        allow_inf_nan=False,
        description="A shot is retried while its quality score (0–100) is under this.",
    )
    maxRetries: int = Field(
        default=DEFAULT_RETRIES, ge=0, le=10, description="Retries per shot below the threshold."
    )


class SetOptions(ShotOptions):
    imageCount: int | None = Field(
        default=None,
        ge=1,
        le=MAX_SHOTS,
        description=f"How many shots, the most useful first (default all {MAX_SHOTS}).",
    )
    shots: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_SHOTS,
        description="Name the shots instead (e.g. front_85mm), to remake some of a set.",
    )

    @model_validator(mode="after")
    def _count_or_names(self) -> SetOptions:
        if self.imageCount is not None and self.shots is not None:
            raise ValueError("give imageCount or shots, not both")
        if self.shots is not None:
            for name in self.shots:
                shot_named(name)
            if len(set(self.shots)) != len(self.shots):
                raise ValueError("shots names each shot at most once")
        return self

    def shot_list(self, pool: Sequence[Shot], default_count: int) -> list[Shot]:
        if self.shots is None:
            return list(pool[: self.imageCount or default_count])
        chosen = [shot_named(name) for name in self.shots]
        outside = [shot.name for shot in chosen if shot not in pool]
        if outside:
            raise ValueError(f"not shots of this set: {', '.join(outside)}")
        return chosen


class CoreSetOptions(SetOptions):
    imageCount: int | None = Field(
        default=None,
        ge=1,
        le=CORE_SET_SIZE,
        description=f"How many of the {CORE_SET_SIZE} core shots, the most useful first "
        "(default all).",
    )


class SingleImageOptions(ShotOptions):
    shot: str | None = Field(default=None, description="The shot to make, e.g. front_85mm.")
    shots: list[str] | None = Field(
        default=None, min_length=1, max_length=1, description="The same as [shot]."
    )

    @model_validator(mode="after")
    def _one_shot(self) -> SingleImageOptions:
        if (self.shot is None) == (self.shots is None):
            raise ValueError("give the shot to make (shot: e.g. front_85mm)")
        shot_named(self.shot or (self.shots or [""])[0])
        return self

    def the_shot(self) -> Shot:
        return shot_named(self.shot or (self.shots or [""])[0])


class _CharacterField(BaseModel):
    characterId: str = Field(min_length=1, max_length=CHARACTER_ID_LENGTH)


class SetData(SetOptions, _CharacterField):
    pass


class CoreSetData(CoreSetOptions, _CharacterField):
    pass


class SingleImageData(SingleImageOptions, _CharacterField):
    pass


class SetRequest(BaseModel):
    """The normal form every library job is queued with (and a resubmission sends)."""

    model_config = ConfigDict(extra="forbid")

    characterId: str = Field(min_length=1, max_length=CHARACTER_ID_LENGTH)
    style: str = Field(pattern=STYLE_PATTERN)
    qualityThreshold: int | float = Field(ge=0, le=100, allow_inf_nan=False)
    maxRetries: int = Field(ge=0, le=10)
    shots: list[str] = Field(min_length=1, max_length=MAX_SHOTS)

    def shot_list(self) -> list[Shot]:
        return [shot_named(name) for name in self.shots]


def _checked(model: type[BaseModel], data: Any) -> Any:
    """The model of `data`, or a ValueError naming each bad field (one line each)."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'data'}: "
            + str(e["msg"]).removeprefix("Value error, ")
            for e in exc.errors()
        )
        raise ValueError(problems) from None


def _whole(number: float) -> int | float:
    """80.0 → 80: the threshold is queued (and shown) as the client wrote it."""
    return int(number) if number == int(number) else number


def _normal(options: ShotOptions, character_id: str, shots: list[Shot]) -> dict[str, Any]:
    return SetRequest(
        characterId=character_id,
        style=options.style,
        qualityThreshold=_whole(options.qualityThreshold),
        maxRetries=options.maxRetries,
        shots=[shot.name for shot in shots],
    ).model_dump()


def validate_360_set(data: Any) -> dict[str, Any]:
    options = _checked(SetData, data)
    return _normal(options, options.characterId, options.shot_list(SHOTS, MAX_SHOTS))


def validate_core_set(data: Any) -> dict[str, Any]:
    options = _checked(CoreSetData, data)
    return _normal(options, options.characterId, options.shot_list(CORE_SET, CORE_SET_SIZE))


def validate_single_image(data: Any) -> dict[str, Any]:
    options = _checked(SingleImageData, data)
    return _normal(options, options.characterId, [options.the_shot()])
