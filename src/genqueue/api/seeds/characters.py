"""Seed 001's routes: characters made synchronously or by a queued job, their images and
videos, and the character and media jobs in seed 001's envelope and status words."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Path, Query, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

from genqueue.api.auth import Principal
from genqueue.api.deps import caller, visible_job
from genqueue.api.envelope import Envelope, ok
from genqueue.api.errors import error_responses
from genqueue.api.seeds.character_views import (
    SEED_001_WORDS,
    STATUS_FILTER_HELP,
    CharacterDetail,
    CharacterJobList,
    CharacterJobView,
    CharacterList,
    MediaJobList,
    MediaJobView,
    PoseView,
    Queued,
    character_detail,
    character_job_view,
    character_view,
    media_job_view,
    pagination,
    states_for,
)
from genqueue.apps.characters.creation import create_character, discard_character
from genqueue.apps.characters.poses import POSES
from genqueue.apps.characters.requests import CharacterData, ImageOptions, VideoOptions
from genqueue.apps.characters.run import Run
from genqueue.apps.domain import (
    CHARACTER,
    Character,
    character_media,
    load_character,
)
from genqueue.engine.catalog import CHARACTER_QUEUE
from genqueue.engine.engine import Engine
from genqueue.engine.job import Job, JobState
from genqueue.engine.records import RecordQuery
from genqueue.engine.store import ListQuery
from genqueue.providers.base import ProviderError, RetryableProviderError

router = APIRouter(prefix="/api/v1", tags=["characters (seed 001)"])

CHARACTER_TYPES = ("character",)
MEDIA_TYPES = ("image", "video")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
DETAIL_MEDIA = 100
PROVIDER_RETRY_AFTER = "5"

JobId = Annotated[str, Path(min_length=1, max_length=100, description="The job's id.")]
CharacterId = Annotated[str, Path(min_length=1, max_length=100, description="A character id.")]
MediaId = Annotated[str, Path(min_length=1, max_length=100, description="An image's media id.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="At most 100.")]
Skip = Annotated[int, Query(ge=0, le=100_000_000, description="How many to pass over.")]
StatusFilter = Annotated[str | None, Query(max_length=200, description=STATUS_FILTER_HELP)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="The same key and body return the first job, charged once.",
    ),
]


# -- poses and characters -------------------------------------------------------------


@router.get("/poses", response_model=Envelope[list[PoseView]], summary="The pose catalogue")
async def list_poses(request: Request) -> Response:
    caller(request)
    return ok([pose.to_dict() for pose in POSES])


@router.post(
    "/characters",
    status_code=201,
    response_model=Envelope[CharacterDetail],
    responses=error_responses(502, 503, 504),
    summary="Create a character now (synchronous)",
)
async def create_character_now(body: CharacterData, request: Request) -> Response:
    """Runs the `character` job's pipeline inside the request and answers the character.
    It is not a job: nothing is queued or charged. A provider that fails answers 502
    (refused) or 503 (try again); past the character queue's timeout, 504."""
    state, user = caller(request)
    engine = state.engine
    run = Run.of_request(user.user_id, engine.store, engine.resources, engine.clock)
    timeout = engine.catalog.timeout_for("character", CHARACTER_QUEUE)
    try:
        async with asyncio.timeout(timeout):
            character = await create_character(run, body)
    except (ProviderError, TimeoutError) as exc:
        await discard_character(run)
        raise _creation_failure(exc, timeout) from None
    media, total = await character_media(engine.store, character.id, user.user_id)
    return ok(character_detail(character, media, total), "Character created successfully", 201)


def _creation_failure(exc: Exception, timeout: float | None) -> HTTPException:
    if isinstance(exc, RetryableProviderError):
        retry = {"Retry-After": PROVIDER_RETRY_AFTER}
        return HTTPException(503, f"the generation provider failed, try again: {exc}", retry)
    if isinstance(exc, ProviderError):
        return HTTPException(502, f"the generation provider refused the request: {exc}")
    return HTTPException(
        504, f"character creation took longer than the queue timeout ({timeout} s)"
    )


@router.get("/characters", response_model=CharacterList, summary="The caller's characters")
async def list_characters(
    request: Request, limit: Limit = DEFAULT_LIMIT, skip: Skip = 0
) -> Response:
    state, user = caller(request)
    page = await state.engine.store.list_records(
        RecordQuery(CHARACTER, user.user_id, limit=limit, skip=skip)
    )
    views = [character_view(Character.from_record(r)) for r in page.records]
    return ok(views, "OK", pagination=pagination(page.total, limit, skip, len(views)))


@router.get(
    "/characters/{characterId}",
    response_model=Envelope[CharacterDetail],
    responses=error_responses(404),
    summary="A character with its images and videos",
)
async def get_character(characterId: CharacterId, request: Request) -> Response:
    state, user = caller(request)
    owner = None if user.admin else user.user_id
    character = await load_character(state.engine.store, characterId, owner)
    media, total = await character_media(
        state.engine.store, character.id, owner, limit=DETAIL_MEDIA
    )
    return ok(character_detail(character, media, total))


# -- queueing -------------------------------------------------------------------------


async def _queue(
    request: Request, job_type: str, data: dict[str, Any], key: str | None, message: str
) -> Response:
    state, user = caller(request)
    submitted = await state.engine.submit(user.user_id, job_type, data, idempotency_key=key)
    job = submitted.job
    folder = "character-jobs" if job_type in CHARACTER_TYPES else "media-jobs"
    body = {
        "jobId": job.id,
        "status": SEED_001_WORDS[job.effective_state(state.engine.clock())],
        "statusUrl": f"/api/v1/{folder}/{job.id}",
    }
    return ok(body, message, 202)


@router.post(
    "/characters/queue",
    status_code=202,
    response_model=Envelope[Queued],
    responses=error_responses(402),
    summary="Queue a character creation job",
)
async def queue_character(
    body: CharacterData, request: Request, idempotency_key: IdempotencyKey = None
) -> Response:
    """The body is the synchronous creation's; poll the `statusUrl`."""
    data = body.model_dump(mode="json")
    message = "Character creation job queued successfully"
    return await _queue(request, "character", data, idempotency_key, message)


@router.post(
    "/characters/{characterId}/generate-image/queue",
    status_code=202,
    response_model=Envelope[Queued],
    responses=error_responses(402, 404),
    summary="Queue an image of a character",
)
async def queue_image(
    characterId: CharacterId,
    request: Request,
    body: Annotated[ImageOptions | None, Body()] = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """An unknown character (or another user's) is 404, an unknown pose 422, before queueing."""
    options = body or ImageOptions()
    data = {"characterId": characterId, **options.model_dump(mode="json")}
    message = "Image generation job queued successfully"
    return await _queue(request, "image", data, idempotency_key, message)


@router.post(
    "/characters/{characterId}/media/{mediaId}/generate-video/queue",
    status_code=202,
    response_model=Envelope[Queued],
    responses=error_responses(402, 404),
    summary="Queue a video animated from a character's image",
)
async def queue_video(
    characterId: CharacterId,
    mediaId: MediaId,
    body: VideoOptions,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """The media must be an image of that character (404 otherwise; a video source is 422)."""
    data = {"characterId": characterId, "mediaId": mediaId, **body.model_dump(mode="json")}
    message = "Video generation job queued successfully"
    return await _queue(request, "video", data, idempotency_key, message)


# -- character jobs -------------------------------------------------------------------


async def _job_of(engine: Engine, user: Principal, job_id: str, types: tuple[str, ...]) -> Job:
    """The caller's job of one of `types`; any other job is not found on these routes."""
    return await visible_job(engine, user, job_id, types)


async def _cancel(engine: Engine, user: Principal, job_id: str, types: tuple[str, ...]) -> Job:
    await _job_of(engine, user, job_id, types)
    return await engine.cancel(job_id)


def _cancel_message(job: Job) -> str:
    return "Cancellation requested" if job.state is JobState.ACTIVE else "Job cancelled"


async def _my_jobs(
    engine: Engine, user: Principal, types: list[str], status: str | None, limit: int, skip: int
) -> tuple[list[Job], int]:
    query = ListQuery(
        owner=user.user_id, types=types, states=states_for(status), limit=limit, skip=skip
    )
    page = await engine.list_jobs(query)
    return page.jobs, page.total


@router.get(
    "/character-jobs", response_model=CharacterJobList, summary="The caller's character jobs"
)
async def list_character_jobs(
    request: Request, status: StatusFilter = None, limit: Limit = DEFAULT_LIMIT, skip: Skip = 0
) -> Response:
    state, user = caller(request)
    jobs, total = await _my_jobs(state.engine, user, list(CHARACTER_TYPES), status, limit, skip)
    now = state.engine.clock()
    views = [character_job_view(job, now) for job in jobs]
    return ok(views, "OK", pagination=pagination(total, limit, skip, len(views)))


@router.get(
    "/character-jobs/{jobId}",
    response_model=Envelope[CharacterJobView],
    responses=error_responses(404),
    summary="A character job's status",
)
async def get_character_job(jobId: JobId, request: Request) -> Response:
    state, user = caller(request)
    job = await _job_of(state.engine, user, jobId, CHARACTER_TYPES)
    return ok(character_job_view(job, state.engine.clock()))


@router.delete(
    "/character-jobs/{jobId}",
    response_model=Envelope[CharacterJobView],
    responses=error_responses(404, 409),
    summary="Cancel a character job",
)
async def cancel_character_job(jobId: JobId, request: Request) -> Response:
    """A waiting job ends at once (refunded); a running one is interrupted (409 once ended)."""
    state, user = caller(request)
    job = await _cancel(state.engine, user, jobId, CHARACTER_TYPES)
    return ok(character_job_view(job, state.engine.clock()), _cancel_message(job))


# -- media jobs -----------------------------------------------------------------------


async def _media_views(engine: Engine, jobs: list[Job]) -> list[dict[str, Any]]:
    """Each job with its character's name and display id (read in one store call)."""
    ids = list(dict.fromkeys(j.tags["characterId"] for j in jobs if "characterId" in j.tags))
    records = await engine.store.get_records(CHARACTER, ids) if ids else []
    characters = {r.id: Character.from_record(r) for r in records}
    now = engine.clock()
    return [
        media_job_view(job, now, characters.get(job.tags.get("characterId", ""))) for job in jobs
    ]


@router.get("/media-jobs", response_model=MediaJobList, summary="The caller's media jobs")
async def list_media_jobs(
    request: Request,
    type: Annotated[Literal["image", "video"] | None, Query(description="image or video")] = None,
    status: StatusFilter = None,
    limit: Limit = DEFAULT_LIMIT,
    skip: Skip = 0,
) -> Response:
    state, user = caller(request)
    types: list[str] = [type] if type is not None else list(MEDIA_TYPES)
    jobs, total = await _my_jobs(state.engine, user, types, status, limit, skip)
    views = await _media_views(state.engine, jobs)
    return ok(views, "OK", pagination=pagination(total, limit, skip, len(views)))


@router.get(
    "/media-jobs/{jobId}",
    response_model=Envelope[MediaJobView],
    responses=error_responses(404),
    summary="An image or video job's status",
)
async def get_media_job(jobId: JobId, request: Request) -> Response:
    state, user = caller(request)
    job = await _job_of(state.engine, user, jobId, MEDIA_TYPES)
    return ok((await _media_views(state.engine, [job]))[0])


@router.delete(
    "/media-jobs/{jobId}",
    response_model=Envelope[MediaJobView],
    responses=error_responses(404, 409),
    summary="Cancel an image or video job",
)
async def cancel_media_job(jobId: JobId, request: Request) -> Response:
    """Not in seed 001's list; the counterpart of cancelling a character job."""
    state, user = caller(request)
    job = await _cancel(state.engine, user, jobId, MEDIA_TYPES)
    return ok((await _media_views(state.engine, [job]))[0], _cancel_message(job))
