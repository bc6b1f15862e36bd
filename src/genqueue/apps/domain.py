"""The seed systems' domain records: characters, their media, and stories.

Kept by the store beside the jobs (`Record`s of kinds `character`, `media`, `story`),
each owned by the user who made it. `load_*` answer `RecordNotFound` for another user's
record, the same as for a missing one, so ids leak nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from genqueue.engine.errors import RecordNotFound
from genqueue.engine.records import Record, RecordQuery, RecordStore

CHARACTER = "character"
MEDIA = "media"
STORY = "story"

MediaType = Literal["image", "video"]


def display_id(name: str, character_id: str) -> str:
    """A short readable id, `aria-moon-3f9c2a`: the name's slug and six hex digits of the id."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32] or "character"
    return f"{slug}-{hashlib.sha256(character_id.encode()).hexdigest()[:6]}"


@dataclass(frozen=True, slots=True)
class Character:
    id: str
    owner: str
    name: str
    display_id: str
    description: str = ""
    personality: str | None = None
    master_reference_id: str | None = None
    """The media id of the master reference image, set by the creation job's image step."""
    master_reference_url: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    """Other fields of the creation request, kept as sent."""
    job_id: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0

    def to_record(self) -> Record:
        data = {
            "name": self.name,
            "displayId": self.display_id,
            "description": self.description,
            "personality": self.personality,
            "masterReferenceId": self.master_reference_id,
            "masterReferenceUrl": self.master_reference_url,
            "attributes": self.attributes,
            "jobId": self.job_id,
        }
        return Record(CHARACTER, self.id, self.owner, data, {"displayId": self.display_id})

    @classmethod
    def from_record(cls, record: Record) -> Character:
        d = record.data
        return cls(
            id=record.id,
            owner=record.owner,
            name=d["name"],
            display_id=d["displayId"],
            description=d.get("description") or "",
            personality=d.get("personality"),
            master_reference_id=d.get("masterReferenceId"),
            master_reference_url=d.get("masterReferenceUrl"),
            attributes=d.get("attributes") or {},
            job_id=d.get("jobId"),
            created_at=record.created_at,
            updated_at=record.updated_at,
        )


@dataclass(frozen=True, slots=True)
class Media:
    id: str
    owner: str
    character_id: str
    type: MediaType
    url: str
    asset_key: str
    content_type: str
    pose: str | None = None
    angle: str | None = None
    quality: float | None = None
    details: dict[str, Any] = field(default_factory=dict)
    """Type-specific facts: lens, duration, resolution, width, height, source media…"""
    job_id: str | None = None
    created_at: float = 0.0

    def to_record(self) -> Record:
        data = {
            "characterId": self.character_id,
            "type": self.type,
            "url": self.url,
            "assetKey": self.asset_key,
            "contentType": self.content_type,
            "pose": self.pose,
            "angle": self.angle,
            "quality": self.quality,
            "details": self.details,
            "jobId": self.job_id,
        }
        index = {"characterId": self.character_id, "type": self.type}
        return Record(MEDIA, self.id, self.owner, data, index)

    @classmethod
    def from_record(cls, record: Record) -> Media:
        d = record.data
        return cls(
            id=record.id,
            owner=record.owner,
            character_id=d["characterId"],
            type=d["type"],
            url=d["url"],
            asset_key=d["assetKey"],
            content_type=d["contentType"],
            pose=d.get("pose"),
            angle=d.get("angle"),
            quality=d.get("quality"),
            details=d.get("details") or {},
            job_id=d.get("jobId"),
            created_at=record.created_at,
        )


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    owner: str
    title: str
    text: str
    word_count: int
    prompt: str = ""
    hero_name: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    job_id: str | None = None
    created_at: float = 0.0

    def to_record(self) -> Record:
        data = {
            "title": self.title,
            "text": self.text,
            "wordCount": self.word_count,
            "prompt": self.prompt,
            "heroName": self.hero_name,
            "options": self.options,
            "jobId": self.job_id,
        }
        return Record(STORY, self.id, self.owner, data, {})

    @classmethod
    def from_record(cls, record: Record) -> Story:
        d = record.data
        return cls(
            id=record.id,
            owner=record.owner,
            title=d["title"],
            text=d["text"],
            word_count=d["wordCount"],
            prompt=d.get("prompt") or "",
            hero_name=d.get("heroName"),
            options=d.get("options") or {},
            job_id=d.get("jobId"),
            created_at=record.created_at,
        )


async def _owned(records: RecordStore, kind: str, record_id: str, owner: str | None) -> Record:
    """The record if `owner` (None: an admin) may see it; else RecordNotFound."""
    record = await records.get_record(kind, record_id)
    if owner is not None and record.owner != owner:
        raise RecordNotFound(kind, record_id)
    return record


async def load_character(records: RecordStore, character_id: str, owner: str | None) -> Character:
    return Character.from_record(await _owned(records, CHARACTER, character_id, owner))


async def load_media(records: RecordStore, media_id: str, owner: str | None) -> Media:
    return Media.from_record(await _owned(records, MEDIA, media_id, owner))


async def load_story(records: RecordStore, story_id: str, owner: str | None) -> Story:
    return Story.from_record(await _owned(records, STORY, story_id, owner))


async def save_character(records: RecordStore, character: Character, now: float) -> Character:
    return Character.from_record(await records.put_record(character.to_record(), now))


async def save_media(records: RecordStore, media: Media, now: float) -> Media:
    return Media.from_record(await records.put_record(media.to_record(), now))


async def save_story(records: RecordStore, story: Story, now: float) -> Story:
    return Story.from_record(await records.put_record(story.to_record(), now))


async def set_master_reference(
    records: RecordStore, character: Character, media: Media, now: float
) -> Character:
    updated = replace(character, master_reference_id=media.id, master_reference_url=media.url)
    return await save_character(records, updated, now)


async def character_media(
    records: RecordStore,
    character_id: str,
    owner: str | None,
    media_type: MediaType | None = None,
    limit: int = 100,
    skip: int = 0,
) -> tuple[list[Media], int]:
    where = {"characterId": character_id}
    if media_type is not None:
        where["type"] = media_type
    page = await records.list_records(RecordQuery(MEDIA, owner, where, limit, skip))
    return [Media.from_record(r) for r in page.records], page.total
