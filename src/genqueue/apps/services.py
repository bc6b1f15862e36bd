"""The resources every seed app shares: the providers and the asset store."""

from __future__ import annotations

from genqueue import assets as asset_stores
from genqueue import providers as provider_sets
from genqueue.assets.base import AssetStore
from genqueue.config import Settings
from genqueue.engine.admission import Resources
from genqueue.providers.base import Providers
from genqueue.worker.registry import Registry

PROVIDERS = "providers"
ASSETS = "assets"

registry = Registry()


@registry.resource(PROVIDERS)
def build_providers(settings: Settings) -> Providers:
    return provider_sets.from_settings(settings)


@registry.resource(ASSETS)
def build_assets(settings: Settings) -> AssetStore:
    return asset_stores.from_settings(settings)


def providers_of(resources: Resources) -> Providers:
    return resources.get(PROVIDERS, Providers)


def assets_of(resources: Resources) -> AssetStore:
    return resources.get(ASSETS, AssetStore)  # type: ignore[type-abstract]
