"""What the character platform's jobs take as data, checked before anything is queued.

The same models check a seed route's body and a job submitted to the generic
`POST /api/v1/jobs`, and a job's queued `data` validates again unchanged, so a job's
`type` and `data` can always be resubmitted.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from genqueue.apps.characters.poses import pose_named

MAX_ATTRIBUTES = 50
MAX_ATTRIBUTES_BYTES = 16 * 1024
Resolution = Literal["480p", "720p", "1080p"]
Duration = Literal[5, 8]
RecordId = Annotated[str, Field(min_length=1, max_length=100)]


def _valid_unicode(value: Any) -> None:
    """Refuse text that cannot be stored (a lone surrogate sent as a JSON escape)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from None


def _known_pose(pose_id: str | None) -> str | None:
    if pose_id is not None:
        pose_named(pose_id)
    return pose_id


class CharacterData(BaseModel):
    """A character to create. Fields beyond the named ones are kept as its `attributes`."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": True})

    name: str = Field(min_length=1, max_length=100, description="The character's name.")
    description: str = Field(default="", max_length=4000, description="Looks, role, story.")
    personality: str | None = Field(
        default=None,
        max_length=4000,
        description="Given, it is kept; else the text provider writes one.",
    )
    style: str | None = Field(
        default=None, max_length=100, description="A drawing style, e.g. watercolor, anime."
    )
    poseId: str | None = Field(
        default=None, max_length=100, description="The master reference image's pose."
    )
    attributes: dict[str, Any] = Field(
        default_factory=dict, description="Any other facts (age, traits...), kept as sent."
    )

    @model_validator(mode="before")
    @classmethod
    def _extras_into_attributes(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        named = {name: value[name] for name in cls.model_fields if name in value}
        extras = {k: v for k, v in value.items() if k not in cls.model_fields}
        if extras:
            attributes = named.get("attributes")
            if attributes is not None and not isinstance(attributes, dict):
                return value
            named["attributes"] = {**(attributes or {}), **extras}
        return named

    @field_validator("name")
    @classmethod
    def _name_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a name needs a visible character")
        return value.strip()

    @field_validator("poseId")
    @classmethod
    def _pose(cls, value: str | None) -> str | None:
        return _known_pose(value)

    @field_validator("attributes")
    @classmethod
    def _attributes_size(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(value) > MAX_ATTRIBUTES:
            raise ValueError(f"at most {MAX_ATTRIBUTES} other fields")
        if len(json.dumps(value, allow_nan=False)) > MAX_ATTRIBUTES_BYTES:
            raise ValueError(f"the other fields take at most {MAX_ATTRIBUTES_BYTES} bytes")
        return value

    @model_validator(mode="after")
    def _storable(self) -> CharacterData:
        _valid_unicode(self.model_dump())
        return self


class ImageOptions(BaseModel):
    """The body of `POST /api/v1/characters/{id}/generate-image/queue`."""

    model_config = ConfigDict(extra="forbid")

    poseId: str | None = Field(
        default=None, max_length=100, description="A pose of `GET /api/v1/poses`."
    )

    @field_validator("poseId")
    @classmethod
    def _pose(cls, value: str | None) -> str | None:
        return _known_pose(value)


class ImageData(ImageOptions):
    """An `image` job: a new image of one of the owner's characters."""

    characterId: RecordId


class VideoOptions(BaseModel):
    """The body of `POST /api/v1/characters/{id}/media/{mediaId}/generate-video/queue`."""

    model_config = ConfigDict(extra="forbid")

    duration: Duration = Field(description="Seconds: 5 or 8.")
    resolution: Resolution = Field(default="720p", description="480p, 720p or 1080p.")
    poseId: str | None = Field(
        default=None, max_length=100, description="A pose of `GET /api/v1/poses`."
    )

    @field_validator("poseId")
    @classmethod
    def _pose(cls, value: str | None) -> str | None:
        return _known_pose(value)


class VideoData(VideoOptions):
    """A `video` job: a short video animated from one of a character's images."""

    characterId: RecordId
    mediaId: RecordId


def _dumped(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def validate_character(data: Any) -> dict[str, Any]:
    return _dumped(CharacterData.model_validate(data))


def validate_image(data: Any) -> dict[str, Any]:
    return _dumped(ImageData.model_validate(data))


def validate_video(data: Any) -> dict[str, Any]:
    return _dumped(VideoData.model_validate(data))
