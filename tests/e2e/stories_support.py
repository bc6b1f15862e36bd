"""Helpers for the seed 003 and 004 end-to-end tests: photos made with Pillow, polling
the seeds' own status routes, and the timeline of a batch of jobs."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from PIL import Image, ImageDraw

from tests.api.conftest import Api, eventually


def photo_bytes(width: int = 320, height: int = 240, image_format: str = "JPEG") -> bytes:
    """A small picture with a gradient and shapes (a stand-in for a phone photo)."""
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    assert pixels is not None
    for x in range(width):
        for y in range(height):
            pixels[x, y] = (x * 255 // width, y * 255 // height, 128)
    draw = ImageDraw.Draw(image)
    draw.ellipse((width // 4, height // 4, width // 2, height // 2), fill=(250, 220, 180))
    draw.rectangle((width // 2, height // 2, width - 10, height - 10), outline=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, image_format)
    return out.getvalue()


def data_url(data: bytes, content_type: str = "image/jpeg") -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def snap_body(photo: str | None = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "heroName": "John",
        "themeId": "adventure",
        "originalImageBase64": photo if photo is not None else data_url(photo_bytes()),
        "styleKey": "watercolor",
        "kind": "cover",
    }
    body.update(fields)
    return body


async def poll(api: Api, path: str, statuses: set[str], user: str = "alice") -> dict[str, Any]:
    """GET `path` until its `status` is one of `statuses`; returns that body."""

    async def check() -> dict[str, Any] | None:
        response = await api.client.get(path, headers=api.auth(user))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body if body["status"] in statuses else None

    return await eventually(check)


async def poll_seen(
    api: Api, path: str, final: set[str], user: str = "alice"
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Like `poll`, also returning every body seen on the way (to check the words used)."""
    seen: list[dict[str, Any]] = []

    async def check() -> dict[str, Any] | None:
        response = await api.client.get(path, headers=api.auth(user))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        seen.append(body)
        return body if body["status"] in final else None

    return await eventually(check), seen


def seconds(iso_time: str) -> float:
    return datetime.fromisoformat(iso_time.replace("Z", "+00:00")).timestamp()


def most_at_once(intervals: Iterable[tuple[float, float]]) -> int:
    """The largest number of [start, end) intervals that overlap at one moment."""
    events = sorted(
        [(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals],
        key=lambda e: (e[0], e[1]),
    )
    running = peak = 0
    for _, change in events:
        running += change
        peak = max(peak, running)
    return peak


def most_starts_within(starts: Iterable[float], window: float) -> int:
    """The largest number of start times inside any window of `window` seconds."""
    ordered = sorted(starts)
    peak = 0
    first = 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= window:
            first += 1
        peak = max(peak, last - first + 1)
    return peak
