"""What a seed 004 image request may say, before and after admission.

A request carries the photo as `originalImageBase64`; admission stores it as an asset
and queues its key as `originalImageKey` instead, so job data stays small. A job's data
can be resubmitted as it is: the key is accepted when it is one of the caller's uploads.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from genqueue.apps.snap2story.photo import MAX_BASE64_CHARS
from genqueue.apps.validation import clean_text, field_errors

SLUG = r"^[a-z0-9][a-z0-9_-]{0,59}$"
DEFAULT_THEME = "adventure"
DEFAULT_STYLE = "watercolor"
DEFAULT_KIND = "cover"


class SnapRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    heroName: str = Field(min_length=1, max_length=60, description="Drawn into the picture.")
    themeId: str = Field(default=DEFAULT_THEME, pattern=SLUG, description="The book's theme.")
    styleKey: str = Field(default=DEFAULT_STYLE, pattern=SLUG, description="The look.")
    kind: str = Field(default=DEFAULT_KIND, pattern=SLUG, description="The page layout.")
    originalImageBase64: str | None = Field(
        default=None,
        max_length=MAX_BASE64_CHARS,
        description=(
            "The photo: a JPEG, PNG or WebP of at most 10 MB and 40 megapixels, as a data URL "
            "(`data:image/jpeg;base64,...`) or bare base64."
        ),
    )
    originalImageKey: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Instead of the photo: the asset key of one of your uploads (job data).",
    )

    @field_validator("heroName")
    @classmethod
    def _hero(cls, value: str) -> str:
        text = clean_text(value)
        if text is None:
            raise ValueError("the hero's name is blank")
        return text

    @model_validator(mode="after")
    def _one_photo(self) -> SnapRequest:
        if (self.originalImageBase64 is None) == (self.originalImageKey is None):
            raise ValueError("send the photo as originalImageBase64 (or originalImageKey)")
        return self

    def queued(self, image_key: str) -> dict[str, Any]:
        """The job data once the photo is stored: its key instead of its bytes."""
        return {
            "heroName": self.heroName,
            "themeId": self.themeId,
            "styleKey": self.styleKey,
            "kind": self.kind,
            "originalImageKey": image_key,
        }


def parse_snap(data: Any) -> SnapRequest:
    if not isinstance(data, dict):
        raise ValueError("a snap-image job's data is an object with heroName and the photo")
    try:
        return SnapRequest.model_validate(data)
    except ValidationError as exc:
        raise ValueError(field_errors(exc)) from None


def validate_snap(data: Any) -> dict[str, Any]:
    """The registry's `validate` hook: the shape only; admission decodes the photo."""
    return parse_snap(data).model_dump(exclude_none=True)
