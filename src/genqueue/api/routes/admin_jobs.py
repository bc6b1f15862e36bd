"""Admin job routes: search every user's jobs, a job's whole detail, delete, promote."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from genqueue.api.deps import admin_caller
from genqueue.api.envelope import Envelope, ok
from genqueue.api.errors import error_responses
from genqueue.api.models import AdminJobDetail, AdminJobPage, JobDeleted, JobView
from genqueue.api.routes.admin import known_queue
from genqueue.api.routes.jobs import JobId
from genqueue.api.views import job_view
from genqueue.engine.errors import InvalidJobRequest
from genqueue.engine.job import JobState
from genqueue.engine.store import ListQuery

router = APIRouter(prefix="/api/v1/admin/jobs", tags=["admin"])

MAX_LIMIT = 100


@router.get(
    "",
    response_model=Envelope[AdminJobPage],
    responses=error_responses(403, 404, 422),
    summary="Search every user's jobs",
)
async def search_jobs(
    request: Request,
    queue: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    status: Annotated[str | None, Query(description="One engine state word.")] = None,
    owner: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    type: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    tag: Annotated[str | None, Query(max_length=401, description="name=value")] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="A job id (or a prefix of 4+ characters), owner, type or tag value.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    skip: Annotated[int, Query(ge=0, le=100_000_000)] = 0,
) -> Response:
    """Filters combine; newest first."""
    state, _ = admin_caller(request)
    if queue is not None:
        await known_queue(state, queue)
    query = ListQuery(
        owner=owner,
        queue=queue,
        types=[type] if type else [],
        states=[_state(status)] if status is not None else [],
        tags=_tag(tag),
        text=q,
        limit=limit,
        skip=skip,
    )
    page = await state.engine.list_jobs(query)
    now = state.engine.clock()
    jobs = [job_view(job, now) for job in page.jobs]
    return ok({"jobs": jobs, "total": page.total, "limit": limit, "skip": skip})


@router.get(
    "/{jobId}",
    response_model=Envelope[AdminJobDetail],
    responses=error_responses(403, 404),
    summary="A job's whole detail",
)
async def job_detail(jobId: JobId, request: Request) -> Response:
    state, _ = admin_caller(request)
    job = await state.engine.get(jobId)
    now = state.engine.clock()
    position, wait = await state.wait_estimator.estimate(job, now)
    view: dict[str, Any] = job_view(job, now, position, wait)
    view["attempts"] = job.attempts_made
    view["stacktrace"] = [job.stacktrace] if job.stacktrace else []
    return ok(view)


@router.delete(
    "/{jobId}",
    response_model=Envelope[JobDeleted],
    responses=error_responses(403, 404, 409),
    summary="Delete a job (a waiting one is cancelled and refunded first)",
)
async def delete_job(jobId: JobId, request: Request) -> Response:
    """A running job answers 409: cancel it first."""
    state, _ = admin_caller(request)
    await state.engine.delete(jobId)
    return ok({"id": jobId, "deleted": True}, "Job deleted")


@router.post(
    "/{jobId}/promote",
    response_model=Envelope[JobView],
    responses=error_responses(403, 404, 409),
    summary="Start a delayed job now",
)
async def promote_job(jobId: JobId, request: Request) -> Response:
    state, _ = admin_caller(request)
    job = await state.engine.promote(jobId)
    return ok(job_view(job, state.engine.clock()), "Job promoted")


def _state(word: str) -> JobState:
    try:
        return JobState(word)
    except ValueError:
        words = ", ".join(s.value for s in JobState)
        raise InvalidJobRequest(f"status is one of {words}, not {word[:40]!r}") from None


def _tag(text: str | None) -> dict[str, str]:
    if text is None:
        return {}
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise InvalidJobRequest("tag is name=value")
    return {name: value}
