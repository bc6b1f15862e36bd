"""Bare SSE: a minimal Starlette app that broadcasts the feed's events to
`GET /events/{job}` streams, the way one writes it without a framework of one's own:
a queue per subscriber, each frame encoded once per event and put on every queue of
the job's subscribers, the stream ending after the job's final event.

    BENCH_FEED_SOCKET=/tmp/feed.sock uvicorn bench.realtime.bare_sse:app
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

from bench.realtime.feed import FINAL_KINDS, serving_feed

rooms: dict[str, set[asyncio.Queue[bytes | None]]] = {}


async def broadcast(event: dict[str, Any]) -> None:
    data = json.dumps(event["data"], separators=(",", ":")).encode()
    frame = b"id: %d\nevent: %s\ndata: %s\n\n" % (event["id"], event["kind"].encode(), data)
    final = event["kind"] in FINAL_KINDS
    for queue in rooms.get(event["jobId"], ()):
        queue.put_nowait(frame)
        if final:
            queue.put_nowait(None)


async def events(request: Request) -> StreamingResponse:
    job_id = request.path_params["job"]
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()
    rooms.setdefault(job_id, set()).add(queue)

    async def stream() -> AsyncIterator[bytes]:
        try:
            while (frame := await queue.get()) is not None:
                yield frame
        finally:
            rooms[job_id].discard(queue)

    headers = {"Cache-Control": "no-cache"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)


async def ready(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    async with serving_feed(broadcast):
        yield


app = Starlette(routes=[Route("/events/{job}", events), Route("/ready", ready)], lifespan=lifespan)
