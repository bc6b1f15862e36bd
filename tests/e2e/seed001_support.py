"""What the seed 001 tests share: its client flows over real HTTP, and checks of artifacts."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from typing import Any

import av
from PIL import Image

from tests.api.conftest import Api

DONE = {"completed", "failed", "cancelled"}
POLL_DEADLINE_SECONDS = 60.0
POLL_SECONDS = 0.05
CHARACTER_MILESTONES = [10, 30, 40, 60, 80, 100]
IMAGE_MILESTONES = [20, 40, 60, 80, 100]


async def queue_character(api: Api, user: str = "alice", **body: Any) -> str:
    body.setdefault("name", "Aria Moon")
    response = await api.client.post("/api/v1/characters/queue", json=body, headers=api.auth(user))
    assert response.status_code == 202, response.text
    return str(response.json()["data"]["jobId"])


async def create_character(api: Api, user: str = "alice", **body: Any) -> dict[str, Any]:
    """The synchronous route: the character as it answers it."""
    body.setdefault("name", "Aria Moon")
    response = await api.client.post("/api/v1/characters", json=body, headers=api.auth(user))
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def seed_job(api: Api, path: str, user: str = "alice") -> dict[str, Any]:
    response = await api.client.get(path, headers=api.auth(user))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    assert body["statusCode"] == 200
    data: dict[str, Any] = body["data"]
    return data


async def poll_until_done(
    api: Api, path: str, user: str = "alice", deadline: float = POLL_DEADLINE_SECONDS
) -> dict[str, Any]:
    """Poll a seed 001 status route as its documented client does, until the job ends."""
    return await wait_for(api, path, lambda job: job["status"] in DONE, user, deadline)


async def progress_milestones(api: Api, job_id: str) -> list[float]:
    """Every progress percentage the job reported, in order, read from the store's feed."""
    engine = api.app.state.api.engine
    events = await engine.events_after(None, 100_000)
    return [e.data["percentage"] for e in events if e.job_id == job_id and e.kind == "progress"]


async def fetch(api: Api, url: str) -> tuple[bytes, str]:
    assert url.startswith("/assets/"), url
    response = await api.client.get(url)
    assert response.status_code == 200, response.text
    return response.content, response.headers["content-type"]


def check_png(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        assert image.format == "PNG"
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
        assert len(colours) > 1, "a picture, not a flat fill"
        return image.size


def decode_video(data: bytes) -> tuple[int, int, float, int]:
    """(width, height, duration in seconds, frames) of a video, by decoding every frame."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        frames = [frame for frame in container.decode(stream)]
        last = frames[-1]
        assert last.time is not None
        duration = float(last.time) + float(1 / (stream.average_rate or 1))
        return frames[0].width, frames[0].height, duration, len(frames)


async def wait_for(
    api: Api,
    path: str,
    predicate: Callable[[dict[str, Any]], bool],
    user: str = "alice",
    deadline: float = POLL_DEADLINE_SECONDS,
) -> dict[str, Any]:
    """Poll a seed 001 status route until `predicate` holds, within `deadline` seconds
    (a video takes its encoding time on a busy machine)."""
    give_up = time.monotonic() + deadline
    while True:
        job = await seed_job(api, path, user)
        if predicate(job):
            return job
        assert time.monotonic() < give_up, f"{path} still {job['status']} after {deadline}s"
        await asyncio.sleep(POLL_SECONDS)


def queued_envelope(message: str, job_id: str, folder: str) -> dict[str, Any]:
    return {
        "success": True,
        "statusCode": 202,
        "message": message,
        "data": {"jobId": job_id, "status": "pending", "statusUrl": f"/api/v1/{folder}/{job_id}"},
    }


async def queue_media(api: Api, path: str, body: dict[str, Any] | None, user: str = "alice") -> str:
    response = await api.client.post(path, json=body, headers=api.auth(user))
    assert response.status_code == 202, response.text
    return str(response.json()["data"]["jobId"])


async def attempt_starts(api: Api, job_id: str) -> list[float]:
    engine = api.app.state.api.engine
    events = await engine.events_after(None, 100_000)
    return [e.at for e in events if e.job_id == job_id and e.kind == "active"]


async def make_video(api: Api, character: dict[str, Any]) -> str:
    path = (
        f"/api/v1/characters/{character['id']}/media/{character['masterReferenceId']}"
        "/generate-video/queue"
    )
    job_id = await queue_media(api, path, {"duration": 5, "resolution": "480p"})
    job = await poll_until_done(api, f"/api/v1/media-jobs/{job_id}")
    assert job["status"] == "completed", job
    return str(job["result"]["mediaId"])


async def job_total(api: Api) -> int:
    response = await api.client.get("/api/v1/jobs", headers=api.auth())
    return int(response.json()["pagination"]["total"])


async def character_ids(api: Api, user: str = "alice") -> list[str]:
    response = await api.client.get("/api/v1/characters", headers=api.auth(user))
    assert response.status_code == 200, response.text
    return [str(c["id"]) for c in response.json()["data"]]
