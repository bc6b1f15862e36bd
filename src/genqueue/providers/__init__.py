"""Generation back ends: local (Pillow, text, video on this machine) and OpenAI-compatible."""

from __future__ import annotations

import importlib

from genqueue.config import Settings
from genqueue.providers.base import Providers


def from_settings(settings: Settings) -> Providers:
    """The providers `GENQUEUE_PROVIDER` names (`local`, the default, or `openai`).

    Each back end is imported only when chosen, so the local one needs no HTTP client
    set up and the remote one loads no Pillow or PyAV."""
    if settings.provider == "local":
        from genqueue.providers.local import local_providers

        return local_providers(settings)
    if settings.provider == "openai":
        return _openai_providers(settings)
    raise ValueError(f"GENQUEUE_PROVIDER must be local or openai, not {settings.provider!r}")


def _openai_providers(settings: Settings) -> Providers:
    try:
        module = importlib.import_module("genqueue.providers.openai")
    except ModuleNotFoundError as exc:
        if exc.name != "genqueue.providers.openai":
            raise
        raise ValueError(
            "GENQUEUE_PROVIDER=openai: this build has no OpenAI-compatible providers"
        ) from None
    build = getattr(module, "openai_providers", None) or getattr(module, "from_settings", None)
    if build is None:
        raise ValueError("genqueue.providers.openai has no openai_providers(settings)")
    providers: Providers = build(settings)
    return providers
