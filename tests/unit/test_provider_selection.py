"""`providers.from_settings` builds what GENQUEUE_PROVIDER names, and the built-in apps
register the shared providers and assets resources."""

from __future__ import annotations

from genqueue.apps import BUILTIN_APPS, load_registry
from genqueue.config import Settings
from genqueue.providers import from_settings
from genqueue.providers.base import Providers
from genqueue.providers.local import LocalImages, LocalText, LocalVideo


def test_local_is_the_default() -> None:
    providers = from_settings(Settings(local_step_seconds=0.25))
    assert isinstance(providers, Providers)
    assert isinstance(providers.images, LocalImages)
    assert isinstance(providers.text, LocalText)
    assert isinstance(providers.video, LocalVideo)
    assert providers.images.pace.step_seconds == 0.25


def test_the_services_app_is_built_in() -> None:
    assert "genqueue.apps.services" in BUILTIN_APPS
    assert {"providers", "assets"} <= set(load_registry().resource_factories)
