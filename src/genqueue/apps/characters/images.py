"""Image generation (seed 001), in the milestones its clients show:
20 character loaded, 40 character data populated, 60 image generation started,
80 media entry created, 100 complete."""

from __future__ import annotations

from genqueue.apps.characters.imaging import draw, keep_image
from genqueue.apps.characters.poses import DEFAULT_POSE_ID, pose_named
from genqueue.apps.characters.requests import ImageData
from genqueue.apps.characters.run import Run
from genqueue.apps.domain import Media, load_character, load_media

GENERATED_IMAGE = "image"


async def generate_image(run: Run, request: ImageData) -> Media:
    character = await load_character(run.records, request.characterId, run.owner)
    await run.progress(20, "Character loaded")
    reference = None
    if character.master_reference_id is not None:
        master = await load_media(run.records, character.master_reference_id, run.owner)
        reference = await run.assets.read(master.asset_key)
    pose = pose_named(request.poseId or DEFAULT_POSE_ID)
    await run.progress(40, "Character data populated")
    await run.progress(60, "Image generation started")
    image = await draw(run, character, pose, reference)
    media = await keep_image(run, character, pose, image, GENERATED_IMAGE)
    await run.progress(80, "Media entry created")
    await run.progress(100, "Complete")
    return media
