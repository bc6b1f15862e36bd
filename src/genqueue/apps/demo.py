"""The built-in `demo` job type: progress per step, and failures on demand for trying retries."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry

registry = Registry()


class DemoFailure(RuntimeError):
    """Raised on purpose while the attempt number is at most `failAttempts`."""


class DemoData(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    steps: int = Field(default=5, ge=0, le=1000)
    step_seconds: float | None = Field(default=None, ge=0, le=3600, alias="stepSeconds")
    fail_attempts: int = Field(default=0, ge=0, le=100, alias="failAttempts")


def validate_demo(data: Any) -> dict[str, Any]:
    model = DemoData.model_validate(data if data is not None else {})
    return model.model_dump(by_alias=True, exclude_none=True)


def default_step_seconds() -> float:
    return float(os.environ.get("GENQUEUE_LOCAL_STEP_SECONDS", "1.0"))


@registry.job("demo", queue="default", validate=validate_demo)
async def demo(ctx: JobContext, data: dict[str, Any]) -> dict[str, Any]:
    """Sleep `steps` × `stepSeconds`, reporting progress; attempt n fails while n ≤ failAttempts."""
    options = DemoData.model_validate(data)
    step_seconds = (
        options.step_seconds if options.step_seconds is not None else default_step_seconds()
    )
    failing = ctx.attempt <= options.fail_attempts
    for step in range(1, options.steps + 1):
        await asyncio.sleep(step_seconds)
        if failing and step > options.steps // 2:
            raise DemoFailure(
                f"demo failure on attempt {ctx.attempt} (failAttempts={options.fail_attempts})"
            )
        percentage = round(step * 100 / options.steps, 2)
        await ctx.progress(
            percentage, current=step, total=options.steps, task=f"Step {step} of {options.steps}"
        )
    if failing:
        raise DemoFailure(
            f"demo failure on attempt {ctx.attempt} (failAttempts={options.fail_attempts})"
        )
    return {"steps": options.steps, "attempt": ctx.attempt}
