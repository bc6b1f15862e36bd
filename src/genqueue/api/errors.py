"""The one mapping from genqueue's exceptions (and the framework's) to HTTP answers.

Every answer is seed 001's envelope with `success: false`. Nothing a client sends can
reach the catch-all: it logs and answers a generic 500 without details.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from genqueue.api.envelope import ErrorEnvelope, error
from genqueue.assets.base import AssetNotFound
from genqueue.engine.errors import (
    GenqueueError,
    IdempotencyConflict,
    InsufficientCredits,
    InvalidJobRequest,
    InvalidTransition,
    JobNotFound,
    QueueNotFound,
    RecordNotFound,
    StoreUnavailable,
    UnknownJobType,
)

log = logging.getLogger("genqueue.api")

STATUS_OF: list[tuple[type[GenqueueError], int]] = [
    (JobNotFound, 404),
    (QueueNotFound, 404),
    (RecordNotFound, 404),
    (AssetNotFound, 404),
    (InvalidTransition, 409),
    (InsufficientCredits, 402),
    (IdempotencyConflict, 422),
    (UnknownJobType, 422),
    (InvalidJobRequest, 422),
    (StoreUnavailable, 503),
]
MESSAGES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def status_of(exc: GenqueueError) -> int:
    for kind, status in STATUS_OF:
        if isinstance(exc, kind):
            return status
    return 500


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for error answers, all in the error envelope."""
    return {s: {"model": ErrorEnvelope, "description": MESSAGES.get(s, "Error")} for s in statuses}


async def _genqueue_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GenqueueError)
    status = status_of(exc)
    if status == 500:
        log.error("unmapped genqueue error on %s %s: %r", request.method, request.url.path, exc)
        return error(500, MESSAGES[500])
    data: dict[str, Any] | None = None
    if isinstance(exc, InsufficientCredits):
        data = {"balance": exc.balance, "cost": exc.cost}
    elif isinstance(exc, InvalidTransition):
        data = {"state": exc.state}
    if isinstance(exc, StoreUnavailable):
        log.warning("store unavailable: %s", exc)
        return error(503, "The job store is unavailable, try again", headers={"Retry-After": "1"})
    return error(status, str(exc), data)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": ".".join(str(part) for part in e.get("loc", ())),
            "message": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    if errors and all(e["type"] == "json_invalid" for e in errors):
        return error(400, "The body is not valid JSON", {"errors": errors})
    return error(422, "Invalid request", {"errors": errors})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else MESSAGES.get(exc.status_code, "")
    return error(exc.status_code, message, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error(500, MESSAGES[500])


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GenqueueError, _genqueue_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
