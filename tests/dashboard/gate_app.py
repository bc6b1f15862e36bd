"""A job type for the browser test: it fails while its gate file is missing (as a job
fails while an upstream is down) and succeeds once the file exists, so a failed job can be
retried from the dashboard and seen to complete."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry

registry = Registry()


class GateClosed(RuntimeError):
    pass


@registry.job("gated", queue="default", attempts=1)
async def gated(ctx: JobContext, data: dict[str, Any]) -> dict[str, Any]:
    gate = Path(str(data["gate"]))
    if not await asyncio.to_thread(gate.exists):
        raise GateClosed(f"the gate {gate.name} is closed")
    await ctx.progress(100, current=1, total=1, task="Through the gate")
    return {"gate": gate.name}
