"""One HTTP client for a remote API, and the one place its failures are classified.

- a timeout, a network error, 429, 408 and 5xx → `RetryableProviderError` (another
  attempt, after the engine's backoff, may well succeed); a `Retry-After` is in the
  message and in `RetryableAfter.retry_after`, which the worker honours (`RetryLater`);
- any other 4xx → `FinalProviderError` (the same request would be refused again);
- a 2xx whose body is not JSON → `RetryableProviderError` (a cut or garbled answer says
  nothing about the request; see `expect` for answers that parse but have the wrong shape).
"""

from __future__ import annotations

import email.utils
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from genqueue.engine.errors import RetryLater
from genqueue.providers.base import FinalProviderError, ProviderError, RetryableProviderError

RETRYABLE_STATUSES = frozenset({408, 429})
CONNECT_SECONDS = 10.0
MESSAGE_CHARS = 300


class RetryableAfter(RetryableProviderError, RetryLater):
    """A retryable answer that said when to come back (`Retry-After`, on a 429 or a 503):
    the worker waits at least `retry_after` seconds before the job's next attempt."""

    def __init__(self, message: str, *, status: int, retry_after: float | None) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class RateLimited(RetryableAfter):
    """A 429; `retry_after` is None when the server did not say."""


class ApiClient:
    """An `httpx.AsyncClient` for one base URL and bearer key; `aclose()` releases it."""

    def __init__(
        self,
        name: str,
        base_url: str,
        api_key: str | None,
        timeout_seconds: float,
    ) -> None:
        self.name = name
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout_seconds, connect=min(CONNECT_SECONDS, timeout_seconds)),
        )
        self.timeout_seconds = timeout_seconds

    async def aclose(self) -> None:
        await self._client.aclose()

    @property
    def closed(self) -> bool:
        return self._client.is_closed

    async def send(self, method: str, path: str, **request: Any) -> httpx.Response:
        """The answer to one request when its status is 2xx; the classified error otherwise."""
        try:
            response = await self._client.request(method, path.lstrip("/"), **request)
        except httpx.TimeoutException as exc:
            raise RetryableProviderError(
                f"{self.name}: {method} {path} timed out after {self.timeout_seconds:g} s"
                f" ({type(exc).__name__})"
            ) from exc
        except httpx.TransportError as exc:
            raise RetryableProviderError(
                f"{self.name}: network error on {method} {path}: {exc or type(exc).__name__}"
            ) from exc
        if not response.is_success:
            raise classify(self.name, response)
        return response

    async def json(self, method: str, path: str, **request: Any) -> Any:
        response = await self.send(method, path, **request)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise RetryableProviderError(
                f"{self.name}: {method} {path} answered {response.status_code} with a body"
                f" that is not JSON: {response.text[:80]!r}",
                status=response.status_code,
            ) from exc


def classify(name: str, response: httpx.Response) -> ProviderError:
    """The error a non-2xx answer stands for."""
    status = response.status_code
    if status < 500 and status not in RETRYABLE_STATUSES:
        return FinalProviderError(
            f"{name} answered {status}: {error_message(response)}", status=status
        )
    retry_after = _seconds(response.headers.get("retry-after"))
    wait = f" (retry after {retry_after:g} s)" if retry_after is not None else ""
    detail = f"{name} answered {status}{wait}: {error_message(response)}"
    if status == 429:
        return RateLimited(detail, status=status, retry_after=retry_after)
    if retry_after is not None:
        return RetryableAfter(detail, status=status, retry_after=retry_after)
    return RetryableProviderError(detail, status=status)


def error_message(response: httpx.Response) -> str:
    """`error.message` of an OpenAI-style error body, else the start of the body."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text[:MESSAGE_CHARS] or response.reason_phrase
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])[:MESSAGE_CHARS]
        if isinstance(error, str):
            return error[:MESSAGE_CHARS]
    return response.text[:MESSAGE_CHARS]


def expect(name: str, value: Any, path: str, kind: type | tuple[type, ...]) -> Any:
    """`value[path…]` of a parsed answer, of type `kind`.

    A JSON answer of the wrong shape is a `FinalProviderError`: the server speaks another
    protocol than the one asked for (a wrong base URL or model), and will again.
    """
    current = value
    for step in path.split("."):
        if isinstance(current, list) and step.isdigit() and int(step) < len(current):
            current = current[int(step)]
        elif isinstance(current, dict) and step in current:
            current = current[step]
        else:
            raise FinalProviderError(f"{name}: the answer has no {path}")
    if not isinstance(current, kind) or (isinstance(current, bool) and kind is not bool):
        raise FinalProviderError(f"{name}: the answer's {path} is not of the expected type")
    return current


def _seconds(header: str | None) -> float | None:
    """A Retry-After in seconds: delta-seconds, or an HTTP date from now."""
    if header is None:
        return None
    try:
        value = float(header.strip())
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        value = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, value)
