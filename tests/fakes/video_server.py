"""A fake asynchronous video API, the protocol `genqueue.providers.openai.video` speaks
(NOTES-remote.md documents it):

- `POST /v1/videos` JSON `{prompt, image (base64 PNG), duration, resolution, seed}` →
  202 `{id, status: "queued", progress: 0}`;
- `GET /v1/videos/{id}` → `{id, status: queued|running|succeeded|failed, progress 0–100,
  error, video: {content_type, width, height, duration} once succeeded}`; each poll
  advances the task one step, so it succeeds on poll number `polls_to_ready`;
- `GET /v1/videos/{id}/content` → the video file (WebM/VP8, scaled down by
  `frame_scale` from the asked resolution, `fps` frames a second); 409 before it is ready.
"""

from __future__ import annotations

import base64
import binascii
import threading
import uuid
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.fakes.media import png_size, webm
from tests.fakes.server import FakeServer, Recorded, error, json_answer

RESOLUTIONS = {"480p": (854, 480), "720p": (1280, 720), "1080p": (1920, 1080)}
DURATIONS = (5, 8)
CONTENT_TYPE = "video/webm"


@dataclass
class Task:
    id: str
    seed: str
    duration: int
    width: int
    height: int
    polls: int = 0
    status: str = "queued"
    progress: int = 0
    error: str | None = None


@dataclass
class VideoServer(FakeServer):
    """The video fake. `fail_tasks`, when set, is the error every task ends `failed` with
    (on the poll it would have succeeded on)."""

    polls_to_ready: int = 3
    frame_scale: int = 8
    fps: int = 4
    fail_tasks: str | None = None
    tasks: dict[str, Task] = field(default_factory=dict)
    _task_lock: threading.Lock = field(default_factory=threading.Lock)

    def routes(self) -> list[Route]:
        return [
            self.route("/v1/videos", self._submit, "POST"),
            self.route("/v1/videos/{task_id}", self._poll, "GET"),
            self.route("/v1/videos/{task_id}/content", self._content, "GET"),
        ]

    async def _submit(self, request: Request, recorded: Recorded) -> Response:
        try:
            body = recorded.json()
            image = base64.b64decode(body["image"], validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error):
            return error(400, "The body is JSON with 'image' (base64 PNG), 'prompt', ….")
        if png_size(image) is None:
            return error(400, "'image' is not a PNG.")
        if body.get("duration") not in DURATIONS:
            return error(400, f"'duration' is one of {DURATIONS}.")
        size = RESOLUTIONS.get(str(body.get("resolution")))
        if size is None:
            return error(400, f"'resolution' is one of {sorted(RESOLUTIONS)}.")
        width, height = (max(16, side // self.frame_scale) // 2 * 2 for side in size)
        task = Task(uuid.uuid4().hex, str(body.get("seed", "")), body["duration"], width, height)
        with self._task_lock:
            self.tasks[task.id] = task
        return json_answer({"id": task.id, "status": task.status, "progress": 0}, 202)

    async def _poll(self, request: Request, recorded: Recorded) -> Response:
        with self._task_lock:
            task = self.tasks.get(request.path_params["task_id"])
            if task is None:
                return error(404, "No such video task.")
            self._advance(task)
            return json_answer(self._view(task))

    async def _content(self, request: Request, recorded: Recorded) -> Response:
        with self._task_lock:
            task = self.tasks.get(request.path_params["task_id"])
        if task is None:
            return error(404, "No such video task.")
        if task.status != "succeeded":
            return error(409, f"The video is {task.status}, not ready.")
        frames = task.duration * self.fps
        data = webm(task.width, task.height, self.fps, frames, task.seed or task.id)
        return Response(data, media_type=CONTENT_TYPE)

    def _advance(self, task: Task) -> None:
        if task.status in ("succeeded", "failed"):
            return
        task.polls += 1
        if task.polls < self.polls_to_ready:
            task.status = "running"
            task.progress = task.polls * 100 // self.polls_to_ready
        elif self.fail_tasks is not None:
            task.status, task.error = "failed", self.fail_tasks
        else:
            task.status, task.progress = "succeeded", 100

    def _view(self, task: Task) -> dict[str, object]:
        view: dict[str, object] = {
            "id": task.id,
            "status": task.status,
            "progress": task.progress,
            "error": task.error,
        }
        if task.status == "succeeded":
            view["video"] = {
                "content_type": CONTENT_TYPE,
                "width": task.width,
                "height": task.height,
                "duration": task.duration,
            }
        return view
