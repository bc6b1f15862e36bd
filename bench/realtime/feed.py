"""The event stream the bare servers broadcast: one JSON line per event over a Unix
socket whose path is in BENCH_FEED_SOCKET, written by `feeder.py`. Each line is
`{"id", "kind", "jobId", "data"}`, `data` being what genqueue's SSE frame carries."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

FINAL_KINDS = frozenset({"completed", "failed", "cancelled"})

Broadcast = Callable[[dict[str, Any]], Awaitable[None]]


@contextlib.asynccontextmanager
async def serving_feed(broadcast: Broadcast) -> AsyncIterator[None]:
    """Accept feeder connections on BENCH_FEED_SOCKET while the app runs; every line they
    send is decoded once and handed to `broadcast`, in order."""
    path = os.environ["BENCH_FEED_SOCKET"]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async for line in reader:
                await broadcast(json.loads(line))
        finally:
            writer.close()

    server = await asyncio.start_unix_server(handle, path, limit=1 << 20)
    try:
        yield
    finally:
        server.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
