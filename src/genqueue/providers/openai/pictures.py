"""What the remote providers check in the images they send and get back (with Pillow)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from genqueue.providers.base import RetryableProviderError

MIME_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
BASE_QUALITY = 90.0
"""The score of an image that has exactly the asked shape (see `quality`)."""


@dataclass(frozen=True, slots=True)
class Picture:
    data: bytes
    content_type: str
    width: int
    height: int


def picture_of(data: bytes, source: str) -> Picture:
    """The image in `data`, fully decoded once to prove it is whole.

    Bytes that are no image (or a cut one) are a `RetryableProviderError`: the request
    was fine, the answer came back broken, and a new attempt usually gets a whole one.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            kind, (width, height) = image.format or "", image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise RetryableProviderError(f"{source}: the image does not decode: {exc}") from exc
    content_type = MIME_TYPES.get(kind)
    if content_type is None:
        raise RetryableProviderError(f"{source}: an image in an unexpected format ({kind})")
    return Picture(data, content_type, width, height)


def quality(picture: Picture, asked: tuple[int, int]) -> float:
    """A 0–100 score of how well the image meets its request; OpenAI returns none.

    The heuristic: `BASE_QUALITY` (90) for an image of exactly the asked size, scaled by
    how close its pixel count and its aspect ratio are to the asked ones (each a ratio
    ≤ 1). A remote image at the asked size always scores 90, so a quality threshold above
    90 fails every remote shot, one at or below passes them.
    """
    width, height = asked
    pixels = picture.width * picture.height
    size_fit = min(pixels, width * height) / max(pixels, width * height)
    aspect, asked_aspect = picture.width / picture.height, width / height
    aspect_fit = min(aspect, asked_aspect) / max(aspect, asked_aspect)
    return round(BASE_QUALITY * size_fit * aspect_fit, 1)
