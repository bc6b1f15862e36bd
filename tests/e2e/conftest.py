"""The e2e tests run on the API tests' fixtures: a real server on loopback, on each store."""

from __future__ import annotations

from tests.api.conftest import api, start_api, store_url

__all__ = ["api", "start_api", "store_url"]
