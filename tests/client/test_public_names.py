"""The SDK's public names import from genqueue.client, and the sync Client mirrors the async one."""

from __future__ import annotations

import inspect

import genqueue.client
from genqueue.client import AsyncClient, Client


def test_every_public_name_imports() -> None:
    for name in genqueue.client.__all__:
        assert getattr(genqueue.client, name) is not None, name


def test_client_methods_have_the_async_signatures() -> None:
    for name in ("submit", "get", "wait", "stream", "cancel", "retry", "list", "credits"):
        sync, asynchronous = getattr(Client, name), getattr(AsyncClient, name)
        assert inspect.signature(sync) == inspect.signature(asynchronous), name
        assert sync.__doc__ == asynchronous.__doc__
