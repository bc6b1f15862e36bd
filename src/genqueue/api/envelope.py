"""Seed 001's envelope `{success, statusCode, message, data}`: models for the schema, and
the fast path that writes it without a second validation."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from starlette.responses import Response

T = TypeVar("T")


class Envelope(BaseModel, Generic[T]):
    success: bool
    statusCode: int
    message: str
    data: T


class FieldError(BaseModel):
    field: str = Field(description="Where the bad value is, e.g. body.priority or query.limit.")
    message: str
    type: str


class ErrorData(BaseModel):
    """Details of an error; which keys are set depends on the error."""

    errors: list[FieldError] | None = None
    balance: int | None = None
    cost: int | None = None
    retryAfter: float | None = None
    state: str | None = None


class ErrorEnvelope(BaseModel):
    success: bool = False
    statusCode: int
    message: str
    error: str = Field(description="The message again, where seed 002 and 004 clients read it.")
    data: ErrorData | None = None


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON; text that is not valid Unicode (a lone surrogate a client put in
    a job's data) is sent \\u-escaped instead of failing the response."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(value, allow_nan=False, separators=(",", ":")).encode()


def json_response(
    body: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(dumps(body), status_code, headers, media_type="application/json")


def ok(data: Any, message: str = "OK", status_code: int = 200, **extra: Any) -> Response:
    body = {"success": True, "statusCode": status_code, "message": message, "data": data}
    body.update(extra)
    return json_response(body, status_code)


def error_body(status_code: int, message: str, data: Mapping[str, Any] | None = None) -> bytes:
    body = {
        "success": False,
        "statusCode": status_code,
        "message": message,
        "error": message,
        "data": data,
    }
    return dumps(body)


def error(
    status_code: int,
    message: str,
    data: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return Response(
        error_body(status_code, message, data), status_code, headers, "application/json"
    )
