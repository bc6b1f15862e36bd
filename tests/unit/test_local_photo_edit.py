"""Seed 004's photo edit restyles the upload itself: pixels change, the aspect stays, each
style and each layout looks different, and a file that is not an image is a final error."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageStat

from genqueue.providers.base import FinalProviderError, PhotoEditSpec
from genqueue.providers.local.images import LocalImages
from genqueue.providers.local.layouts import LAYOUTS
from genqueue.providers.local.photo_edit import FILTERS, restyle
from genqueue.providers.local.seeding import Pace


def photo(size: tuple[int, int] = (900, 600), fmt: str = "JPEG") -> bytes:
    """A synthetic snapshot: a sky, a face, grass, some texture."""
    w, h = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(h):
        draw.line([(0, y), (w, y)], fill=(90 + y * 100 // h, 150, 250 - y * 80 // h))
    draw.ellipse(
        (w * 0.35, h * 0.2, w * 0.65, h * 0.8), fill=(226, 180, 150), outline=(90, 60, 40), width=6
    )
    for eye in (0.44, 0.56):
        draw.ellipse((w * eye - 12, h * 0.4 - 12, w * eye + 12, h * 0.4 + 12), fill=(30, 30, 30))
    draw.rectangle((0, h * 0.85, w, h), fill=(60, 140, 60))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def edit(
    data: bytes, style: str = "watercolor", kind: str = "cover", theme: str = "space"
) -> PhotoEditSpec:
    return PhotoEditSpec(
        photo=data, style_key=style, kind=kind, hero_name="Lily", theme_id=theme, seed="job-1"
    )


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b.resize(a.size))).mean) / 3


@pytest.mark.parametrize("style", sorted(FILTERS))
def test_every_style_changes_the_photo_and_keeps_its_aspect(style: str) -> None:
    original = photo((900, 600))
    data, width, height = restyle(edit(original, style, "page"))
    result = decoded(data)
    assert result.size == (width, height)
    assert abs(width / height - 1.5) < 0.01
    assert mean_difference(result, decoded(original)) > 4


@pytest.mark.parametrize("size", [(600, 900), (1600, 400), (64, 64)])
def test_the_aspect_survives_any_shape(size: tuple[int, int]) -> None:
    _, width, height = restyle(edit(photo(size, "PNG"), "cartoon", "cover"))
    assert abs(width / height - size[0] / size[1]) < 0.02


def test_styles_and_layouts_differ_from_each_other() -> None:
    original = photo()
    by_style = [decoded(restyle(edit(original, style, "page"))[0]) for style in sorted(FILTERS)]
    by_kind = [decoded(restyle(edit(original, "watercolor", kind))[0]) for kind in sorted(LAYOUTS)]
    for group in (by_style, by_kind):
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                assert mean_difference(first, second) > 2


def test_the_same_request_gives_the_same_picture() -> None:
    original = photo()
    assert restyle(edit(original, "pop_art", "cover")) == restyle(
        edit(original, "pop_art", "cover")
    )


def test_unknown_style_kind_and_theme_still_make_a_page() -> None:
    data, width, height = restyle(edit(photo(), "steampunk-glow", "sticker-sheet", "volcano"))
    assert decoded(data).size == (width, height)


async def test_a_file_that_is_not_an_image_is_a_final_error() -> None:
    images = LocalImages(Pace(0.0))
    with pytest.raises(FinalProviderError):
        await images.edit(edit(b"this is not a photo at all"))


async def test_edit_answers_a_png() -> None:
    made = await LocalImages(Pace(0.0)).edit(edit(photo((800, 800), "WEBP"), "sketch", "portrait"))
    assert made.content_type == "image/png"
    assert decoded(made.data).size == (made.width, made.height) == (800, 800)
