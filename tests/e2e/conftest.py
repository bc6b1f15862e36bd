"""The API fixtures of tests/api (a real uvicorn server per test, on SQLite and Redis)."""

from __future__ import annotations

from tests.api.conftest import api, start_api, store_url

__all__ = ["api", "start_api", "store_url"]
