"""The local providers: everything drawn, written and encoded on this machine, paced by
`GENQUEUE_LOCAL_STEP_SECONDS` per simulated step, the same output for the same seed."""

from __future__ import annotations

from genqueue.config import Settings
from genqueue.providers.base import Providers
from genqueue.providers.local.images import LocalImages
from genqueue.providers.local.seeding import Pace
from genqueue.providers.local.text import LocalText
from genqueue.providers.local.video import LocalVideo

__all__ = ["LocalImages", "LocalText", "LocalVideo", "local_providers"]


def local_providers(settings: Settings) -> Providers:
    pace = Pace(settings.local_step_seconds)
    return Providers(images=LocalImages(pace), text=LocalText(pace), video=LocalVideo(pace))
