"""`Client`: the blocking SDK, made from `AsyncClient` rather than written twice.

Each method runs the AsyncClient method of the same name on an event loop the Client owns
(`asyncio.Runner`), so the two cannot drift apart. Use it from plain (non-async) code, one
thread at a time; async code uses AsyncClient directly.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from types import TracebackType
from typing import Any, Concatenate, ParamSpec, TypeVar

import httpx

from genqueue.client.async_client import AsyncClient
from genqueue.client.follow import WaitPolicy

P = ParamSpec("P")
T = TypeVar("T")


def _blocking(
    method: Callable[Concatenate[AsyncClient, P], Coroutine[Any, Any, T]],
) -> Callable[Concatenate[Client, P], T]:
    @functools.wraps(method)
    def run(self: Client, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._runner.run(method(self._async, *args, **kwargs))

    return run


def _iterating(
    method: Callable[Concatenate[AsyncClient, P], AsyncIterator[T]],
) -> Callable[Concatenate[Client, P], Iterator[T]]:
    @functools.wraps(method)
    def iterate(self: Client, /, *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        items = method(self._async, *args, **kwargs)
        try:
            while True:
                try:
                    yield self._runner.run(_next(items))
                except StopAsyncIteration:
                    return
        finally:
            self._runner.run(_close(items))

    return iterate


async def _next(items: AsyncIterator[T]) -> T:
    return await anext(items)


async def _close(items: AsyncIterator[Any]) -> None:
    close = getattr(items, "aclose", None)
    if close is not None:
        await close()


class Client:
    """The blocking twin of AsyncClient: the same arguments, results and exceptions."""

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        *,
        timeout: float = 10.0,
        use_stream: bool = True,
        policy: WaitPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._runner = asyncio.Runner()
        self._async = AsyncClient(
            url, token, timeout=timeout, use_stream=use_stream, policy=policy, transport=transport
        )

    @property
    def url(self) -> str:
        return self._async.url

    submit = _blocking(AsyncClient.submit)
    get = _blocking(AsyncClient.get)
    cancel = _blocking(AsyncClient.cancel)
    retry = _blocking(AsyncClient.retry)
    wait = _blocking(AsyncClient.wait)
    stream = _iterating(AsyncClient.stream)
    list_page = _blocking(AsyncClient.list_page)
    credits = _blocking(AsyncClient.credits)
    queues = _blocking(AsyncClient.queues)
    list = _iterating(AsyncClient.list)

    def close(self) -> None:
        try:
            self._runner.run(self._async.aclose())
        finally:
            self._runner.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
