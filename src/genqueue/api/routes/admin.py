"""Credits (the caller's balance, admin grants) and queue steering (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from genqueue.api.deps import admin_caller, caller
from genqueue.api.envelope import Envelope, ok
from genqueue.api.errors import error_responses
from genqueue.api.models import (
    CleanQueue,
    CreditChange,
    Credits,
    QueueCleaned,
    QueueEmptied,
    QueuePaused,
    QueueRetried,
    QueueView,
)
from genqueue.api.state import ApiState
from genqueue.engine.errors import QueueNotFound
from genqueue.engine.job import JobState
from genqueue.engine.store import QueueState

router = APIRouter(prefix="/api/v1", tags=["credits and queues"])

UserId = Annotated[str, Path(min_length=1, max_length=200)]
QueueName = Annotated[str, Path(min_length=1, max_length=100)]


@router.get("/me/credits", response_model=Envelope[Credits], summary="The caller's balance")
async def my_credits(request: Request) -> Any:
    state, user = caller(request)
    balance = await state.engine.store.balance(user.user_id)
    return ok({"userId": user.user_id, "balance": balance})


@router.post(
    "/admin/users/{userId}/credits",
    response_model=Envelope[Credits],
    responses=error_responses(403),
    summary="Grant (or take) credits",
)
async def grant_credits(userId: UserId, body: CreditChange, request: Request) -> Any:
    """A negative amount takes credits; a balance never goes below 0."""
    state, _ = admin_caller(request)
    balance = await state.engine.store.grant(userId, body.amount, body.note, state.engine.clock())
    return ok({"userId": userId, "balance": balance}, "Credits updated")


@router.get(
    "/queues",
    response_model=Envelope[list[QueueView]],
    responses=error_responses(403),
    summary="Every queue: counts per state, paused, limits",
)
async def list_queues(request: Request) -> Any:
    state, _ = admin_caller(request)
    engine = state.engine
    found = {q.name: q for q in await engine.store.queue_states(engine.clock())}
    names = sorted({*engine.catalog.queues, *found})
    return ok([_queue_view(state, name, found.get(name)) for name in names])


@router.post(
    "/queues/{name}/pause",
    response_model=Envelope[QueuePaused],
    responses=error_responses(403, 404),
    summary="Pause a queue: no new job starts",
)
async def pause_queue(name: QueueName, request: Request) -> Any:
    state, _ = admin_caller(request)
    await known_queue(state, name)
    await state.engine.pause(name)
    return ok({"name": name, "paused": True}, "Queue paused")


@router.post(
    "/queues/{name}/resume",
    response_model=Envelope[QueuePaused],
    responses=error_responses(403, 404),
    summary="Resume a paused queue",
)
async def resume_queue(name: QueueName, request: Request) -> Any:
    state, _ = admin_caller(request)
    await known_queue(state, name)
    await state.engine.resume(name)
    return ok({"name": name, "paused": False}, "Queue resumed")


@router.post(
    "/queues/{name}/retry-failed",
    response_model=Envelope[QueueRetried],
    responses=error_responses(403, 404),
    summary="Run every failed job of a queue again",
)
async def retry_failed(name: QueueName, request: Request) -> Any:
    """Each is charged again as a single retry is; one whose owner cannot pay stays failed."""
    state, _ = admin_caller(request)
    await known_queue(state, name)
    retried = await state.engine.retry_failed(name)
    return ok({"queue": name, "retried": retried}, "Failed jobs queued again")


@router.post(
    "/queues/{name}/clean",
    response_model=Envelope[QueueCleaned],
    responses=error_responses(403, 404, 422),
    summary="Delete a queue's jobs that finished in a state before an age",
)
async def clean_queue(name: QueueName, body: CleanQueue, request: Request) -> Any:
    state, _ = admin_caller(request)
    await known_queue(state, name)
    removed = await state.engine.clean(name, [JobState(body.status)], body.olderThanSeconds)
    return ok({"queue": name, "removed": removed}, "Queue cleaned")


@router.post(
    "/queues/{name}/empty",
    response_model=Envelope[QueueEmptied],
    responses=error_responses(403, 404),
    summary="Cancel (and refund) every waiting job of a queue",
)
async def empty_queue(name: QueueName, request: Request) -> Any:
    state, _ = admin_caller(request)
    await known_queue(state, name)
    cancelled = await state.engine.empty(name)
    return ok({"queue": name, "cancelled": cancelled}, "Queue emptied")


async def known_queue(state: ApiState, name: str) -> None:
    """A queue of the catalog or one the store has seen; else 404."""
    engine = state.engine
    if name in engine.catalog.queues:
        return
    if not await engine.store.queue_states(engine.clock(), [name]):
        raise QueueNotFound(name)


def _queue_view(state: ApiState, name: str, found: QueueState | None) -> dict[str, Any]:
    policy = state.engine.catalog.queue(name)
    counts = found.counts if found is not None else {}
    rate = policy.rate_limit
    return {
        "name": name,
        "paused": found.paused if found is not None else False,
        "counts": {s.value: counts.get(s, 0) for s in JobState},
        "rateLimit": None
        if rate is None
        else {"maxStarts": rate.max_starts, "perSeconds": rate.per_seconds},
        "concurrency": policy.concurrency,
        "timeoutSeconds": policy.timeout_seconds,
    }
