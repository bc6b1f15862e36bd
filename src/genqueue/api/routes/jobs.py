"""The generic job routes: every job, whichever route made it, is served here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from genqueue.api.auth import Principal
from genqueue.api.deps import caller, visible_job
from genqueue.api.envelope import Envelope, json_response, ok
from genqueue.api.errors import error_responses
from genqueue.api.models import JobList, JobStatus, JobView, SubmitJob, Submitted
from genqueue.api.state import ApiState
from genqueue.api.views import job_view, status_view
from genqueue.engine.errors import InvalidJobRequest
from genqueue.engine.job import Job, JobState
from genqueue.engine.store import ListQuery

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])

JobId = Annotated[str, Path(min_length=1, max_length=100, description="The job's id.")]
STATUS_ALIASES = {"processing": JobState.ACTIVE, "waiting": JobState.PENDING}
TAG_PREFIX = "tag."
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


async def _full_view(state: ApiState, job: Job) -> dict[str, object]:
    now = state.engine.clock()
    position, wait = await state.wait_estimator.estimate(job, now)
    return job_view(job, now, position, wait)


@router.post(
    "",
    status_code=202,
    response_model=Envelope[Submitted],
    responses=error_responses(400, 402, 404, 413, 422),
    summary="Submit a job",
)
async def submit_job(
    body: SubmitJob,
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=255,
            description="The same key and body return the first job, charged once.",
        ),
    ] = None,
) -> Response:
    state, user = caller(request)
    submitted = await state.engine.submit(
        user.user_id,
        body.type,
        body.data,
        priority=body.priority,
        delay_seconds=body.delaySeconds,
        tags=body.tags,
        idempotency_key=idempotency_key,
    )
    job = submitted.job
    data = {
        "jobId": job.id,
        "status": job.effective_state(state.engine.clock()).value,
        "statusUrl": f"/api/v1/jobs/{job.id}",
        "created": submitted.created,
    }
    message = "Job queued successfully" if submitted.created else "Job already submitted"
    return ok(data, message, 202)


@router.get("", response_model=JobList, summary="List the caller's jobs")
async def list_jobs(
    request: Request,
    status: Annotated[
        str | None,
        Query(description="Comma-separated engine words; processing = active, waiting = pending."),
    ] = None,
    type: Annotated[
        str | None, Query(max_length=100, description="Job type(s), comma-separated.")
    ] = None,
    jobType: Annotated[str | None, Query(max_length=100, description="Same as type.")] = None,
    queue: Annotated[str | None, Query(max_length=100)] = None,
    characterId: Annotated[
        str | None, Query(max_length=200, description="The tag characterId.")
    ] = None,
    owner: Annotated[
        str | None, Query(max_length=200, description="Admins: this user's jobs.")
    ] = None,
    all_jobs: Annotated[bool, Query(alias="all", description="Admins: every user's jobs.")] = False,
    page: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    skip: Annotated[int | None, Query(ge=0, le=100_000_000)] = None,
) -> Response:
    """Filters combine; any other tag filters as `tag.<name>=value`."""
    state, user = caller(request)
    if page is not None and skip is not None:
        raise InvalidJobRequest("give page or skip, not both")
    offset = skip if skip is not None else ((page or 1) - 1) * limit
    tags = {
        k[len(TAG_PREFIX) :]: v for k, v in request.query_params.items() if k.startswith(TAG_PREFIX)
    }
    if characterId is not None:
        tags["characterId"] = characterId
    query = ListQuery(
        owner=_owner_filter(user, owner, all_jobs),
        queue=queue,
        types=_split(type) + _split(jobType),
        states=_states(status),
        tags=tags,
        limit=limit,
        skip=offset,
    )
    page_of_jobs = await state.engine.list_jobs(query)
    now = state.engine.clock()
    pagination = {
        "total": page_of_jobs.total,
        "limit": limit,
        "skip": offset,
        "page": offset // limit + 1,
        "hasMore": offset + len(page_of_jobs.jobs) < page_of_jobs.total,
    }
    views = [job_view(job, now) for job in page_of_jobs.jobs]
    return ok(views, "OK", pagination=pagination)


@router.get(
    "/{jobId}",
    response_model=Envelope[JobView],
    responses=error_responses(404),
    summary="The whole job",
)
async def get_job(jobId: JobId, request: Request) -> Response:
    state, user = caller(request)
    job = await visible_job(state.engine, user, jobId)
    return ok(await _full_view(state, job))


@router.get(
    "/{jobId}/status",
    response_model=JobStatus,
    responses=error_responses(404),
    summary="Seed 002's status shape",
)
async def get_status(jobId: JobId, request: Request) -> Response:
    state, user = caller(request)
    job = await visible_job(state.engine, user, jobId)
    now = state.engine.clock()
    completion_at = await state.completion_estimator.completion_at(job, now)
    return json_response(status_view(job, now, completion_at))


@router.delete(
    "/{jobId}",
    response_model=Envelope[JobView],
    responses=error_responses(404, 409),
    summary="Cancel a job",
)
async def cancel_job(jobId: JobId, request: Request) -> Response:
    """A waiting job ends at once (refunded); a running one is interrupted by its worker."""
    state, user = caller(request)
    await visible_job(state.engine, user, jobId)
    job = await state.engine.cancel(jobId)
    message = "Cancellation requested" if job.state is JobState.ACTIVE else "Job cancelled"
    return ok(job_view(job, state.engine.clock()), message)


@router.delete(
    "/{jobId}/status",
    response_model=JobStatus,
    responses=error_responses(404, 409),
    summary="Cancel a job (seed 002)",
)
async def cancel_job_status(jobId: JobId, request: Request) -> Response:
    """A waiting set ends at once (refunded); a running one stops at its worker, keeping
    the shots it made as media (`results` lists them once it has stopped)."""
    state, user = caller(request)
    await visible_job(state.engine, user, jobId)
    job = await state.engine.cancel(jobId)
    return json_response(status_view(job, state.engine.clock()))


@router.post(
    "/{jobId}/retry",
    response_model=Envelope[JobView],
    responses=error_responses(402, 404, 409),
    summary="Run a failed or cancelled job again",
)
async def retry_job(jobId: JobId, request: Request) -> Response:
    """From its first attempt; a job that was refunded is charged again."""
    state, user = caller(request)
    await visible_job(state.engine, user, jobId)
    job = await state.engine.retry(jobId)
    return ok(job_view(job, state.engine.clock()), "Job queued again")


def _owner_filter(user: Principal, owner: str | None, all_jobs: bool) -> str | None:
    if user.admin:
        return None if all_jobs and owner is None else owner or user.user_id
    if all_jobs or (owner is not None and owner != user.user_id):
        raise HTTPException(403, "only admins list other users' jobs")
    return user.user_id


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _states(text: str | None) -> list[JobState]:
    states = []
    for word in _split(text):
        state = STATUS_ALIASES.get(word)
        if state is None:
            try:
                state = JobState(word)
            except ValueError:
                raise InvalidJobRequest(f"unknown status {word!r}") from None
        states.append(state)
    return states
