"""An app module for `open_runtime`: the remote providers as a resource, one job type."""

from __future__ import annotations

from typing import Any

from genqueue.providers.base import ImageSpec, Providers
from genqueue.providers.openai import from_settings
from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry

RESOURCE = "remote-providers"

registry = Registry()
registry.resource(RESOURCE)(from_settings)


@registry.job("remote-draw", queue="default", attempts=2)
async def remote_draw(ctx: JobContext, data: Any) -> dict[str, Any]:
    remote = ctx.resources.get(RESOURCE, Providers)
    image = await remote.images.generate(ImageSpec(str(data["prompt"]), ctx.job.id))
    return {"bytes": len(image.data), "width": image.width}
