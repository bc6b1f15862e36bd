"""The queues and job types an engine knows, with the seed systems' queues as defaults."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from genqueue.engine.errors import UnknownJobType
from genqueue.engine.policy import JobTypePolicy, QueuePolicy, RateLimit

DEFAULT_QUEUE = "default"
CHARACTER_QUEUE = "character-creation"
IMAGE_QUEUE = "image-generation"
VIDEO_QUEUE = "video-generation"
STORY_QUEUE = "story"
SNAP_QUEUE = "snap2story-image"


def seed_queues() -> list[QueuePolicy]:
    """The queues the seed systems documented (seeds 000/001, 003, 004)."""
    return [
        QueuePolicy(DEFAULT_QUEUE),
        QueuePolicy(CHARACTER_QUEUE, RateLimit(10), concurrency=5, timeout_seconds=300),
        QueuePolicy(IMAGE_QUEUE, RateLimit(5), concurrency=5, timeout_seconds=300),
        QueuePolicy(VIDEO_QUEUE, RateLimit(3), concurrency=5, timeout_seconds=600),
        QueuePolicy(STORY_QUEUE, RateLimit(5), concurrency=5, timeout_seconds=900),
        QueuePolicy(SNAP_QUEUE, timeout_seconds=300),
    ]


@dataclass
class Catalog:
    """Queue policies by name and job types by name; built by the worker registry."""

    queues: dict[str, QueuePolicy] = field(default_factory=dict)
    types: dict[str, JobTypePolicy] = field(default_factory=dict)

    @classmethod
    def with_seed_queues(cls) -> Catalog:
        return cls(queues={q.name: q for q in seed_queues()})

    def add_queue(self, policy: QueuePolicy) -> None:
        self.queues[policy.name] = policy

    def add_type(self, policy: JobTypePolicy) -> None:
        if policy.queue not in self.queues:
            self.add_queue(QueuePolicy(policy.queue))
        self.types[policy.name] = policy

    def job_type(self, name: str) -> JobTypePolicy:
        try:
            return self.types[name]
        except KeyError:
            raise UnknownJobType(name) from None

    def queue(self, name: str) -> QueuePolicy:
        return self.queues.get(name) or QueuePolicy(name)

    def attempts_for(self, job_type: str) -> int:
        spec = self.job_type(job_type)
        return spec.attempts or self.queue(spec.queue).attempts

    def timeout_for(self, job_type: str, queue: str) -> float | None:
        spec = self.types.get(job_type)
        if spec is not None and spec.timeout_seconds is not None:
            return spec.timeout_seconds
        return self.queue(queue).timeout_seconds

    def queues_named(self, names: Iterable[str] | None) -> list[QueuePolicy]:
        if names is None:
            return list(self.queues.values())
        return [self.queue(n) for n in names]
