"""Seed 004's job type `snap-image`: restyle an uploaded photo as a picture-book page.

Admission decodes and checks the photo and stores it as an asset before anything is
queued or charged, so a bad upload is a 422 (or 413) at once, not a failed job later.
Each upload is remembered as an `upload` record of its owner: a resubmitted job's key is
accepted only from the user who uploaded it.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from genqueue.apps.services import assets_of, providers_of
from genqueue.apps.snap2story.photo import Photo, decode_photo
from genqueue.apps.snap2story.request import SnapRequest, parse_snap, validate_snap
from genqueue.assets.base import AssetNotFound
from genqueue.engine.admission import Admission, Admitted
from genqueue.engine.catalog import SNAP_QUEUE
from genqueue.engine.errors import DoNotRetry, RecordNotFound
from genqueue.engine.records import Record, RecordStore
from genqueue.providers.base import PhotoEditSpec
from genqueue.worker.context import JobContext
from genqueue.worker.registry import Registry

SNAP_JOB = "snap-image"
UPLOAD = "upload"
"""The record kind of a stored photo: `{assetKey, contentType, width, height, size}`."""
IMAGE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}

registry = Registry()


def upload_id(asset_key: str) -> str:
    """Record ids stay short and plain whatever characters an asset key has."""
    return hashlib.sha256(asset_key.encode()).hexdigest()[:32]


async def _check_upload(records: RecordStore, asset_key: str, owner: str) -> None:
    """Another user's upload is not found, the same as a key nobody uploaded."""
    try:
        record = await records.get_record(UPLOAD, upload_id(asset_key))
    except RecordNotFound:
        record = None
    if record is None or record.owner != owner or record.data.get("assetKey") != asset_key:
        raise RecordNotFound(UPLOAD, asset_key)


async def _store_photo(admission: Admission, photo: Photo) -> str:
    asset = await assets_of(admission.resources).put(
        admission.owner, f"photo.{photo.extension}", photo.data, photo.content_type
    )
    data = {
        "assetKey": asset.key,
        "contentType": photo.content_type,
        "width": photo.width,
        "height": photo.height,
        "size": len(photo.data),
    }
    record = Record(UPLOAD, upload_id(asset.key), admission.owner, data)
    await admission.records.put_record(record, admission.now)
    return asset.key


async def admit_snap(admission: Admission, data: Any) -> Admitted:
    """Store the photo (PhotoError → 422/413) or check the key is the caller's (else 404)."""
    request = parse_snap(data)
    if request.originalImageKey is not None:
        await _check_upload(admission.records, request.originalImageKey, admission.owner)
        return Admitted(request.queued(request.originalImageKey))
    assert request.originalImageBase64 is not None
    # Decoding a 10 MB photo takes tens of milliseconds: off the event loop.
    photo = await asyncio.to_thread(decode_photo, request.originalImageBase64)
    return Admitted(request.queued(await _store_photo(admission, photo)))


def _spec(request: SnapRequest, photo: bytes, job_id: str) -> PhotoEditSpec:
    return PhotoEditSpec(
        photo=photo,
        style_key=request.styleKey,
        kind=request.kind,
        hero_name=request.heroName,
        theme_id=request.themeId,
        seed=job_id,
    )


@registry.job(SNAP_JOB, queue=SNAP_QUEUE, validate=validate_snap, admit=admit_snap)
async def snap_image(ctx: JobContext, data: dict[str, Any]) -> dict[str, Any]:
    """Result: `{imageUrl, assetKey, contentType, width, height, ...}` (seed 004's result)."""
    request = parse_snap(data)
    assert request.originalImageKey is not None
    assets = assets_of(ctx.resources)
    await ctx.progress(10, task="Preparing your photo...")
    try:
        photo = await assets.read(request.originalImageKey)
    except AssetNotFound:
        raise DoNotRetry(f"the uploaded photo {request.originalImageKey} is gone") from None
    await ctx.progress(30, task="Generating image with AI...")
    image = await providers_of(ctx.resources).images.edit(_spec(request, photo, ctx.job_id))
    await ctx.progress(90, task="Saving the image...")
    extension = IMAGE_EXTENSIONS.get(image.content_type, "img")
    stored = await assets.put(
        ctx.job.owner, f"{request.kind}.{extension}", image.data, image.content_type
    )
    return {
        "imageUrl": stored.url,
        "assetKey": stored.key,
        "contentType": stored.content_type,
        "width": image.width,
        "height": image.height,
        "heroName": request.heroName,
        "themeId": request.themeId,
        "styleKey": request.styleKey,
        "kind": request.kind,
    }
