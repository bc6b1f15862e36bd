"""Seed 004, Snap2Story, end to end over HTTP on SQLite and Redis: a photo is checked and
stored before anything is queued, restyled by a worker into a PNG served without a token;
status words and progress, stats, health (503 when the store is down), cancel and
refunds, provider failures, and every kind of bad upload."""

from __future__ import annotations

import base64
import io
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from genqueue.apps.snap2story.photo import MAX_PHOTO_BYTES
from tests.api.conftest import Api, StartApi, eventually
from tests.e2e.stories_support import data_url, photo_bytes, poll, poll_seen, snap_body
from tests.fakes.openai_server import OpenAIServer
from tests.redis_support import start_server, stop_server

GENERATE = "/api/jobs/generate-image"


async def submit(api: Api, user: str = "alice", **fields: Any) -> dict[str, Any]:
    response = await api.client.post(GENERATE, json=snap_body(**fields), headers=api.auth(user))
    assert response.status_code == 202, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def refused(api: Api, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = await api.client.post(GENERATE, json=body, headers=api.auth())
    return response.status_code, response.json()


async def test_a_photo_becomes_a_restyled_png_served_without_a_token(
    start_api: StartApi,
) -> None:
    api = await start_api()
    upload = photo_bytes(320, 240, "JPEG")
    queued = await submit(api, photo=data_url(upload), unknown="ignored")
    job_id = queued["jobId"]
    assert queued == {
        "jobId": job_id,
        "status": "queued",
        "message": "Job queued successfully",
        "statusUrl": f"/api/jobs/{job_id}/status",
        "websocketSubscription": f"job:{job_id}",
    }
    done, seen = await poll_seen(api, queued["statusUrl"], {"completed", "failed"})
    assert done["status"] == "completed", done
    assert {body["status"] for body in seen} <= {"queued", "processing", "completed"}
    assert all(isinstance(body["progress"], float | int) for body in seen)
    assert done["progress"] == 100
    assert done["startedAt"]
    assert done["completedAt"]
    assert done["message"] == "Image generated successfully"
    result = done["result"]
    assert result["imageUrl"].startswith("/assets/")
    assert (result["heroName"], result["kind"], result["styleKey"]) == (
        "John",
        "cover",
        "watercolor",
    )

    image = await api.client.get(result["imageUrl"])
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    edited = Image.open(io.BytesIO(image.content))
    assert edited.format == "PNG"
    assert (edited.width, edited.height) == (result["width"], result["height"])
    original = Image.open(io.BytesIO(upload)).convert("RGB").resize(edited.size)
    difference = ImageChops.difference(original, edited.convert("RGB"))
    assert difference.getbbox() is not None, "the picture was edited"

    data = (await api.job(job_id))["data"]
    assert "originalImageBase64" not in data, "the queue holds the photo's key, not its bytes"
    stored = await api.client.get(f"/assets/{data['originalImageKey']}")
    assert stored.status_code == 200
    assert stored.content == upload


async def test_bare_base64_png_and_webp_are_taken(start_api: StartApi) -> None:
    api = await start_api()
    png = base64.b64encode(photo_bytes(200, 300, "PNG")).decode()
    webp = data_url(photo_bytes(240, 160, "WEBP"), "image/webp")
    for photo in (png, webp):
        job_id = (await submit(api, photo=photo, kind="page", styleKey="sketch"))["jobId"]
        done = await poll(api, f"/api/jobs/{job_id}/status", {"completed", "failed"})
        assert done["status"] == "completed", done
        assert done["result"]["kind"] == "page"


async def test_job_data_resubmits_for_its_owner_only(start_api: StartApi) -> None:
    api = await start_api(embedded_workers=0)
    job_id = (await submit(api))["jobId"]
    data = (await api.job(job_id))["data"]
    again = await api.submit(type="snap-image", data=data)
    assert again.status_code == 202, again.text
    stolen = await api.submit("bob", type="snap-image", data=data)
    assert stolen.status_code == 404, stolen.text
    made_up = await api.submit(type="snap-image", data={**data, "originalImageKey": "x/y.png"})
    assert made_up.status_code == 404


async def test_credits_are_charged_first_refunded_on_cancel_and_402_when_short(
    start_api: StartApi,
) -> None:
    api = await start_api(costs={"snap-image": 2}, initial_credits=3, embedded_workers=0)
    job_id = (await submit(api))["jobId"]
    assert await api.balance() == 1
    status, body = await refused(api, snap_body())
    assert status == 402
    assert body["data"] == {"balance": 1, "cost": 2}
    status, _ = await refused(api, snap_body(photo="not a photo"))
    assert status == 422, "a bad photo is refused before any charge"
    assert await api.balance() == 1

    queued = await poll(api, f"/api/jobs/{job_id}/status", {"queued"})
    assert queued["progress"] == 0
    assert queued["position"] == 1
    cancel = await api.client.delete(f"/api/jobs/{job_id}", headers=api.auth())
    assert cancel.status_code == 200, cancel.text
    assert cancel.json()["status"] == "cancelled"
    assert await api.balance() == 3
    again = await api.client.delete(f"/api/jobs/{job_id}", headers=api.auth())
    assert again.status_code == 409


async def test_a_running_job_is_cancelled_and_refunded(start_api: StartApi) -> None:
    api = await start_api(costs={"snap-image": 1}, local_step_seconds=0.5)
    job_id = (await submit(api))["jobId"]
    await poll(api, f"/api/jobs/{job_id}/status", {"processing"})
    cancel = await api.client.delete(f"/api/jobs/{job_id}", headers=api.auth())
    assert cancel.status_code == 200
    done = await poll(api, f"/api/jobs/{job_id}/status", {"cancelled", "completed", "failed"})
    assert done["status"] == "cancelled"
    assert await api.balance() == 100


async def test_stats_count_the_queue_and_health_reports_workers(start_api: StartApi) -> None:
    idle = await start_api(embedded_workers=0)
    first = (await submit(idle))["jobId"]
    await submit(idle, user="bob")
    stats = await idle.client.get("/api/jobs/stats", headers=idle.auth("carol"))
    assert stats.status_code == 200
    counts = stats.json()
    assert {k: counts[k] for k in ("waiting", "active", "completed", "failed")} == {
        "waiting": 2,
        "active": 0,
        "completed": 0,
        "failed": 0,
    }
    await idle.client.delete(f"/api/jobs/{first}", headers=idle.auth())
    assert (await idle.client.get("/api/jobs/stats", headers=idle.auth())).json()["cancelled"] == 1
    health = await idle.client.get("/api/jobs/health", headers=idle.auth())
    assert health.status_code == 200
    assert health.json()["status"] == "degraded", "no worker serves the queue"
    assert health.json()["store"] == {"reachable": True}

    busy = await start_api()

    async def healthy() -> dict[str, Any] | None:
        response = await busy.client.get("/api/jobs/health", headers=busy.auth())
        body: dict[str, Any] = response.json()
        return body if body["status"] == "healthy" else None

    body = await eventually(healthy)
    assert body["workers"]["serving"] >= 1
    assert body["workers"]["slots"] >= 4
    assert body["queue"] == "snap2story-image"
    await poll(busy, f"/api/jobs/{(await submit(busy))['jobId']}/status", {"completed"})
    stats = await busy.client.get("/api/jobs/stats", headers=busy.auth())
    assert stats.json()["completed"] >= 1
    for path in ("/api/jobs/stats", "/api/jobs/health"):
        assert (await busy.client.get(path)).status_code == 401


@pytest.mark.parametrize("store_url", ["redis"], indirect=True)
async def test_health_is_503_when_the_store_is_down(
    start_api: StartApi, store_url: str, tmp_path: Path
) -> None:
    process, port = start_server(tmp_path / "redis")
    try:
        api = await start_api(
            store_url=f"redis://127.0.0.1:{port}/0", embedded_workers=0, api_rate="off"
        )
        assert (await api.client.get("/api/jobs/health", headers=api.auth())).status_code == 200
    finally:
        stop_server(process)
    asked = time.monotonic()
    response = await api.client.get("/api/jobs/health", headers=api.auth(), timeout=20)
    assert response.status_code == 503
    assert time.monotonic() - asked < 10, "health answers, it does not hang on the store"
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["store"]["reachable"] is False
    assert body["store"]["error"]


async def test_another_users_job_and_other_job_types_are_not_found(api: Api) -> None:
    job_id = (await submit(api))["jobId"]
    for method in ("GET", "DELETE"):
        path = f"/api/jobs/{job_id}/status" if method == "GET" else f"/api/jobs/{job_id}"
        response = await api.client.request(method, path, headers=api.auth("bob"))
        assert response.status_code == 404, path
    unknown = await api.client.get(f"/api/jobs/{uuid.uuid4()}/status", headers=api.auth())
    assert unknown.status_code == 404
    demo = (await api.submit(type="demo", data={"steps": 1})).json()["data"]["jobId"]
    other = await api.client.get(f"/api/jobs/{demo}/status", headers=api.auth())
    assert other.status_code == 404, "seed 004 answers for snap-image jobs only"


def _gif() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 10, 10)).save(out, "GIF")
    return data_url(out.getvalue(), "image/gif")


def _huge_pixels() -> str:
    out = io.BytesIO()
    Image.new("L", (8000, 6000)).save(out, "PNG")
    return data_url(out.getvalue(), "image/png")


TRUNCATED = data_url(photo_bytes(320, 240, "PNG")[:400], "image/png")


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (snap_body(photo="%%% not base64 %%%"), 422, "base64"),
        (snap_body(photo=data_url(b"hello, this is text")), 422, "not an image"),
        (snap_body(photo="data:image/png,plain"), 422, "base64"),
        (snap_body(photo=""), 422, "empty"),
        (snap_body(photo=TRUNCATED), 422, "damaged"),
        (snap_body(photo=_gif()), 422, "GIF"),
        (snap_body(photo=_huge_pixels()), 422, "pixels"),
        ({k: v for k, v in snap_body().items() if k != "originalImageBase64"}, 422, "photo"),
        ({k: v for k, v in snap_body().items() if k != "heroName"}, 422, "heroName"),
        (snap_body(heroName="   "), 422, "blank"),
        (snap_body(styleKey="Water Color!"), 422, "styleKey"),
        (snap_body(kind="../cover"), 422, "kind"),
        (snap_body(themeId=""), 422, "themeId"),
    ],
)
async def test_every_bad_upload_is_refused_before_anything_is_queued(
    api: Api, body: dict[str, Any], status: int, words: str
) -> None:
    code, answer = await refused(api, body)
    assert code == status, answer
    assert answer["success"] is False
    assert words.lower() in str(answer).lower(), answer
    listed = await api.client.get("/api/v1/jobs?type=snap-image", headers=api.auth())
    assert listed.json()["pagination"]["total"] == 0


async def test_an_oversized_photo_is_413(api: Api) -> None:
    big = base64.b64encode(b"\0" * (MAX_PHOTO_BYTES + 512 * 1024)).decode()
    code, answer = await refused(api, snap_body(photo=big))
    assert code == 413, answer
    bigger = "A" * (api.settings.max_body_bytes + 1)
    code, _ = await refused(api, snap_body(photo=bigger))
    assert code == 413
    headers = {**api.auth(), "Content-Type": "application/json"}
    not_json = await api.client.post(GENERATE, content=b"{", headers=headers)
    assert not_json.status_code == 400


async def test_a_failing_provider_is_retried_then_failed_and_refunded(
    start_api: StartApi, openai_server: OpenAIServer
) -> None:
    openai_server.fail_next(100, 500)
    api = await start_api(
        costs={"snap-image": 1},
        provider="openai",
        openai_base_url=f"{openai_server.base_url}/v1",
        openai_api_key=openai_server.api_key,
    )
    job_id = (await submit(api))["jobId"]
    assert await api.balance() == 99

    async def retrying() -> dict[str, Any] | None:
        body = (await api.client.get(f"/api/jobs/{job_id}/status", headers=api.auth())).json()
        return body if body["status"] == "queued" and body["attemptsMade"] >= 1 else None

    await eventually(retrying)
    failed = await poll(api, f"/api/jobs/{job_id}/status", {"failed", "completed"})
    assert failed["status"] == "failed"
    assert failed["error"]
    assert failed["attemptsMade"] == 3
    assert openai_server.count("/v1/images/edits") == 3
    assert await api.balance() == 100


async def test_a_remote_image_editor_is_used_when_configured(
    start_api: StartApi, openai_server: OpenAIServer
) -> None:
    api = await start_api(
        provider="openai",
        openai_base_url=f"{openai_server.base_url}/v1",
        openai_api_key=openai_server.api_key,
    )
    job_id = (await submit(api))["jobId"]
    done = await poll(api, f"/api/jobs/{job_id}/status", {"completed", "failed"})
    assert done["status"] == "completed", done
    image = await api.client.get(done["result"]["imageUrl"])
    assert image.status_code == 200
    assert Image.open(io.BytesIO(image.content)).format == "PNG"
    assert openai_server.count("/v1/images/edits") == 1
