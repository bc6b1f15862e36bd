"""genqueue's side of the benchmark: one no-op job type on its own queue, `bench`.

Workers load it with `genqueue worker --app bench.noop_app`. The handler returns the
time it started, so latency is measured at the same point as huey's task stamps it.
"""

from __future__ import annotations

import time
from typing import Any

from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry

QUEUE = "bench"
JOB_TYPE = "noop"

registry = Registry()


@registry.job(JOB_TYPE, queue=QUEUE)
async def noop(ctx: JobContext, data: dict[str, Any]) -> float:
    """Do nothing; the result is the handler's start time in Unix seconds."""
    return time.time()
