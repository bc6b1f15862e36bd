"""Builds an engine, its store and its job registry from the settings: one place for the wiring."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from genqueue.apps import load_registry
from genqueue.config import Settings
from genqueue.engine.admission import Resources
from genqueue.engine.engine import Engine, EngineConfig
from genqueue.stores import open_store
from genqueue.worker.registry import Registry


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    registry: Registry


@asynccontextmanager
async def open_runtime(settings: Settings, apps: Sequence[str] = ()) -> AsyncIterator[Runtime]:
    """An engine on the configured store with the apps' resources, set up, and closed
    again on exit."""
    registry = load_registry([*settings.apps, *apps])
    store = open_store(
        settings.resolved_store_url,
        initial_credits=settings.initial_credits,
        redis_prefix=settings.redis_prefix,
    )
    config = EngineConfig(lease_seconds=settings.lease_seconds, costs=dict(settings.costs))
    async with AsyncExitStack() as stack:
        await store.setup()
        stack.push_async_callback(store.close)
        resources = await stack.enter_async_context(_resources(registry, settings))
        engine = Engine(store, registry.catalog, config, resources=resources)
        yield Runtime(settings, engine, registry)


@asynccontextmanager
async def _resources(registry: Registry, settings: Settings) -> AsyncIterator[Resources]:
    async with AsyncExitStack() as stack:
        items = {}
        for name, factory in registry.resource_factories.items():
            item = factory(settings)
            closer = getattr(item, "aclose", None)
            if closer is not None and inspect.iscoroutinefunction(closer):
                stack.push_async_callback(closer)
            items[name] = item
        yield Resources(items)
