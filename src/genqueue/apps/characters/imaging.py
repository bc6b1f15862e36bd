"""Making one image of a character and keeping it: the step the creation and image jobs share."""

from __future__ import annotations

from genqueue.apps.characters.poses import Pose
from genqueue.apps.characters.run import Run
from genqueue.apps.domain import Character, Media, save_media
from genqueue.providers.base import CharacterSketch, GeneratedImage, ImageSpec


def sketch_of(character: Character) -> CharacterSketch:
    return CharacterSketch(
        seed=character.id,
        name=character.name,
        description=character.description,
        personality=character.personality,
    )


def image_prompt(character: Character, pose: Pose, style: str | None) -> str:
    parts = [f"A full-body picture of {character.name}"]
    if character.description:
        parts.append(character.description)
    parts.append(pose.prompt)
    if style:
        parts.append(f"in a {style} style")
    return ", ".join(parts) + "."


def character_style(character: Character) -> str | None:
    style = character.attributes.get("style")
    return style if isinstance(style, str) else None


async def draw(
    run: Run, character: Character, pose: Pose, reference: bytes | None = None
) -> GeneratedImage:
    style = character_style(character)
    spec = ImageSpec(
        prompt=image_prompt(character, pose, style),
        seed=f"{character.id}:{run.id}",
        character=sketch_of(character),
        pose=pose.id,
        style=style,
        reference=reference,
        attempt=run.attempt,
    )
    return await run.providers.images.generate(spec)


async def keep_image(
    run: Run, character: Character, pose: Pose, image: GeneratedImage, role: str
) -> Media:
    """Store the file and its media record (the record id is the run's for `role`)."""
    asset = await run.store_file(
        f"{character.display_id}-{pose.id}", image.data, image.content_type
    )
    media = Media(
        id=run.record_id(role),
        owner=run.owner,
        character_id=character.id,
        type="image",
        url=asset.url,
        asset_key=asset.key,
        content_type=asset.content_type,
        pose=pose.id,
        quality=image.quality,
        details={"width": image.width, "height": image.height, "role": role},
        job_id=run.job_id,
    )
    return await save_media(run.records, media, run.now())
