"""What a seed 003 story request may say, and its normal form as queued job data.

Seed 003 does not document the body of `POST /api/generate`; these are the fields its
front end sends. Unknown fields are ignored, as the seed's Express handler would.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from genqueue.apps.validation import clean_text, field_errors

MIN_WORDS = 50
MAX_WORDS = 5000
DEFAULT_WORDS = 800
LENGTH_WORDS = {"short": 300, "medium": 800, "long": 1500}
"""`length` may name a size instead of a number of words."""

LengthWord = Literal["short", "medium", "long"]
WordCount = Annotated[int, Field(ge=MIN_WORDS, le=MAX_WORDS)]


class StoryRequest(BaseModel):
    """A story to write; fields other than these are ignored."""

    model_config = ConfigDict(extra="ignore")

    prompt: str = Field(
        min_length=1,
        max_length=4000,
        description="What the story is about.",
        examples=["A lighthouse keeper finds a map in a bottle"],
    )
    heroName: str | None = Field(
        default=None, max_length=100, description="The main character's name."
    )
    words: int | None = Field(
        default=None,
        ge=MIN_WORDS,
        le=MAX_WORDS,
        description=f"The story's length in words (default {DEFAULT_WORDS}).",
    )
    length: WordCount | LengthWord | None = Field(
        default=None,
        description=(
            "Same as `words` (a number of words, or short = 300, medium = 800, long = 1500); "
            "`words` wins when both are given."
        ),
    )
    genre: str | None = Field(
        default=None, max_length=60, description="Free text.", examples=["adventure"]
    )
    audience: str | None = Field(
        default=None, max_length=60, description="Who it is for.", examples=["children"]
    )
    language: str = Field(
        default="en",
        pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$",
        description="A language code such as en or uk.",
    )

    @field_validator("prompt")
    @classmethod
    def _prompt_text(cls, value: str) -> str:
        text = clean_text(value)
        if text is None:
            raise ValueError("the prompt is blank")
        return text

    @field_validator("heroName", "genre", "audience")
    @classmethod
    def _optional_text(cls, value: str | None) -> str | None:
        return clean_text(value)

    @model_validator(mode="after")
    def _asked_words(self) -> StoryRequest:
        if self.words is None:
            if isinstance(self.length, int):
                self.words = self.length
            elif self.length is not None:
                self.words = LENGTH_WORDS[self.length]
            else:
                self.words = DEFAULT_WORDS
        return self

    @property
    def asked_words(self) -> int:
        return self.words or DEFAULT_WORDS

    def as_job_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "prompt": self.prompt,
            "heroName": self.heroName,
            "words": self.asked_words,
            "genre": self.genre,
            "audience": self.audience,
            "language": self.language,
        }
        return {k: v for k, v in data.items() if v is not None}


def validate_story(data: Any) -> dict[str, Any]:
    """The registry's `validate` hook: ValueError (→ 422) for a request that cannot be run."""
    if not isinstance(data, dict):
        raise ValueError("a story job's data is an object with at least a prompt")
    try:
        return StoryRequest.model_validate(data).as_job_data()
    except ValidationError as exc:
        raise ValueError(field_errors(exc)) from None
