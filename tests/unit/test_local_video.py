"""The local video provider writes a real VP9 WebM: it decodes (PyAV), with the asked
size, duration and frame count, and it moves; submit/poll/fetch behave like a remote API."""

from __future__ import annotations

import asyncio
import io
import shutil
from pathlib import Path

import av
import pytest
from PIL import Image, ImageChops, ImageStat

from genqueue.providers.base import CharacterSketch, FinalProviderError, ImageSpec, VideoSpec
from genqueue.providers.local.images import render_character
from genqueue.providers.local.seeding import Pace
from genqueue.providers.local.video import FPS, MAX_TASKS, LocalVideo

STILL = render_character(
    ImageSpec(prompt="", seed="c-1", character=CharacterSketch("c-1", "Pip"), width=512, height=512)
)


def spec(**changes: object) -> VideoSpec:
    values: dict[str, object] = {
        "image": STILL,
        "prompt": "Pip waves",
        "duration": 5,
        "resolution": "480p",
        "seed": "v-1",
    }
    values.update(changes)
    return VideoSpec(**values)  # type: ignore[arg-type]


async def make(video: LocalVideo, request: VideoSpec) -> tuple[bytes, list[float]]:
    task = await video.submit(request)
    progress = []
    for _ in range(request.duration + 2):
        poll = await video.poll(task)
        progress.append(poll.progress)
        if poll.state == "ready":
            break
    fetched = await video.fetch(task)
    return fetched.data, progress


@pytest.mark.parametrize(("resolution", "size"), [("480p", (854, 480)), ("720p", (1280, 720))])
async def test_the_video_decodes_with_its_size_and_duration(
    resolution: str, size: tuple[int, int]
) -> None:
    video = LocalVideo(Pace(0.0))
    data, progress = await make(video, spec(resolution=resolution))
    assert progress == sorted(progress)
    assert progress[-1] == 1.0
    assert len(progress) == 5
    with av.open(io.BytesIO(data)) as container:
        assert container.format.name.startswith("matroska")
        stream = container.streams.video[0]
        assert stream.codec_context.name == "vp9"
        assert (stream.codec_context.width, stream.codec_context.height) == size
        assert container.duration is not None
        assert abs(container.duration / av.time_base - 5) < 0.1
        frames = [frame.to_image() for frame in container.decode(video=0)]
    assert len(frames) == 5 * FPS
    middle, later = frames[len(frames) // 2], frames[len(frames) // 2 + 12]
    moved = sum(ImageStat.Stat(ImageChops.difference(middle, later)).mean) / 3
    assert moved > 0.5, "frames should move"
    assert sum(ImageStat.Stat(frames[0]).mean) < sum(ImageStat.Stat(middle).mean), "fades in"


async def test_fetch_before_ready_and_unknown_tasks_are_final_errors() -> None:
    video = LocalVideo(Pace(0.0))
    task = await video.submit(spec(duration=2))
    with pytest.raises(FinalProviderError):
        await video.fetch(task)
    with pytest.raises(FinalProviderError):
        await video.poll("no-such-task")


@pytest.mark.parametrize(
    "changes", [{"resolution": "4k"}, {"duration": 0}, {"duration": 99}, {"image": b"not a png"}]
)
async def test_bad_requests_are_final_errors(changes: dict[str, object]) -> None:
    with pytest.raises(FinalProviderError):
        await LocalVideo(Pace(0.0)).submit(spec(**changes))


async def test_fetch_reports_the_file() -> None:
    video = LocalVideo(Pace(0.0))
    data, _ = await make(video, spec(duration=2))
    assert data[:4] == b"\x1a\x45\xdf\xa3"
    image = Image.open(io.BytesIO(STILL))
    assert image.size == (512, 512)


PLAYER_PAGE = """<html><body><video id="v" src="clip.webm" muted autoplay></video>
<pre id="out">pending</pre><script>
const v = document.getElementById("v"), out = document.getElementById("out");
v.addEventListener("error", () => { out.textContent = "error " + (v.error && v.error.code); });
v.addEventListener("loadeddata", () => v.play().then(() => setTimeout(() => {
  out.textContent = `played ${v.videoWidth}x${v.videoHeight} ${v.duration} ${v.currentTime > 0}`;
}, 1000)));
</script></body></html>"""


def _chromium() -> str | None:
    return next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
    )


@pytest.mark.skipif(_chromium() is None, reason="no Chromium on this machine to play the file")
async def test_chromium_plays_it(tmp_path: Path) -> None:
    data, _ = await make(LocalVideo(Pace(0.0)), spec(duration=2))
    (tmp_path / "clip.webm").write_bytes(data)
    (tmp_path / "index.html").write_text(PLAYER_PAGE)
    command = [
        str(_chromium()),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--autoplay-policy=no-user-gesture-required",
        "--virtual-time-budget=5000",
        "--dump-dom",
        (tmp_path / "index.html").as_uri(),
    ]
    browser = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    page, _ = await asyncio.wait_for(browser.communicate(), 60)
    assert "played 854x480 2 true" in page.decode(), page.decode()[-500:]


async def test_old_tasks_are_forgotten() -> None:
    video = LocalVideo(Pace(0.0))
    first = await video.submit(spec(duration=1))
    for _ in range(MAX_TASKS):
        await video.submit(spec(duration=1))
    assert len(video.tasks) == MAX_TASKS
    with pytest.raises(FinalProviderError):
        await video.poll(first)
