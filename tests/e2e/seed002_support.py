"""Shared helpers of the seed 002 tests: characters with a master reference made
directly through the domain records (the character job type is another app's), and
polling of the status route with a deadline."""

from __future__ import annotations

import asyncio
import io
import time
import uuid
from collections.abc import Sequence
from typing import Any

from PIL import Image

from genqueue import providers as provider_sets
from genqueue.api.state import ApiState
from genqueue.apps.domain import (
    Character,
    Media,
    character_media,
    display_id,
    load_media,
    save_character,
    save_media,
    set_master_reference,
)
from genqueue.apps.library360.generation import SetRun
from genqueue.apps.library360.shots import Shot
from genqueue.apps.services import assets_of
from genqueue.engine.engine import Engine
from genqueue.providers.base import CharacterSketch, ImageSpec
from tests.api.conftest import Api

POLL_SECONDS = 0.02
DEADLINE_SECONDS = 100.0
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHARACTERS = uuid.UUID("5eed0002-0000-4000-8000-000000000000")


def engine_of(api: Api) -> Engine:
    state: ApiState = api.app.state.api
    return state.engine


async def make_character(
    api: Api,
    owner: str = "alice",
    *,
    name: str = "Aria Moon",
    description: str = "a young astronomer in a blue coat",
    with_reference: bool = True,
) -> Character:
    """A character of `owner`, with a master reference drawn by the local image provider
    and kept in the API's asset store (unless `with_reference` is False)."""
    engine = engine_of(api)
    now = time.time()
    # from the name and owner: the same character each run, so its shots' scores repeat
    character_id = str(uuid.uuid5(CHARACTERS, f"{owner}:{name}"))
    character = await save_character(
        engine.store,
        Character(character_id, owner, name, display_id(name, character_id), description),
        now,
    )
    if not with_reference:
        return character
    local = provider_sets.from_settings(api.settings.model_copy(update={"provider": "local"}))
    sketch = CharacterSketch(seed=character_id, name=name, description=description)
    image = await local.images.generate(
        ImageSpec(prompt=f"{name}, {description}", seed=character_id, character=sketch)
    )
    asset = await assets_of(engine.resources).put(
        owner, "reference.png", image.data, image.content_type
    )
    media = Media(
        id=str(uuid.uuid4()),
        owner=owner,
        character_id=character_id,
        type="image",
        url=asset.url,
        asset_key=asset.key,
        content_type=image.content_type,
        pose="reference",
        quality=image.quality,
    )
    media = await save_media(engine.store, media, now)
    return await set_master_reference(engine.store, character, media, now)


async def media_of(api: Api, character: Character) -> dict[str, Media]:
    found, _ = await character_media(engine_of(api).store, character.id, character.owner)
    return {m.id: m for m in found}


async def start_set(
    api: Api, character_id: str, user: str = "alice", **options: Any
) -> dict[str, Any]:
    response = await api.client.post(
        f"/api/v1/characters/{character_id}/generate-360-set",
        json=options,
        headers=api.auth(user),
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


async def status(api: Api, job_id: str, user: str = "alice") -> dict[str, Any]:
    response = await api.client.get(f"/api/v1/jobs/{job_id}/status", headers=api.auth(user))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def poll_until(
    api: Api,
    job_id: str,
    statuses: set[str],
    *,
    user: str = "alice",
    seen: list[dict[str, Any]] | None = None,
    deadline_seconds: float = DEADLINE_SECONDS,
) -> dict[str, Any]:
    """Poll the status route until its status is one of `statuses`; every body read is
    appended to `seen`."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        body = await status(api, job_id, user)
        if seen is not None:
            seen.append(body)
        if body["status"] in statuses:
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {body['status']}: {body}")
        await asyncio.sleep(POLL_SECONDS)


async def fetch_png(api: Api, url: str) -> Image.Image:
    """The image at `url` (no token: asset urls are unguessable), checked to be a PNG."""
    response = await api.client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(PNG_SIGNATURE)
    Image.open(io.BytesIO(response.content)).verify()
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.format == "PNG"
    return image


async def shot_scores(
    api: Api, character: Character, shots: Sequence[Shot], attempts: int
) -> dict[str, list[float]]:
    """The quality the API's image provider gives each shot's first `attempts` tries, asked
    exactly as a set asks it: what a set's accepted and failed shots must match."""
    engine = engine_of(api)
    assets = assets_of(engine.resources)
    reference = await load_media(engine.store, character.master_reference_id or "", None)
    run = SetRun(
        job_id="expectations",
        job_type="360-set",
        character=character,
        reference=await assets.read(reference.asset_key),
        style="character_production",
        threshold=0,
        max_retries=attempts - 1,
        images=provider_sets.from_settings(api.settings).images,
        assets=assets,
        records=engine.store,
    )
    return {
        shot.name: [
            (await run.images.generate(run.spec(shot, attempt))).quality
            for attempt in range(1, attempts + 1)
        ]
        for shot in shots
    }
