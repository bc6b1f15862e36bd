"""What a generation back end offers the seed apps: images, photo edits, text and video.

The local providers (the default) draw and write everything on this machine; the
OpenAI-compatible ones call a remote API. Handlers see only these protocols, chosen by
`GENQUEUE_PROVIDER`. A provider raises `RetryableProviderError` where another attempt
can help (429, 5xx, network, timeout) and `FinalProviderError` where it cannot (4xx).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from genqueue.engine.errors import DoNotRetry, GenqueueError


class ProviderError(GenqueueError):
    retryable = False

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RetryableProviderError(ProviderError):
    """Worth another attempt: rate limited, a server error, the network, a timeout."""

    retryable = True


class FinalProviderError(ProviderError, DoNotRetry):
    """Another attempt would fail the same way: a refused or malformed request. A handler
    that lets it propagate fails its job at once (`DoNotRetry`), without further attempts."""


@dataclass(frozen=True, slots=True)
class CharacterSketch:
    """What a provider knows of a character. `seed` (its id) makes local output repeatable."""

    seed: str
    name: str
    description: str = ""
    personality: str | None = None


@dataclass(frozen=True, slots=True)
class ImageSpec:
    prompt: str
    seed: str
    """The same seed and spec give the same picture from the local provider."""
    character: CharacterSketch | None = None
    pose: str | None = None
    angle: str | None = None
    """A shot angle such as `front`, `left_profile`, `back`."""
    lens: str | None = None
    """A focal length such as `85mm`."""
    style: str | None = None
    reference: bytes | None = None
    """The character's master reference image (PNG), when it has one."""
    attempt: int = 1
    """Which try at this shot; the local provider's quality varies with it."""
    width: int = 768
    height: int = 768


@dataclass(frozen=True, slots=True)
class PhotoEditSpec:
    """Seed 004: restyle an uploaded photo for one page of a picture book."""

    photo: bytes
    style_key: str
    kind: str
    """The page layout: `cover`, `page`, …"""
    hero_name: str
    theme_id: str
    seed: str


@dataclass(frozen=True, slots=True)
class GeneratedImage:
    data: bytes
    content_type: str
    quality: float
    """A score 0–100 of how well the image meets its spec."""
    width: int
    height: int


class ImageProvider(Protocol):
    async def generate(self, spec: ImageSpec) -> GeneratedImage: ...
    async def edit(self, spec: PhotoEditSpec) -> GeneratedImage: ...


@dataclass(frozen=True, slots=True)
class StorySpec:
    prompt: str
    hero_name: str | None
    words: int
    """The asked length; the story comes out near it."""
    seed: str
    genre: str | None = None
    audience: str | None = None
    language: str = "en"


@dataclass(frozen=True, slots=True)
class WrittenStory:
    title: str
    text: str
    """Paragraphs separated by blank lines."""


class TextProvider(Protocol):
    async def story(self, spec: StorySpec) -> WrittenStory: ...
    async def personality(self, character: CharacterSketch) -> str: ...
    async def motion_prompt(self, character: CharacterSketch, pose: str | None) -> str: ...


@dataclass(frozen=True, slots=True)
class VideoSpec:
    image: bytes
    """The still (PNG) the video starts from."""
    prompt: str
    duration: int
    """Seconds: 5 or 8."""
    resolution: str
    """`480p`, `720p` or `1080p`."""
    seed: str


@dataclass(frozen=True, slots=True)
class VideoPoll:
    state: Literal["queued", "running", "ready", "failed"]
    progress: float
    """0.0–1.0 as far as the provider tells."""
    error: str | None = None


@dataclass(frozen=True, slots=True)
class GeneratedVideo:
    data: bytes
    content_type: str
    width: int
    height: int
    duration: float


class VideoProvider(Protocol):
    """Asynchronous: submit a task, poll it every `poll_interval` seconds, fetch the file."""

    poll_interval: float

    async def submit(self, spec: VideoSpec) -> str: ...
    async def poll(self, task_id: str) -> VideoPoll: ...
    async def fetch(self, task_id: str) -> GeneratedVideo: ...


@dataclass(frozen=True, slots=True)
class Providers:
    images: ImageProvider
    text: TextProvider
    video: VideoProvider
