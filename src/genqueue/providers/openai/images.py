"""Images from an OpenAI-compatible API: `/images/generations`, and `/images/edits`
(multipart) both for photo edits and for shots drawn from a character's reference."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from genqueue.providers.base import (
    FinalProviderError,
    GeneratedImage,
    ImageSpec,
    PhotoEditSpec,
    RetryableProviderError,
)
from genqueue.providers.openai.http import ApiClient, expect
from genqueue.providers.openai.pictures import Picture, picture_of, quality
from genqueue.providers.openai.prompts import edit_prompt, image_prompt

WIDE = 1.2
"""An aspect ratio past which a request counts as landscape (or, inverted, portrait)."""
SIZES = {
    "dall-e-2": ((1024, 1024), (1024, 1024), (1024, 1024)),
    "dall-e-3": ((1024, 1024), (1792, 1024), (1024, 1792)),
}
GPT_IMAGE_SIZES = ((1024, 1024), (1536, 1024), (1024, 1536))
"""Square, landscape, portrait: the sizes gpt-image models (the default) accept."""


def api_size(model: str, width: int, height: int) -> tuple[int, int]:
    """The size the model accepts that is nearest in shape to the asked one."""
    square, landscape, portrait = SIZES.get(model, GPT_IMAGE_SIZES)
    aspect = width / height
    if aspect >= WIDE:
        return landscape
    if aspect <= 1 / WIDE:
        return portrait
    return square


class OpenAIImages:
    def __init__(self, client: ApiClient, model: str) -> None:
        self.client = client
        self.model = model

    async def generate(self, spec: ImageSpec) -> GeneratedImage:
        size = api_size(self.model, spec.width, spec.height)
        prompt = image_prompt(spec)
        if spec.reference is not None:
            reference = _input(spec.reference, "the character's reference image")
            answer = await self._edit(reference, prompt, size)
        else:
            body = {"model": self.model, "prompt": prompt, "n": 1, "size": _text(size)}
            body.update(self._format())
            answer = await self.client.json("POST", "images/generations", json=body)
        return self._image(answer, size)

    async def edit(self, spec: PhotoEditSpec) -> GeneratedImage:
        photo = _input(spec.photo, "the uploaded photo")
        size = api_size(self.model, photo.width, photo.height)
        answer = await self._edit(photo, edit_prompt(spec), size)
        return self._image(answer, size)

    async def _edit(self, image: Picture, prompt: str, size: tuple[int, int]) -> Any:
        extension = image.content_type.removeprefix("image/")
        files = {"image": (f"image.{extension}", image.data, image.content_type)}
        form = {"model": self.model, "prompt": prompt, "n": "1", "size": _text(size)}
        form.update(self._format())
        return await self.client.json("POST", "images/edits", data=form, files=files)

    def _format(self) -> dict[str, str]:
        """DALL·E models answer URLs unless asked for base64; gpt-image ones always send
        base64 and refuse the parameter."""
        return {"response_format": "b64_json"} if self.model.startswith("dall-e") else {}

    def _image(self, answer: Any, asked: tuple[int, int]) -> GeneratedImage:
        encoded = expect(self.client.name, answer, "data.0.b64_json", str)
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise RetryableProviderError(
                f"{self.client.name}: the image's base64 is garbled: {exc}"
            ) from exc
        picture = picture_of(data, self.client.name)
        return GeneratedImage(
            picture.data,
            picture.content_type,
            quality(picture, asked),
            picture.width,
            picture.height,
        )


def _input(data: bytes, what: str) -> Picture:
    """An image we are about to send: one that does not decode never will (final)."""
    try:
        return picture_of(data, what)
    except RetryableProviderError as exc:
        raise FinalProviderError(str(exc)) from exc


def _text(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"
