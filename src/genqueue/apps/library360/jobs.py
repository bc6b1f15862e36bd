"""Seed 002's job types: `360-set`, `core-set` and `single-image`, on the image queue.

Admission refuses a character that does not exist (404) or has no master reference
image (422) before anything is queued or charged. The handler makes the shots in order,
reporting `Generating <shot> shot` before each and each finished shot as a partial
result; a job that runs again (a retry after a provider error, a stalled worker) skips
the shots it already made.
"""

from __future__ import annotations

import time
from typing import Any

from genqueue.apps.domain import Character, load_character, load_media
from genqueue.apps.library360.estimates import record_shot_times, shot_seconds
from genqueue.apps.library360.generation import GENERATED, SetRun, make_shot
from genqueue.apps.library360.requests import (
    TYPE_360_SET,
    TYPE_CORE_SET,
    TYPE_SINGLE_IMAGE,
    SetRequest,
    validate_360_set,
    validate_core_set,
    validate_single_image,
)
from genqueue.apps.library360.results import set_results, shot_records
from genqueue.apps.services import assets_of, providers_of
from genqueue.assets.base import AssetNotFound, AssetStore
from genqueue.engine.admission import Admission, Admitted
from genqueue.engine.catalog import IMAGE_QUEUE
from genqueue.engine.errors import DoNotRetry, RecordNotFound
from genqueue.engine.records import RecordStore
from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry

registry = Registry()


class SetFailure(DoNotRetry):
    """The set cannot be made and another attempt would not change that."""


class MissingMasterReference(ValueError):
    def __init__(self, character: Character) -> None:
        super().__init__(
            f"character {character.id} has no master reference image; create one "
            "(character creation makes it) before generating shots"
        )


async def admit_character(admission: Admission, data: dict[str, Any]) -> Admitted:
    """The caller's character, with a master reference image; tags the job with its id."""
    character = await load_character(admission.records, data["characterId"], admission.owner)
    await _reference_of(admission.records, character)
    return Admitted(data, {"characterId": character.id})


async def _reference_of(records: RecordStore, character: Character) -> str:
    """The asset key of the character's master reference, or MissingMasterReference."""
    if not character.master_reference_id:
        raise MissingMasterReference(character)
    try:
        media = await load_media(records, character.master_reference_id, character.owner)
    except RecordNotFound:
        raise MissingMasterReference(character) from None
    return media.asset_key


async def generate_shots(ctx: JobContext, data: dict[str, Any]) -> dict[str, Any]:
    """The handler of all three types: their data differ only in the shots they name."""
    return await make_set(ctx, SetRequest.model_validate(data))


for job_type, validate, timeout in (
    (TYPE_360_SET, validate_360_set, "45m"),
    (TYPE_CORE_SET, validate_core_set, "20m"),
    (TYPE_SINGLE_IMAGE, validate_single_image, None),
):
    registry.job(
        job_type, queue=IMAGE_QUEUE, timeout=timeout, validate=validate, admit=admit_character
    )(generate_shots)


async def make_set(ctx: JobContext, request: SetRequest) -> dict[str, Any]:
    """Each shot not made yet, in order; a rerun of the job resumes after the made ones."""
    started = time.monotonic()
    shots = request.shot_list()
    made = {record["angle"]: record for record in shot_records(ctx.job.partial_results)}
    made = {shot.name: made[shot.name] for shot in shots if shot.name in made}
    resumed_ms = sum(int(record.get("durationMs") or 0) for record in made.values())
    total = len(shots)
    run: SetRun | None = None
    for shot in (s for s in shots if s.name not in made):
        await ctx.progress(
            round(len(made) * 100 / total),
            current=len(made),
            total=total,
            task=f"Generating {shot.name} shot",
        )
        run = run or await _set_run(ctx, request)
        record = await make_shot(run, shot, time.time())
        await ctx.partial(record)
        made[shot.name] = record
    records = [made[shot.name] for shot in shots]
    seconds = shot_seconds(records)
    await record_shot_times(
        ctx.records, request.qualityThreshold, request.maxRetries, seconds, time.time()
    )
    if not any(record["status"] == GENERATED for record in records):
        raise SetFailure(f"no shot reached the quality threshold: {records[0]['reason']}")
    await ctx.progress(100, current=total, total=total, task="Completed")
    elapsed_ms = round((time.monotonic() - started) * 1000)
    return set_results(records, resumed_ms + elapsed_ms)


async def _set_run(ctx: JobContext, request: SetRequest) -> SetRun:
    assets = assets_of(ctx.resources)
    try:
        character = await load_character(ctx.records, request.characterId, ctx.job.owner)
        reference = await _reference_bytes(ctx.records, assets, character)
    except (RecordNotFound, MissingMasterReference) as exc:
        raise SetFailure(str(exc)) from None
    return SetRun(
        job_id=ctx.job_id,
        job_type=ctx.job.type,
        character=character,
        reference=reference,
        style=request.style,
        threshold=request.qualityThreshold,
        max_retries=request.maxRetries,
        images=providers_of(ctx.resources).images,
        assets=assets,
        records=ctx.records,
    )


async def _reference_bytes(records: RecordStore, assets: AssetStore, character: Character) -> bytes:
    key = await _reference_of(records, character)
    try:
        return await assets.read(key)
    except AssetNotFound:
        raise MissingMasterReference(character) from None
