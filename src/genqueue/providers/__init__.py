"""Generation back ends: local (Pillow, text, video on this machine) and OpenAI-compatible."""

from __future__ import annotations

from genqueue.config import Settings
from genqueue.providers.base import Providers


def from_settings(settings: Settings) -> Providers:
    """The providers `GENQUEUE_PROVIDER` names (`local`, the default, or `openai`)."""
    raise NotImplementedError("issue 6: the providers helper builds this")
