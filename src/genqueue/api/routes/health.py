"""`/health` (the process answers) and `/ready` (the store answers); no token needed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from genqueue.api.deps import app_state
from genqueue.api.envelope import json_response
from genqueue.api.errors import error_responses
from genqueue.api.models import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="The process is alive")
async def health() -> Any:
    return json_response({"status": "ok"})


@router.get(
    "/ready", response_model=Health, responses=error_responses(503), summary="The store answers"
)
async def ready(request: Request) -> Any:
    state = app_state(request)
    await state.engine.store.ping()
    return json_response({"status": "ready"})
