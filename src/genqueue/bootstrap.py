"""Builds an engine, its store and its job registry from the settings: one place for the wiring."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from genqueue.apps import load_registry
from genqueue.config import Settings
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
    """An engine on the configured store, set up, and closed again on exit."""
    registry = load_registry([*settings.apps, *apps])
    store = open_store(
        settings.resolved_store_url,
        initial_credits=settings.initial_credits,
        redis_prefix=settings.redis_prefix,
    )
    await store.setup()
    config = EngineConfig(lease_seconds=settings.lease_seconds, costs=dict(settings.costs))
    try:
        yield Runtime(settings, Engine(store, registry.catalog, config), registry)
    finally:
        await store.close()
