"""The local video provider: a real VP9 WebM (which every Chromium plays) animated from
the still, encoded with PyAV on this machine.

It behaves like a remote video API: `submit` returns a task id at once, each `poll`
waits one step and renders one more second of video, and `fetch` hands over the file
once the last second is encoded. The animation is a slow camera push-in and drift over
the still (its own blurred copy fills the 16:9 frame), a gentle breathing bob, and a
fade in and out.
"""

from __future__ import annotations

import asyncio
import io
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import cast

import av
from av.container import OutputContainer
from av.video.stream import VideoStream
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, UnidentifiedImageError

from genqueue.providers.base import FinalProviderError, GeneratedVideo, VideoPoll, VideoSpec
from genqueue.providers.local.seeding import Pace, fraction, seeded

FPS = 24
SIZES = {"480p": (854, 480), "720p": (1280, 720), "1080p": (1920, 1080)}
BITRATES = {"480p": 1_200_000, "720p": 2_500_000, "1080p": 5_000_000}
MAX_SECONDS = 30
TASK_TTL_SECONDS = 3600.0
MAX_TASKS = 64
CONTENT_TYPE = "video/webm"
MOTES = 24
FRAME_FROM_IMAGE = cast(Callable[[Image.Image], av.VideoFrame], av.VideoFrame.from_image)
"""PyAV's stubs leave `from_image` untyped."""


@dataclass
class Still:
    """What every frame is cut from: the still, and a blurred, dimmed copy behind it."""

    image: Image.Image
    backdrop: Image.Image
    size: tuple[int, int]
    drift: float


def prepare(spec: VideoSpec) -> Still:
    if spec.resolution not in SIZES:
        raise FinalProviderError(
            f"resolution must be one of {', '.join(SIZES)}, not {spec.resolution}"
        )
    if not 1 <= spec.duration <= MAX_SECONDS:
        raise FinalProviderError(f"duration must be 1 to {MAX_SECONDS} seconds")
    try:
        with Image.open(io.BytesIO(spec.image)) as opened:
            image = opened.convert("RGBA")
    except (UnidentifiedImageError, OSError) as exc:
        raise FinalProviderError(f"the still cannot be read: {exc}") from None
    w, h = SIZES[spec.resolution]
    cover = max(w / image.width, h / image.height) * 1.15
    back = image.convert("RGB").resize(
        (math.ceil(image.width * cover), math.ceil(image.height * cover))
    )
    back = ImageEnhance.Brightness(back.filter(ImageFilter.GaussianBlur(w / 40))).enhance(0.55)
    return Still(image, back, (w, h), fraction("drift", spec.seed) * 2 - 1)


def _swayed(image: Image.Image, size: tuple[float, float], sway: float) -> Image.Image:
    """The still scaled to `size` and sheared about its bottom edge: the top leans by
    `sway` × height while the feet stay put. Outside the still is transparent."""
    width, height = size
    sx, sy = image.width / width, image.height / height
    coefficients = (sx, sx * sway, -sx * sway * height, 0.0, sy, 0.0)
    out = (math.ceil(width), math.ceil(height))
    return image.transform(out, Image.Transform.AFFINE, coefficients, Image.Resampling.BILINEAR)


def _motes(frame: Image.Image, seed: float, t: float) -> None:
    """Specks of light rising slowly through the frame."""
    w, h = frame.size
    draw = ImageDraw.Draw(frame, "RGBA")
    rng = seeded("motes", seed)
    for _ in range(MOTES):
        x0, y0, speed, size, phase = (rng.random() for _ in range(5))
        y = ((y0 - t * (0.02 + 0.05 * speed)) % 1.0) * h
        x = x0 * w + math.sin(t * 1.3 + phase * 6.3) * w * 0.01
        r = (1.5 + size * 3.5) * h / 720
        glow = round(90 + 110 * (0.5 + 0.5 * math.sin(t * 2.0 + phase * 6.3)))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 250, 225, glow))


def render_frame(still: Still, t: float, duration: float) -> Image.Image:
    """The frame at `t` seconds: the still pushed in (1.0 → 1.12), drifting, breathing and
    swaying, over its blurred copy, with rising motes, faded in and out."""
    w, h = still.size
    progress = t / duration
    bx = (still.backdrop.width - w) * (0.5 + 0.4 * still.drift * (progress - 0.5))
    by = (still.backdrop.height - h) / 2
    frame = still.backdrop.crop((round(bx), round(by), round(bx) + w, round(by) + h))
    zoom = 1.0 + 0.12 * (0.5 - 0.5 * math.cos(math.pi * progress))
    breath = 1.0 + 0.008 * math.sin(2 * math.pi * t / 2.4)
    fg_h = h * 0.96 * zoom * breath
    fg_w = fg_h / breath * still.image.width / still.image.height
    sway = 0.012 * math.sin(2 * math.pi * t / 3.2 + still.drift)
    x = (w - fg_w) / 2 + still.drift * w * 0.02 * progress - sway * fg_h / 2
    y = (h - h * 0.96 * zoom) / 2 + h * 0.96 * zoom - fg_h
    layer = _swayed(still.image, (fg_w, fg_h), sway)
    frame.paste(layer, (round(x), round(y)), layer)
    _motes(frame, still.drift, t)
    fade = min(1.0, t / 0.5, (duration - t) / 0.5)
    return frame if fade >= 1.0 else ImageEnhance.Brightness(frame).enhance(max(0.0, fade))


@dataclass
class Encoding:
    still: Still
    duration: int
    buffer: io.BytesIO
    container: OutputContainer
    stream: VideoStream
    frames_done: int = 0
    data: bytes | None = None

    @property
    def total_frames(self) -> int:
        return self.duration * FPS

    def encode_second(self) -> None:
        """The next FPS frames; after the last, flush and close the file."""
        end = min(self.total_frames, self.frames_done + FPS)
        for index in range(self.frames_done, end):
            image = render_frame(self.still, index / FPS, self.duration)
            frame = FRAME_FROM_IMAGE(image)
            frame.pts = index
            frame.time_base = Fraction(1, FPS)
            for packet in self.stream.encode(frame):
                self.container.mux(packet)
        self.frames_done = end
        if end == self.total_frames:
            for packet in self.stream.encode():
                self.container.mux(packet)
            self.container.close()
            self.data = self.buffer.getvalue()


def start_encoding(spec: VideoSpec) -> Encoding:
    still = prepare(spec)
    buffer = io.BytesIO()
    container = av.open(buffer, "w", format="webm")
    stream = container.add_stream("libvpx-vp9", rate=FPS)
    stream.width, stream.height = still.size
    stream.pix_fmt = "yuv420p"
    stream.bit_rate = BITRATES[spec.resolution]
    stream.options = {"deadline": "realtime", "cpu-used": "8", "row-mt": "1"}
    return Encoding(still, spec.duration, buffer, container, stream)


@dataclass
class Task:
    encoding: Encoding
    created: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    error: str | None = None


class LocalVideo:
    """Tasks live in this process (the worker that submits is the one that polls)."""

    poll_interval = 0.0
    """A poll already waits its own step; the handler need not wait between polls."""

    def __init__(self, pace: Pace) -> None:
        self.pace = pace
        self.tasks: dict[str, Task] = {}

    async def submit(self, spec: VideoSpec) -> str:
        await self.pace.steps(1)
        self._forget_old(time.monotonic())
        encoding = await asyncio.to_thread(start_encoding, spec)
        task_id = uuid.uuid4().hex
        self.tasks[task_id] = Task(encoding, time.monotonic())
        return task_id

    async def poll(self, task_id: str) -> VideoPoll:
        task = self._task(task_id)
        async with task.lock:
            encoding = task.encoding
            if task.error is None and encoding.data is None:
                await self.pace.steps(1)
                try:
                    await asyncio.to_thread(encoding.encode_second)
                except (av.error.FFmpegError, ValueError) as exc:
                    task.error = f"encoding failed: {exc}"
        if task.error is not None:
            return VideoPoll("failed", encoding.frames_done / encoding.total_frames, task.error)
        progress = encoding.frames_done / encoding.total_frames
        return VideoPoll("ready" if encoding.data is not None else "running", progress)

    async def fetch(self, task_id: str) -> GeneratedVideo:
        encoding = self._task(task_id).encoding
        if encoding.data is None:
            raise FinalProviderError(f"video task {task_id} is not ready")
        width, height = encoding.still.size
        return GeneratedVideo(encoding.data, CONTENT_TYPE, width, height, float(encoding.duration))

    def _task(self, task_id: str) -> Task:
        task = self.tasks.get(task_id)
        if task is None:
            raise FinalProviderError(f"no video task {task_id}", status=404)
        return task

    def _forget_old(self, now: float) -> None:
        """Drop tasks older than the TTL, and the oldest beyond MAX_TASKS: a job cancelled
        mid-video never fetches its task."""
        for task_id in [k for k, t in self.tasks.items() if now - t.created > TASK_TTL_SECONDS]:
            del self.tasks[task_id]
        while len(self.tasks) >= MAX_TASKS:
            del self.tasks[next(iter(self.tasks))]
