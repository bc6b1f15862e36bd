"""Remote images against the OpenAI fake over loopback: what is sent, what comes back."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from genqueue.providers.base import (
    CharacterSketch,
    FinalProviderError,
    ImageSpec,
    PhotoEditSpec,
)
from genqueue.providers.openai import RemoteProviders
from genqueue.providers.openai.images import api_size
from tests.fakes.media import png
from tests.fakes.openai_server import OpenAIServer, multipart_parts
from tests.providers.conftest import MakeProviders

HERO = CharacterSketch(seed="c1", name="Mira", description="a fox in a green scarf")


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


async def test_generate_sends_the_spec_and_returns_a_real_png(
    providers: RemoteProviders, openai_server: OpenAIServer
) -> None:
    spec = ImageSpec(
        "a portrait",
        "seed-1",
        HERO,
        pose="waving",
        angle="left_profile",
        lens="85mm",
        style="anime",
    )
    image = await providers.images.generate(spec)
    picture = decoded(image.data)
    assert (picture.format, picture.size) == ("PNG", (1024, 1024))
    assert (image.content_type, image.width, image.height) == ("image/png", 1024, 1024)
    assert image.quality == 90.0
    [request] = openai_server.recorded("/v1/images/generations")
    assert request.headers["authorization"] == "Bearer test-key"
    body = request.json()
    assert body["model"] == "gpt-image-1"
    assert body["size"] == "1024x1024"
    assert "response_format" not in body
    for word in ("a portrait", "Mira", "green scarf", "waving", "left profile", "85mm", "anime"):
        assert word in body["prompt"]


async def test_a_reference_shot_goes_through_edits_with_the_reference(
    providers: RemoteProviders, openai_server: OpenAIServer
) -> None:
    reference = png(64, 64, "master")
    spec = ImageSpec("full body", "s", HERO, reference=reference, width=1200, height=800)
    image = await providers.images.generate(spec)
    assert decoded(image.data).size == (1536, 1024)
    [request] = openai_server.recorded("/v1/images/edits")
    parts = {part.name: part for part in multipart_parts(request)}
    assert parts["image"].data == reference
    assert parts["image"].content_type == "image/png"
    assert parts["size"].data == b"1536x1024"
    assert b"reference image" in parts["prompt"].data


async def test_dall_e_models_get_their_sizes_and_ask_for_base64(
    make_providers: MakeProviders, openai_server: OpenAIServer
) -> None:
    providers = await make_providers(openai_image_model="dall-e-3")
    image = await providers.images.generate(ImageSpec("tall", "s", width=600, height=900))
    assert (image.width, image.height) == (1024, 1792)
    body = openai_server.recorded()[0].json()
    assert (body["model"], body["response_format"]) == ("dall-e-3", "b64_json")


async def test_photo_edit_uploads_the_photo_and_keeps_its_orientation(
    providers: RemoteProviders, openai_server: OpenAIServer
) -> None:
    photo = jpeg(400, 300)
    spec = PhotoEditSpec(photo, "watercolor", "cover", "Leo", "space_adventure", "j1")
    image = await providers.images.edit(spec)
    assert decoded(image.data).size == (1536, 1024)
    assert image.quality == 90.0
    parts = {part.name: part for part in multipart_parts(openai_server.recorded()[0])}
    assert parts["image"].data == photo
    assert parts["image"].content_type == "image/jpeg"
    prompt = parts["prompt"].data.decode()
    for word in ("watercolor", "cover", "title", "Leo", "space adventure"):
        assert word in prompt


async def test_a_photo_that_is_no_image_is_final_and_never_sent(
    providers: RemoteProviders, openai_server: OpenAIServer
) -> None:
    spec = PhotoEditSpec(b"not a picture", "sketch", "page", "Leo", "forest", "j2")
    with pytest.raises(FinalProviderError, match="uploaded photo"):
        await providers.images.edit(spec)
    assert openai_server.count() == 0


@pytest.mark.parametrize(
    ("model", "asked", "sent"),
    [
        ("gpt-image-1", (768, 768), (1024, 1024)),
        ("gpt-image-1", (1100, 1000), (1024, 1024)),
        ("gpt-image-1", (1280, 720), (1536, 1024)),
        ("gpt-image-1", (720, 1280), (1024, 1536)),
        ("dall-e-3", (1920, 1080), (1792, 1024)),
        ("dall-e-2", (1920, 1080), (1024, 1024)),
    ],
)
def test_the_size_sent_is_the_models_nearest_in_shape(
    model: str, asked: tuple[int, int], sent: tuple[int, int]
) -> None:
    assert api_size(model, *asked) == sent
