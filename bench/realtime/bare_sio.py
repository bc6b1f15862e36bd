"""Bare python-socketio: an `AsyncServer` on uvicorn whose clients join room
`job:<jobId>` with `subscribe_to_job {jobId}`; every feed event is emitted to its job's
room (`job_progress`, then `job_completed`), the way the library's docs show it.

    BENCH_FEED_SOCKET=/tmp/feed.sock uvicorn bench.realtime.bare_sio:app
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import socketio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bench.realtime.feed import serving_feed

sio = socketio.AsyncServer(async_mode="asgi")

NAMES = {"completed": "job_completed", "failed": "job_failed", "cancelled": "job_failed"}


@sio.on("subscribe_to_job")
async def subscribe_to_job(sid: str, data: dict[str, Any]) -> None:
    await sio.enter_room(sid, f"job:{data['jobId']}")


async def broadcast(event: dict[str, Any]) -> None:
    name = NAMES.get(event["kind"], "job_progress")
    await sio.emit(name, event["data"], room=f"job:{event['jobId']}")


async def ready(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    async with serving_feed(broadcast):
        yield


app = socketio.ASGIApp(sio, Starlette(routes=[Route("/ready", ready)], lifespan=lifespan))
