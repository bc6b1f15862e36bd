"""The public names stay importable from the package root."""

from __future__ import annotations

import genqueue


def test_every_public_name_imports() -> None:
    for name in genqueue.__all__:
        assert getattr(genqueue, name) is not None, name


def test_the_documented_quick_start_names() -> None:
    registry = genqueue.Registry()

    @registry.job("image", queue="image-generation", rate_limit="5/s", timeout="5m", attempts=3)
    async def image(ctx: genqueue.JobContext, data: dict[str, str]) -> dict[str, str]:
        return data

    assert registry.names == ["image"]
    assert genqueue.JobState.CANCELLED == "cancelled"
