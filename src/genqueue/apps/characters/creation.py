"""Character creation (seed 001), in the milestones its clients show:
10 document created, 30 linked documents created, 40 populated, 60 AI personality
generated, 80 AI image generated, 100 complete."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from genqueue.apps.characters.imaging import draw, keep_image, sketch_of
from genqueue.apps.characters.poses import DEFAULT_POSE_ID, pose_named
from genqueue.apps.characters.requests import CharacterData
from genqueue.apps.characters.run import Run
from genqueue.apps.domain import (
    CHARACTER,
    MEDIA,
    Character,
    display_id,
    load_character,
    save_character,
    set_master_reference,
)

MASTER_REFERENCE = "master-reference"
CHARACTER_ROLE = "character"


async def create_character(run: Run, request: CharacterData) -> Character:
    character = await _create_document(run, request)
    character = await _link_documents(run, character, request)
    character = await _populate(run, character)
    character = await _give_personality(run, character, request)
    character = await _draw_master_reference(run, character, request)
    await run.progress(100, "Complete")
    return character


async def discard_character(run: Run) -> None:
    """Delete the records a creation that failed for good had made, so that it leaves no
    half-made character behind (its files stay in the asset store)."""
    await run.records.delete_record(MEDIA, run.record_id(MASTER_REFERENCE))
    await run.records.delete_record(CHARACTER, run.record_id(CHARACTER_ROLE))


async def _create_document(run: Run, request: CharacterData) -> Character:
    character_id = run.record_id(CHARACTER_ROLE)
    character = Character(
        id=character_id,
        owner=run.owner,
        name=request.name,
        display_id=display_id(request.name, character_id),
        description=request.description,
    )
    character = await save_character(run.records, character, run.now())
    await run.progress(10, "Character document created")
    return character


async def _link_documents(run: Run, character: Character, request: CharacterData) -> Character:
    """The request's other fields and the link to the job that made the character."""
    attributes: dict[str, Any] = dict(request.attributes)
    if request.style is not None:
        attributes["style"] = request.style
    linked = replace(character, attributes=attributes, job_id=run.job_id)
    linked = await save_character(run.records, linked, run.now())
    await run.progress(30, "Linked documents created")
    return linked


async def _populate(run: Run, character: Character) -> Character:
    """Read the character back as stored: what the later steps build on."""
    populated = await load_character(run.records, character.id, run.owner)
    await run.progress(40, "Character populated")
    return populated


async def _give_personality(run: Run, character: Character, request: CharacterData) -> Character:
    personality = request.personality
    if personality is None:
        personality = await run.providers.text.personality(sketch_of(character))
    character = await save_character(
        run.records, replace(character, personality=personality), run.now()
    )
    await run.progress(60, "AI personality generated")
    return character


async def _draw_master_reference(
    run: Run, character: Character, request: CharacterData
) -> Character:
    pose = pose_named(request.poseId or DEFAULT_POSE_ID)
    image = await draw(run, character, pose)
    media = await keep_image(run, character, pose, image, MASTER_REFERENCE)
    character = await set_master_reference(run.records, character, media, run.now())
    await run.progress(80, "AI image generated")
    return character
