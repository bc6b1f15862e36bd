"""The uploaded photo of seed 004: base64 (bare or a data URL) to checked image bytes.

A photo is refused before anything is queued when it is not base64, not a JPEG, PNG or
WebP that decodes whole, larger than MAX_PHOTO_BYTES, or over MAX_PHOTO_PIXELS (a
decompression bomb is refused from its header, before its pixels are decoded).
"""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000
MAX_BASE64_CHARS = 4 * math.ceil(MAX_PHOTO_BYTES / 3) + 1024
"""Longer text cannot decode to an acceptable photo (the 1 KiB is for a data URL header)."""
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

_DATA_URL = re.compile(r"^data:(?P<type>[^;,]*)(?P<params>(;[^;,]*)*),", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


class PhotoError(ValueError):
    """The upload is not a photo this service takes; the message says why."""


class PhotoTooLarge(PhotoError):
    pass


@dataclass(frozen=True, slots=True)
class Photo:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def decode_photo(text: str) -> Photo:
    """The checked photo of `originalImageBase64`, or a PhotoError."""
    return check_photo(_decode_base64(text))


def _decode_base64(text: str) -> bytes:
    payload = text.strip()
    match = _DATA_URL.match(payload)
    if match is not None:
        if ";base64" not in match.group("params").lower():
            raise PhotoError("originalImageBase64: a data URL must be base64 (;base64,)")
        payload = payload[match.end() :]
    payload = _WHITESPACE.sub("", payload)
    if len(payload) > MAX_BASE64_CHARS:
        raise PhotoTooLarge(_too_large(len(payload) * 3 // 4))
    if "-" in payload or "_" in payload:
        payload = payload.replace("-", "+").replace("_", "/")
    payload += "=" * (-len(payload) % 4)
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise PhotoError("originalImageBase64 is not valid base64") from None
    if not raw:
        raise PhotoError("originalImageBase64 is empty")
    return raw


def _too_large(size: int) -> str:
    limit = MAX_PHOTO_BYTES / (1024 * 1024)
    return f"the photo is {size / (1024 * 1024):.1f} MB; at most {limit:g} MB"


def check_photo(raw: bytes) -> Photo:
    """`raw` as a Photo when it is a whole JPEG, PNG or WebP within the limits."""
    if len(raw) > MAX_PHOTO_BYTES:
        raise PhotoTooLarge(_too_large(len(raw)))
    try:
        with Image.open(io.BytesIO(raw)) as image:
            kind, width, height = image.format, image.width, image.height
            if kind not in CONTENT_TYPES:
                raise PhotoError(f"the photo is {kind}; send a JPEG, PNG or WebP")
            if width * height > MAX_PHOTO_PIXELS:
                raise PhotoTooLarge(
                    f"the photo has {width}×{height} pixels; at most {MAX_PHOTO_PIXELS:,}"
                )
            image.load()
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoTooLarge(f"the photo has more than {MAX_PHOTO_PIXELS:,} pixels") from None
    except UnidentifiedImageError:
        raise PhotoError("originalImageBase64 is not an image (JPEG, PNG or WebP)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(f"the photo is damaged or cut short: {exc}") from None
    return Photo(raw, CONTENT_TYPES[kind], EXTENSIONS[kind], width, height)
