"""Remote provider failures through a real worker on a SQLite file: a final one ends the
job on its first attempt (refunded), retryable ones spend the attempts with backoff."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from genqueue.bootstrap import open_runtime
from genqueue.config import Settings
from genqueue.engine.admission import Resources
from genqueue.engine.engine import Engine, EngineConfig
from genqueue.engine.job import Job, JobState
from genqueue.engine.policy import Backoff
from genqueue.providers.base import ImageSpec, Providers
from genqueue.providers.openai import RemoteProviders
from genqueue.stores.sqlite import SqliteStore
from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry
from genqueue.worker.runner import Worker
from tests.fakes.fixtures import remote_settings
from tests.fakes.openai_server import OpenAIServer
from tests.fakes.video_server import VideoServer
from tests.providers import remote_app
from tests.unit.test_worker import FAST, finished, running

GENERATIONS = "/v1/images/generations"


@dataclass
class Service:
    engine: Engine
    registry: Registry

    async def run_one(self) -> Job:
        async with running(Worker(self.engine, self.registry, options=FAST)):
            job = (await self.engine.submit("alice", "draw", {"prompt": "a lamp"})).job
            return await finished(self.engine, job.id, within=15)

    async def balance(self) -> int:
        return await self.engine.store.balance("alice")


@pytest.fixture
async def service(tmp_path: Path, providers: RemoteProviders) -> AsyncIterator[Service]:
    """A worker's engine whose `draw` job type (cost 2) calls the remote image provider."""
    registry = Registry()
    registry.queue("images", backoff=Backoff(base_seconds=0.05), timeout=5.0)

    @registry.job("draw", queue="images", attempts=3)
    async def draw(ctx: JobContext, data: Any) -> dict[str, Any]:
        remote = ctx.resources.get("providers", Providers)
        image = await remote.images.generate(ImageSpec(data["prompt"], ctx.job.id))
        return {"width": image.width, "quality": image.quality}

    store = SqliteStore(str(tmp_path / "remote.db"))
    await store.setup()
    config = EngineConfig(lease_seconds=5.0, costs={"draw": 2})
    resources = Resources({"providers": providers})
    yield Service(Engine(store, registry.catalog, config, resources=resources), registry)
    await store.close()


async def test_a_final_provider_error_fails_the_job_at_once_and_refunds(
    service: Service, openai_server: OpenAIServer
) -> None:
    before = await service.balance()
    openai_server.fail_next(5, 400, path=GENERATIONS)
    job = await service.run_one()
    assert (job.state, job.attempts_made) == (JobState.FAILED, 1)
    assert "OpenAI answered 400" in (job.failed_reason or "")
    assert "FinalProviderError" in (job.stacktrace or "")
    assert openai_server.count(GENERATIONS) == 1
    assert await service.balance() == before


async def test_retryable_errors_spend_the_attempts_then_succeed(
    service: Service, openai_server: OpenAIServer
) -> None:
    openai_server.fail_next(1, 503, path=GENERATIONS)
    openai_server.fail_next(1, 429, path=GENERATIONS, headers={"Retry-After": "1"})
    job = await service.run_one()
    assert (job.state, job.attempts_made) == (JobState.COMPLETED, 3)
    assert job.result == {"width": 1024, "quality": 90.0}
    first, limited, last = (r.at for r in openai_server.recorded(GENERATIONS))
    assert limited - first < 0.9  # the queue's backoff: 0.05 s
    assert last - limited >= 0.95  # the 429's Retry-After: 1 s


async def test_retryable_errors_past_the_attempts_fail_and_refund(
    service: Service, openai_server: OpenAIServer
) -> None:
    before = await service.balance()
    openai_server.fail_next(3, 502, path=GENERATIONS)
    job = await service.run_one()
    assert (job.state, job.attempts_made) == (JobState.FAILED, 3)
    assert "OpenAI answered 502" in (job.failed_reason or "")
    assert await service.balance() == before


async def test_the_runtime_builds_the_remote_providers_and_closes_them(
    tmp_path: Path, openai_server: OpenAIServer, video_server: VideoServer
) -> None:
    overrides = remote_settings(openai_server, video_server)
    settings = Settings(store_url=f"sqlite:///{tmp_path / 'runtime.db'}", **overrides)
    async with open_runtime(settings, ["tests.providers.remote_app"]) as runtime:
        remote = runtime.engine.resources.get(remote_app.RESOURCE, RemoteProviders)
        async with running(Worker(runtime.engine, runtime.registry, options=FAST)):
            submitted = await runtime.engine.submit("alice", "remote-draw", {"prompt": "a kite"})
            job = await finished(runtime.engine, submitted.job.id, within=15)
    assert job.state is JobState.COMPLETED
    assert job.result["width"] == 1024
    assert openai_server.recorded(GENERATIONS)[0].json()["prompt"] == "a kite"
    assert all(client.closed for client in remote.clients)
