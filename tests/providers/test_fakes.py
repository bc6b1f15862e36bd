"""The fakes themselves answer like the services they stand for, and their knobs work."""

from __future__ import annotations

import base64
import io
import struct
import time
import zlib

import av
import httpx
import pytest

from tests.fakes.media import png, png_size
from tests.fakes.openai_server import OpenAIServer, multipart_parts
from tests.fakes.video_server import VideoServer

AUTH = {"Authorization": "Bearer test-key"}


def png_pixels(data: bytes) -> bytes:
    """The decompressed scanlines of a PNG: proves its IDAT is a valid zlib stream."""
    offset, chunks = 8, []
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        payload = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + payload) & 0xFFFFFFFF == crc
        if kind == b"IDAT":
            chunks.append(payload)
        offset += 12 + length
    return zlib.decompress(b"".join(chunks))


def test_generations_answer_real_pngs_of_the_asked_size(openai_server: OpenAIServer) -> None:
    answer = httpx.post(
        f"{openai_server.base_url}/v1/images/generations",
        json={"model": "gpt-image-1", "prompt": "a red fox", "size": "320x200", "n": 2},
        headers=AUTH,
    )
    assert answer.status_code == 200
    images = [base64.b64decode(item["b64_json"]) for item in answer.json()["data"]]
    assert [png_size(image) for image in images] == [(320, 200), (320, 200)]
    assert len(png_pixels(images[0])) == 200 * (1 + 320 * 3)
    assert images[0] != images[1]
    assert openai_server.count("/v1/images/generations") == 1
    assert openai_server.recorded()[0].json()["prompt"] == "a red fox"


def test_edits_take_multipart_and_keep_the_upload_size(openai_server: OpenAIServer) -> None:
    upload = png(120, 80, "photo")
    answer = httpx.post(
        f"{openai_server.base_url}/v1/images/edits",
        data={"prompt": "watercolor", "model": "gpt-image-1"},
        files={"image": ("photo.png", upload, "image/png")},
        headers=AUTH,
    )
    assert answer.status_code == 200, answer.text
    image = base64.b64decode(answer.json()["data"][0]["b64_json"])
    assert png_size(image) == (120, 80)
    parts = {p.name: p for p in multipart_parts(openai_server.recorded()[0])}
    assert parts["image"].data == upload
    assert parts["prompt"].data == b"watercolor"


def test_chat_follows_the_asked_length(openai_server: OpenAIServer) -> None:
    answer = httpx.post(
        f"{openai_server.base_url}/v1/chat/completions",
        json={
            "model": "m",
            "messages": [
                {"role": "system", "content": "Give a title on the first line."},
                {"role": "user", "content": "About 300 words on dragons"},
            ],
        },
        headers=AUTH,
    )
    content = answer.json()["choices"][0]["message"]["content"]
    title, _, body = content.partition("\n\n")
    assert "Dragons" in title
    assert 280 <= len(body.split()) <= 330
    assert body.count("\n\n") >= 2
    untitled = httpx.post(
        f"{openai_server.base_url}/v1/chat/completions",
        json={"messages": [{"role": "user", "content": "Describe a brave otter"}]},
        headers=AUTH,
    ).json()["choices"][0]["message"]["content"]
    assert "\n" not in untitled
    assert "otter" in untitled
    assert 35 <= len(untitled.split()) <= 55


def test_knobs_fail_delay_and_check_the_key(openai_server: OpenAIServer) -> None:
    url = f"{openai_server.base_url}/v1/chat/completions"
    body = {"messages": [{"role": "user", "content": "hi"}]}
    openai_server.fail_next(2, 429, headers={"Retry-After": "7"})
    first = httpx.post(url, json=body, headers=AUTH)
    assert (first.status_code, first.headers["retry-after"]) == (429, "7")
    assert httpx.post(url, json=body, headers=AUTH).status_code == 429
    assert httpx.post(url, json=body, headers=AUTH).status_code == 200
    assert httpx.post(url, json=body).status_code == 401
    openai_server.fail_next(1, 200, body=b"{not json")
    assert httpx.post(url, json=body, headers=AUTH).content == b"{not json"
    openai_server.delay = 0.3
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(url, json=body, headers=AUTH, timeout=0.1)
    assert time.monotonic() - started < 0.3
    assert openai_server.count(url.removeprefix(openai_server.base_url)) == 6


def test_video_task_runs_its_steps_and_downloads(video_server: VideoServer) -> None:
    base = f"{video_server.base_url}/v1/videos"
    still = base64.b64encode(png(64, 64, "still")).decode()
    spec = {"prompt": "waves", "image": still, "duration": 5, "resolution": "480p", "seed": "s"}
    submitted = httpx.post(base, json=spec, headers=AUTH)
    assert submitted.status_code == 202
    task = submitted.json()["id"]
    assert httpx.get(f"{base}/{task}/content", headers=AUTH).status_code == 409
    polls = [httpx.get(f"{base}/{task}", headers=AUTH).json() for _ in range(3)]
    assert [p["status"] for p in polls] == ["running", "running", "succeeded"]
    assert [p["progress"] for p in polls] == [33, 66, 100]
    assert polls[-1]["video"] == {
        "content_type": "video/webm",
        "width": 106,
        "height": 60,
        "duration": 5,
    }
    video = httpx.get(f"{base}/{task}/content", headers=AUTH)
    assert video.content[:4] == b"\x1a\x45\xdf\xa3"  # EBML: Matroska/WebM
    assert httpx.get(f"{base}/nope", headers=AUTH).status_code == 404
    assert httpx.post(base, json={**spec, "duration": 6}, headers=AUTH).status_code == 400


def test_video_decodes_with_pyav(video_server: VideoServer) -> None:
    video_server.polls_to_ready = 1
    base = f"{video_server.base_url}/v1/videos"
    still = base64.b64encode(png(64, 64, "still")).decode()
    spec = {"prompt": "waves", "image": still, "duration": 8, "resolution": "720p"}
    task = httpx.post(base, json=spec, headers=AUTH).json()["id"]
    assert httpx.get(f"{base}/{task}", headers=AUTH).json()["status"] == "succeeded"
    data = httpx.get(f"{base}/{task}/content", headers=AUTH).content
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(video=0))
        seconds = container.duration / 1_000_000
    assert (stream.width, stream.height) == (160, 90)
    assert len(frames) == 8 * video_server.fps
    assert seconds == pytest.approx(8.0)
