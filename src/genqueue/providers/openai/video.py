"""The asynchronous video client: submit a task, poll it, download the file.

The protocol (NOTES-remote.md, and the fake in tests/fakes/video_server.py):
`POST videos` → `{id}`; `GET videos/{id}` → `{status, progress 0–100, error, video}`;
`GET videos/{id}/content` → the file.
"""

from __future__ import annotations

import base64
from typing import Any, Literal

from genqueue.providers.base import (
    FinalProviderError,
    GeneratedVideo,
    RetryableProviderError,
    VideoPoll,
    VideoSpec,
)
from genqueue.providers.openai.http import ApiClient, expect
from genqueue.providers.openai.prompts import video_prompt

State = Literal["queued", "running", "ready", "failed"]
STATES: dict[str, State] = {
    "queued": "queued",
    "running": "running",
    "succeeded": "ready",
    "failed": "failed",
}
DEFAULT_POLL_SECONDS = 2.0


class RemoteVideo:
    def __init__(self, client: ApiClient, poll_interval: float = DEFAULT_POLL_SECONDS) -> None:
        self.client = client
        self.poll_interval = poll_interval

    async def submit(self, spec: VideoSpec) -> str:
        body = {
            "prompt": video_prompt(spec.prompt, spec.duration),
            "image": base64.b64encode(spec.image).decode("ascii"),
            "duration": spec.duration,
            "resolution": spec.resolution,
            "seed": spec.seed,
        }
        answer = await self.client.json("POST", "videos", json=body)
        task_id: str = expect(self.client.name, answer, "id", str)
        if not task_id or "/" in task_id:
            raise FinalProviderError(f"{self.client.name}: unusable task id {task_id!r}")
        return task_id

    async def poll(self, task_id: str) -> VideoPoll:
        answer = await self._status(task_id)
        status = expect(self.client.name, answer, "status", str)
        state = STATES.get(status)
        if state is None:
            raise FinalProviderError(f"{self.client.name}: unknown task status {status!r}")
        progress = 100.0 if state == "ready" else _percent(answer.get("progress"))
        reason = None
        if state == "failed":
            reason = str(answer.get("error") or "the video service gave no reason")
        return VideoPoll(state, progress / 100, reason)

    async def fetch(self, task_id: str) -> GeneratedVideo:
        answer = await self._status(task_id)
        if answer.get("status") != "succeeded":
            raise RetryableProviderError(
                f"{self.client.name}: task {task_id} is {answer.get('status')!r}, not ready yet"
            )
        name = self.client.name
        width = expect(name, answer, "video.width", int)
        height = expect(name, answer, "video.height", int)
        duration = expect(name, answer, "video.duration", (int, float))
        response = await self.client.send("GET", f"videos/{task_id}/content")
        if not response.content:
            raise RetryableProviderError(f"{name}: task {task_id} downloaded empty")
        declared = answer["video"].get("content_type")
        sent = response.headers.get("content-type", "application/octet-stream")
        content_type = declared if isinstance(declared, str) and declared else sent
        return GeneratedVideo(response.content, content_type, width, height, float(duration))

    async def _status(self, task_id: str) -> Any:
        answer = await self.client.json("GET", f"videos/{task_id}")
        expect(self.client.name, answer, "status", str)
        return answer


def _percent(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return min(100.0, max(0.0, float(value)))
    return 0.0
