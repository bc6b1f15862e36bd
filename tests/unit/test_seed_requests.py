"""The seed 003 and 004 request checks on their own: story bodies, and photo decoding."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from genqueue.apps.snap2story.photo import (
    MAX_PHOTO_BYTES,
    PhotoError,
    PhotoTooLarge,
    check_photo,
    decode_photo,
)
from genqueue.apps.snap2story.request import validate_snap
from genqueue.apps.stories.app import quality_word
from genqueue.apps.stories.request import validate_story


def _png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_story_request_is_normalised_and_unknown_fields_dropped() -> None:
    data = validate_story({"prompt": "  A fox  ", "length": "long", "colour": "red"})
    assert data == {"prompt": "A fox", "words": 1500, "language": "en"}


@pytest.mark.parametrize(
    "data",
    [None, [], {"prompt": ""}, {"prompt": "x", "words": 49}, {"prompt": "x", "length": "huge"}],
)
def test_bad_story_requests_are_value_errors(data: object) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        validate_story(data)


def test_quality_words_follow_the_length_and_the_paragraphs() -> None:
    three = "\n\n".join(["word " * 33] * 3)
    assert quality_word(100, three) == "excellent"
    assert quality_word(120, three) == "good"
    assert quality_word(300, three) == "fair"
    assert quality_word(99, "word " * 99) == "good", "one paragraph is not excellent"


@pytest.mark.parametrize(
    "text",
    [
        "data:image/png;base64," + base64.b64encode(_png()).decode(),
        "data:image/png;name=a.png;base64," + base64.b64encode(_png()).decode(),
        base64.b64encode(_png()).decode(),
        base64.urlsafe_b64encode(_png()).decode().rstrip("="),
        "\n".join(base64.encodebytes(_png()).decode().splitlines()),
    ],
)
def test_photos_decode_from_data_urls_and_bare_base64(text: str) -> None:
    photo = decode_photo(text)
    assert photo.data == _png()
    assert (photo.content_type, photo.extension, photo.width, photo.height) == (
        "image/png",
        "png",
        64,
        48,
    )


def test_photo_limits() -> None:
    with pytest.raises(PhotoTooLarge):
        check_photo(b"\0" * (MAX_PHOTO_BYTES + 1))
    with pytest.raises(PhotoError, match="not an image"):
        check_photo(b"GIF89a? no, just text")
    with pytest.raises(PhotoError, match="damaged"):
        check_photo(_png()[:60])


def test_a_snap_request_needs_one_photo() -> None:
    with pytest.raises(ValueError, match="originalImageBase64"):
        validate_snap({"heroName": "John"})
    with pytest.raises(ValueError, match="originalImageBase64"):
        validate_snap({"heroName": "John", "originalImageBase64": "x", "originalImageKey": "k"})
    data = validate_snap({"heroName": "John", "originalImageKey": "k", "extra": 1})
    assert data == {
        "heroName": "John",
        "themeId": "adventure",
        "styleKey": "watercolor",
        "kind": "cover",
        "originalImageKey": "k",
    }
