"""The HTTP edge of the SDK: requests with the Bearer token, answers unwrapped from the
envelope `{success, statusCode, message, data}`, error answers and network failures
turned into the SDK's exceptions (`errors.py`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import quote

import httpx

from genqueue.client.errors import ConnectionFailed, api_error

DEFAULT_URL = "http://127.0.0.1:8000"
USER_AGENT = "genqueue-client/0.1.0"


def job_path(job_id: str) -> str:
    return f"/api/v1/jobs/{quote(job_id, safe='')}"


def resolve_url(url: str | None) -> str:
    return (url or os.environ.get("GENQUEUE_URL") or DEFAULT_URL).rstrip("/")


def resolve_token(token: str | None) -> str | None:
    return token or os.environ.get("GENQUEUE_TOKEN") or None


class ApiConnection:
    """One httpx.AsyncClient for one server and token."""

    def __init__(
        self,
        url: str | None,
        token: str | None,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = resolve_url(url)
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        token = resolve_token(token)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.http = httpx.AsyncClient(
            base_url=self.url, headers=headers, timeout=timeout, transport=transport
        )

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """The answer's JSON body (the whole envelope), or the error as an exception."""
        try:
            response = await self.http.request(
                method, path, json=json, params=params, headers=headers
            )
        except httpx.TransportError as exc:
            raise ConnectionFailed(f"{method} {self.url}{path}: {_describe(exc)}") from exc
        raise_for_answer(response)
        try:
            return response.json()
        except ValueError:
            raise ConnectionFailed(f"{method} {path}: the answer is not JSON") from None

    @contextlib.asynccontextmanager
    async def stream(
        self, path: str, headers: Mapping[str, str], read_timeout: float
    ) -> AsyncIterator[httpx.Response]:
        """A GET whose body is read as it arrives (SSE). Error answers are raised here."""
        timeout = httpx.Timeout(self.http.timeout.connect, read=read_timeout)
        try:
            async with self.http.stream("GET", path, headers=headers, timeout=timeout) as answer:
                if not answer.is_success:
                    await answer.aread()
                yield answer
        except httpx.TransportError as exc:
            raise ConnectionFailed(f"GET {self.url}{path}: {_describe(exc)}") from exc

    async def aclose(self) -> None:
        await self.http.aclose()


def raise_for_answer(response: httpx.Response) -> None:
    if response.is_success:
        return
    message, data = _error_parts(response)
    raise api_error(response.status_code, message, data, _retry_after(response, data))


def _error_parts(response: httpx.Response) -> tuple[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return (response.text.strip()[:200] or response.reason_phrase), None
    if not isinstance(body, dict):
        return response.reason_phrase, body
    message = body.get("message") or body.get("error") or body.get("detail")
    return str(message or response.reason_phrase), body.get("data")


def _retry_after(response: httpx.Response, data: Any) -> float | None:
    if isinstance(data, dict) and isinstance(data.get("retryAfter"), int | float):
        return float(data["retryAfter"])
    header = response.headers.get("Retry-After")
    try:
        return float(header) if header is not None else None
    except ValueError:
        return None


def _describe(exc: httpx.TransportError) -> str:
    return str(exc) or type(exc).__name__
