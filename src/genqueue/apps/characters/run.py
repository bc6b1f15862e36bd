"""One run of a character platform pipeline: a job's attempt, or a synchronous request.

The pipelines take a `Run` instead of a job context, so `POST /api/v1/characters` runs
the very code a `character` job runs, in the request. Record ids are derived from the
run's id (the job id), so an attempt that runs again rewrites the records of the one
before instead of adding copies.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from genqueue.apps.services import assets_of, providers_of
from genqueue.assets.base import Asset, AssetStore
from genqueue.engine.admission import Resources
from genqueue.engine.records import RecordStore
from genqueue.providers.base import Providers
from genqueue.worker.context import JobContext

Reporter = Callable[[float, str], Awaitable[None]]

RECORD_NAMESPACE = uuid.UUID("5b0c1d3e-8f4a-4c52-9d1e-6a7b8c9d0e1f")
"""The uuid5 namespace of the records a run makes."""

EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/webm": "webm",
}


async def _no_report(percentage: float, task: str) -> None:
    """A synchronous request has nobody polling its progress."""


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    """The job id, or a request's own id: the seed of every record id the run makes."""
    owner: str
    attempt: int
    job_id: str | None
    """The job this run is an attempt of; None for a synchronous request."""
    records: RecordStore
    providers: Providers
    assets: AssetStore
    report: Reporter = _no_report
    clock: Callable[[], float] = time.time

    @classmethod
    def of_job(cls, ctx: JobContext) -> Run:
        return cls(
            id=ctx.job_id,
            owner=ctx.job.owner,
            attempt=ctx.attempt,
            job_id=ctx.job_id,
            records=ctx.records,
            providers=providers_of(ctx.resources),
            assets=assets_of(ctx.resources),
            report=lambda percentage, task: ctx.progress(percentage, task=task),
        )

    @classmethod
    def of_request(
        cls, owner: str, records: RecordStore, resources: Resources, clock: Callable[[], float]
    ) -> Run:
        return cls(
            id=str(uuid.uuid4()),
            owner=owner,
            attempt=1,
            job_id=None,
            records=records,
            providers=providers_of(resources),
            assets=assets_of(resources),
            clock=clock,
        )

    async def progress(self, percentage: float, task: str) -> None:
        await self.report(percentage, task)

    def record_id(self, role: str) -> str:
        """The same id for the same role on every attempt of this run."""
        return str(uuid.uuid5(RECORD_NAMESPACE, f"{self.id}:{role}"))

    def now(self) -> float:
        return self.clock()

    async def store_file(self, stem: str, data: bytes, content_type: str) -> Asset:
        extension = EXTENSIONS.get(content_type, "bin")
        return await self.assets.put(self.owner, f"{stem}.{extension}", data, content_type)
