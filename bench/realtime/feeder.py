"""Plays `--jobs` demo jobs into a bare server's feed socket, as genqueue's worker runs
them: each job reports `active`, then progress every `--step-seconds` for `--steps`
steps, then `completed`; the starts are spread over the first step. Every event carries
`at`, the time it was sent (the "worker's report").

    python -m bench.realtime.feeder --socket /tmp/feed.sock --jobs 100 --steps 30
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from typing import Any


def job_ids(count: int) -> list[str]:
    return [f"job-{index:04d}" for index in range(count)]


class Feed:
    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.ids = itertools.count(1)

    async def send(self, job_id: str, kind: str, extra: dict[str, Any]) -> None:
        data = {"jobId": job_id, "type": "demo", "at": time.time(), **extra}
        line = {"id": next(self.ids), "kind": kind, "jobId": job_id, "data": data}
        self.writer.write(json.dumps(line, separators=(",", ":")).encode() + b"\n")
        await self.writer.drain()


async def job(feed: Feed, job_id: str, delay: float, steps: int, step_seconds: float) -> None:
    await asyncio.sleep(delay)
    await feed.send(job_id, "active", {"attempt": 1})
    for step in range(1, steps + 1):
        await asyncio.sleep(step_seconds)
        progress = {
            "percentage": round(step * 100 / steps, 2),
            "current": step,
            "total": steps,
            "task": f"Step {step} of {steps}",
        }
        await feed.send(job_id, "progress", progress)
    await feed.send(job_id, "completed", {"result": {"steps": steps, "attempt": 1}})


async def run(path: str, jobs: int, steps: int, step_seconds: float) -> None:
    _, writer = await asyncio.open_unix_connection(path)
    feed = Feed(writer)
    ids = job_ids(jobs)
    await asyncio.gather(
        *(job(feed, j, i * step_seconds / jobs, steps, step_seconds) for i, j in enumerate(ids))
    )
    writer.close()
    await writer.wait_closed()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--socket", required=True)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--step-seconds", type=float, default=0.1)
    args = parser.parse_args()
    asyncio.run(run(args.socket, args.jobs, args.steps, args.step_seconds))


if __name__ == "__main__":
    main()
