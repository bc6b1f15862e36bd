"""Admission of media jobs: the character (and source image) must be the submitter's own.

These run inside `Engine.submit`, before anything is queued or charged: another user's
character or media answers 404 exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from genqueue.apps.characters.requests import ImageData, VideoData
from genqueue.apps.domain import MEDIA, load_character, load_media
from genqueue.engine.admission import Admission, Admitted
from genqueue.engine.errors import RecordNotFound


async def admit_image(admission: Admission, data: Any) -> Admitted:
    request = ImageData.model_validate(data)
    character = await load_character(admission.records, request.characterId, admission.owner)
    return Admitted(data, {"characterId": character.id})


async def admit_video(admission: Admission, data: Any) -> Admitted:
    """The source media must be an image of that very character."""
    request = VideoData.model_validate(data)
    character = await load_character(admission.records, request.characterId, admission.owner)
    media = await load_media(admission.records, request.mediaId, admission.owner)
    if media.character_id != character.id:
        raise RecordNotFound(MEDIA, request.mediaId)
    if media.type != "image":
        raise ValueError(f"media {media.id} is a {media.type}: a video starts from an image")
    return Admitted(data, {"characterId": character.id, "mediaId": media.id})
