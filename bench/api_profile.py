"""Where a server's time goes under `api_load.py`: py-spy samples of the server process
(at most 100 Hz, so sampling does not distort it), summed into request stages.

`api_load.py --profile DIR` records one raw py-spy file per measured cell; this module's
`python bench/api_profile.py FILE...` prints the breakdown of each. Samples of waiting
threads are left out; every other sample is charged to the stage of its innermost frame
that belongs to a known stage (so a SQLite call made while estimating a job's wait counts
as store, not as wait), and the inclusive share of the genqueue functions that requests
pass through is listed beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

RATE_HZ = 100
FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^():]*)(?::\d+)?\)$")

# (stage, substrings of a frame's file): the first stage whose substring a frame's file
# holds is the frame's stage; frames of no stage are passed over towards the root. py-spy
# writes site-packages files relative ("fastapi/routing.py"), so files are matched with a
# "/" put in front.
STAGES: Sequence[tuple[str, Sequence[str]]] = (
    ("auth (JWT decode, token cache)", ("/genqueue/api/auth.py", "/jwt/")),
    ("rate limit (throttle)", ("/genqueue/api/limits.py",)),
    ("store call (SQLite/Redis)", ("/genqueue/stores/", "/sqlite3/", "/redis/")),
    ("engine", ("/genqueue/engine/",)),
    ("wait estimate", ("/genqueue/api/waits.py",)),
    ("JSON encode/decode", ("/json/", "/fastapi/encoders.py", "/genqueue/api/envelope.py")),
    ("pydantic (validation, serialisation)", ("/pydantic/", "/pydantic_core/")),
    (
        "threadpool hand-off (sync dependencies)",
        ("/anyio/", "/starlette/concurrency.py", "/threading.py", "/concurrent/futures/"),
    ),
    (
        "FastAPI telemetry hook (OpenTelemetry)",
        ("/fastapi/telemetry/", "/opentelemetry/", "/metrics/_internal/", "<frozen os>"),
    ),
    ("genqueue API (views, deps, middleware)", ("/genqueue/api/",)),
    ("FastAPI (routing, dependencies)", ("/fastapi/",)),
    ("Starlette (routing, requests, responses)", ("/starlette/",)),
    ("uvicorn + httptools (HTTP)", ("/uvicorn/", "/httptools/")),
    ("event loop (asyncio/uvloop, C below Python)", ("/asyncio/", "/uvloop/")),
)
OTHER = "other"
# Leaf frames of a thread that waits (an idle anyio worker thread, for one): not server time.
IDLE_LEAVES = (("wait", "threading.py"), ("get", "queue.py"), ("select", "selectors.py"))


@contextlib.contextmanager
def recording(pid: int, output: Path, seconds: float, rate: int = RATE_HZ) -> Iterator[None]:
    """py-spy on `pid` for `seconds` while the body runs (the body is the measured run)."""
    argv = ["py-spy", "record", "--pid", str(pid), "--rate", str(rate)]
    argv += ["--duration", str(max(1, round(seconds))), "--format", "raw", "--output", str(output)]
    spy = subprocess.Popen(
        [str(Path(sys.executable).parent / argv[0]), *argv[1:]],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield
    finally:
        _, err = spy.communicate(timeout=seconds + 60)
        if spy.returncode != 0:
            print(
                f"py-spy exited {spy.returncode}: {err.decode(errors='replace')}", file=sys.stderr
            )


def _stage(file: str) -> str | None:
    file = f"/{file}"
    for stage, needles in STAGES:
        if any(needle in file for needle in needles):
            return stage
    return None


def _frames(stack: str) -> list[tuple[str, str]]:
    frames = []
    for text in stack.split(";"):
        match = FRAME.match(text)
        if match:
            frames.append((match["func"], match["file"]))
    return frames


def _idle(frame: tuple[str, str]) -> bool:
    func, file = frame
    return any(func.endswith(name) and file.endswith(where) for name, where in IDLE_LEAVES)


def read_samples(path: Path) -> list[tuple[list[tuple[str, str]], int]]:
    samples = []
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            samples.append((_frames(stack), int(count)))
    return samples


def breakdown(path: Path) -> tuple[Counter[str], Counter[str], int]:
    """(samples per stage, inclusive samples per genqueue function, total samples)."""
    stages: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for frames, count in read_samples(path):
        if not frames or _idle(frames[-1]):
            continue
        total += count
        stage = next((s for _, f in reversed(frames) if (s := _stage(f))), OTHER)
        stages[stage] += count
        seen = {
            f"{func} ({file.split('genqueue/', 1)[-1]})"
            for func, file in frames
            if "genqueue/" in file
        }
        for name in seen:
            inclusive[name] += count
    return stages, inclusive, total


def report(path: Path, top: int = 15) -> str:
    stages, inclusive, total = breakdown(path)
    if total == 0:
        return f"{path.name}: no samples"
    lines = [f"{path.name}: {total} samples at {RATE_HZ} Hz", "  by stage (innermost frame):"]
    lines += [f"    {100 * n / total:5.1f}%  {stage}" for stage, n in stages.most_common()]
    lines.append("  genqueue functions, inclusive:")
    lines += [f"    {100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Summarise py-spy raw files from api_load.py.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    for path in args.files:
        print(report(path, args.top))


if __name__ == "__main__":
    main()
