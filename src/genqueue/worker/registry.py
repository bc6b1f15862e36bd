"""The job-type registry: handlers by name, with the queue policies they declare."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from genqueue.config import Settings
from genqueue.engine.admission import Admit
from genqueue.engine.catalog import Catalog
from genqueue.engine.errors import UnknownJobType
from genqueue.engine.policy import (
    Backoff,
    JobTypePolicy,
    QueuePolicy,
    RateLimit,
    Retention,
    parse_duration,
)

Handler = Callable[..., Any]
ResourceFactory = Callable[[Settings], Any]


@dataclass(frozen=True, slots=True)
class JobType:
    policy: JobTypePolicy
    handler: Handler
    is_async: bool

    @property
    def name(self) -> str:
        return self.policy.name


class Registry:
    """Declares job types with a decorator; its `catalog` is what the engine runs on.

    >>> registry = Registry()
    >>> @registry.job("image", queue="image-generation", rate_limit="5/s", timeout="5m")
    ... async def image(ctx, data): ...
    """

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog if catalog is not None else Catalog.with_seed_queues()
        self._types: dict[str, JobType] = {}
        self._declared: set[str] = set()
        self.resource_factories: dict[str, ResourceFactory] = {}

    def queue(
        self,
        name: str,
        *,
        rate_limit: str | RateLimit | None = None,
        concurrency: int | None = None,
        timeout: str | float | None = None,
        attempts: int | None = None,
        backoff: Backoff | None = None,
        retention: Retention | None = None,
        max_stalls: int | None = None,
    ) -> QueuePolicy:
        """Declare a queue's policy, or change the named parts of one already declared."""
        base = self.catalog.queue(name)
        policy = QueuePolicy(
            name=name,
            rate_limit=RateLimit.parse(rate_limit)
            if isinstance(rate_limit, str)
            else (rate_limit or base.rate_limit),
            concurrency=concurrency if concurrency is not None else base.concurrency,
            timeout_seconds=parse_duration(timeout)
            if timeout is not None
            else base.timeout_seconds,
            attempts=attempts if attempts is not None else base.attempts,
            backoff=backoff or base.backoff,
            retention=retention or base.retention,
            max_stalls=max_stalls if max_stalls is not None else base.max_stalls,
            estimate_seconds=base.estimate_seconds,
        )
        self.catalog.add_queue(policy)
        self._declared.add(name)
        return policy

    def job(
        self,
        name: str,
        *,
        queue: str = "default",
        rate_limit: str | None = None,
        concurrency: int | None = None,
        timeout: str | float | None = None,
        attempts: int | None = None,
        validate: Callable[[Any], Any] | None = None,
        admit: Admit | None = None,
    ) -> Callable[[Handler], Handler]:
        """Register `async def handler(ctx, data)` (a sync one runs in a thread) as `name`."""
        if rate_limit is not None or concurrency is not None or queue not in self.catalog.queues:
            self.queue(queue, rate_limit=rate_limit, concurrency=concurrency)

        def register(handler: Handler) -> Handler:
            policy = JobTypePolicy(
                name=name,
                queue=queue,
                attempts=attempts,
                timeout_seconds=parse_duration(timeout) if timeout is not None else None,
                validate=validate,
                admit=admit,
            )
            self.add(JobType(policy, handler, _is_async(handler)))
            return handler

        return register

    def resource(self, name: str) -> Callable[[ResourceFactory], ResourceFactory]:
        """Register `factory(settings) -> object`, built once per process and shared by
        handlers (`ctx.resources.get(name, Kind)`) and admission hooks. An object with
        `aclose()` is closed when the process stops."""

        def register(factory: ResourceFactory) -> ResourceFactory:
            if name in self.resource_factories:
                raise ValueError(f"resource {name!r} is registered twice")
            self.resource_factories[name] = factory
            return factory

        return register

    def add(self, job_type: JobType) -> None:
        if job_type.name in self._types:
            raise ValueError(f"job type {job_type.name!r} is registered twice")
        self._types[job_type.name] = job_type
        self.catalog.add_type(job_type.policy)

    def include(self, other: Registry) -> None:
        """Take over another registry's queues and job types (apps are composed this way)."""
        for name, policy in other.catalog.queues.items():
            if name in other._declared or name not in self.catalog.queues:
                self.catalog.add_queue(policy)
                self._declared.add(name)
        for job_type in other._types.values():
            self.add(job_type)
        for name, factory in other.resource_factories.items():
            self.resource(name)(factory)

    def get(self, name: str) -> JobType:
        try:
            return self._types[name]
        except KeyError:
            raise UnknownJobType(name) from None

    @property
    def names(self) -> list[str]:
        return sorted(self._types)


def _is_async(handler: Handler) -> bool:
    target = getattr(handler, "__call__", None)  # noqa: B004 - callable objects too
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(target)
