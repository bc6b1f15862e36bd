"""The HTTP API: `create_app()` builds the FastAPI app; `genqueue serve` runs it."""

from __future__ import annotations

from genqueue.api.app import create_app

__all__ = ["create_app"]
