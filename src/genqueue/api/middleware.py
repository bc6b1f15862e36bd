"""Pure ASGI middleware that runs before any routing or body parsing.

`GuardMiddleware` authenticates every /api/ request (so a bad token answers 401 even on
an unknown path or with an invalid body; the dashboard cookie counts where auth.py says)
and applies the per-user rate limits; /assets/ needs no token (its keys are unguessable)
and is limited per client address instead.
`BodyLimitMiddleware` counts request body bytes as they arrive, chunked bodies included.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from genqueue.api.auth import CSRF_HEADER, AuthError, Forbidden
from genqueue.api.envelope import error_body
from genqueue.api.state import ApiState
from genqueue.engine.errors import StoreUnavailable

API_PREFIX = "/api/"
ASSETS_PREFIX = "/assets/"
SUBMISSIONS = re.compile(
    r"/api/(?:v1/jobs|generate|jobs/generate-image"
    r"|v1/characters(?:/queue|/[^/]+/(?:generate-image/queue|generate-360-set|generate-core-set"
    r"|media/[^/]+/generate-video/queue))?)/?"
)
"""The POST routes that make jobs (or, the synchronous ones, generate in the request):
each counts against the submission limit instead of the general one."""
DRAIN_LIMIT_BYTES = 16 * 1024 * 1024


async def _send_error(
    send: Send,
    status: int,
    message: str,
    data: Any = None,
    headers: Sequence[tuple[bytes, bytes]] = (),
) -> None:
    body = error_body(status, message, data)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _client_host(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class GuardMiddleware:
    def __init__(self, app: ASGIApp, state: ApiState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(ASSETS_PREFIX):
            if not await self._over_limit(scope, f"addr:{_client_host(scope)}", send):
                await self.app(scope, receive, send)
            return
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and self.state.settings.cors_origins:
            await self.app(scope, receive, send)
            return
        try:
            principal = await self.state.authenticator.authenticate_request(
                scope["method"],
                scope["path"],
                _header(scope, b"authorization"),
                _header(scope, b"cookie"),
                _header(scope, CSRF_HEADER.lower().encode()),
            )
        except AuthError as exc:
            await _send_error(send, 401, str(exc), headers=[(b"www-authenticate", b"Bearer")])
            return
        except Forbidden as exc:
            await _send_error(send, 403, str(exc))
            return
        if await self._over_limit(scope, principal.user_id, send):
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)

    async def _over_limit(self, scope: Scope, caller_key: str, send: Send) -> bool:
        """Count the request against the caller's limit; True when it was answered (429/503)."""
        submit = scope["method"] == "POST" and SUBMISSIONS.fullmatch(scope["path"]) is not None
        limiter = self.state.submit_limiter if submit else self.state.api_limiter
        if limiter is None:
            return False
        try:
            retry = await limiter.hit(caller_key)
        except StoreUnavailable:
            message = "The job store is unavailable, try again"
            await _send_error(send, 503, message, headers=[(b"retry-after", b"1")])
            return True
        if retry <= 0:
            return False
        seconds = str(max(1, math.ceil(retry))).encode()
        message = "Too many submissions" if submit else "Too many requests"
        data = {"retryAfter": round(retry, 3)}
        await _send_error(send, 429, message, data, [(b"retry-after", seconds)])
        return True


class BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Reads the body first (at most `max_bytes`), then hands it to the app in one message."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(send)
            return
        try:
            first = await self._read_body(receive)
        except BodyTooLarge:
            await self._refuse(send)
            await self._drain(receive)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return first
            return await receive()

        await self.app(scope, replay, send)

    async def _read_body(self, receive: Receive) -> Message:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return message
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

    async def _refuse(self, send: Send) -> None:
        message = f"The request body is larger than {self.max_bytes} bytes"
        await _send_error(send, 413, message)

    async def _drain(self, receive: Receive) -> None:
        """Read (and drop) a bounded rest of the body, so the client reads the 413 instead of
        a connection reset; a longer body is cut off by the server closing the connection."""
        dropped = 0
        while dropped <= DRAIN_LIMIT_BYTES:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                return
            dropped += len(message.get("body", b""))


def _has_body(scope: Scope) -> bool:
    return any(key in (b"content-length", b"transfer-encoding") for key, _ in scope["headers"])
