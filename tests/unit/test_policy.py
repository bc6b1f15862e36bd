"""Policies, settings and the registry: parsing and the rules they encode."""

from __future__ import annotations

import pytest

from genqueue.config import Settings, parse_costs
from genqueue.engine.catalog import (
    CHARACTER_QUEUE,
    IMAGE_QUEUE,
    STORY_QUEUE,
    VIDEO_QUEUE,
    Catalog,
)
from genqueue.engine.errors import UnknownJobType
from genqueue.engine.policy import Backoff, QueuePolicy, RateLimit, parse_duration
from genqueue.stores import open_store, sqlite_path
from genqueue.worker.registry import Registry


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("300", 300.0), ("5m", 300.0), ("250ms", 0.25), ("1.5h", 5400.0), (30, 30.0), ("2 s", 2.0)],
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "five", "-1", "3 weeks"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_rate_limits() -> None:
    assert RateLimit.parse("5/s") == RateLimit(5, 1.0)
    assert RateLimit.parse("10/2s") == RateLimit(10, 2.0)
    assert RateLimit.parse("100/m") == RateLimit(100, 60.0)
    assert str(RateLimit(5, 1.0)) == "5/s"
    with pytest.raises(ValueError, match="rate limit"):
        RateLimit.parse("fast")
    with pytest.raises(ValueError, match="rate limit"):
        RateLimit(0, 1.0)


def test_exponential_backoff_with_cap_and_jitter() -> None:
    backoff = Backoff(base_seconds=2.0, max_seconds=10.0)
    assert [backoff.delay(n) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 10.0]
    jittery = Backoff(base_seconds=2.0, jitter=0.5)
    assert jittery.delay(2, rand=lambda: 1.0) == 2.0
    assert jittery.delay(2, rand=lambda: 0.0) == 4.0


def test_seed_queues_are_the_defaults() -> None:
    catalog = Catalog.with_seed_queues()
    character = catalog.queue(CHARACTER_QUEUE)
    assert (character.rate_limit, character.concurrency, character.timeout_seconds) == (
        RateLimit(10),
        5,
        300,
    )
    assert catalog.queue(IMAGE_QUEUE).rate_limit == RateLimit(5)
    video = catalog.queue(VIDEO_QUEUE)
    assert (video.rate_limit, video.timeout_seconds) == (RateLimit(3), 600)
    assert catalog.queue(STORY_QUEUE).concurrency == 5
    for queue in catalog.queues.values():
        assert queue.attempts == 3
        assert queue.backoff.base_seconds == 2.0
        assert queue.retention.max_age_seconds == 24 * 3600


def test_registry_declares_queue_and_type_policies() -> None:
    registry = Registry()

    @registry.job("image", queue="image-generation", rate_limit="7/s", timeout="2m", attempts=5)
    async def image(ctx: object, data: object) -> None:
        return None

    def sync_one(ctx: object, data: object) -> None:
        return None

    registry.job("sync-one", queue="brand-new")(sync_one)
    assert registry.catalog.queue("image-generation").rate_limit == RateLimit(7)
    assert registry.catalog.queue("image-generation").concurrency == 5
    assert registry.catalog.attempts_for("image") == 5
    assert registry.catalog.timeout_for("image", "image-generation") == 120
    assert registry.get("image").is_async
    assert not registry.get("sync-one").is_async
    assert registry.catalog.job_type("sync-one").queue == "brand-new"
    with pytest.raises(ValueError, match="twice"):
        registry.job("image")(image)
    with pytest.raises(UnknownJobType):
        registry.get("nope")


def test_include_keeps_declared_policies() -> None:
    base = Registry()
    base.queue("default", concurrency=2)
    app = Registry()

    @app.job("thing")
    async def thing(ctx: object, data: object) -> None:
        return None

    base.include(app)
    assert base.catalog.queue("default").concurrency == 2
    assert base.names == ["thing"]


def test_costs_and_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GENQUEUE_STORE_URL", "REDIS_URL", "WORKER_CONCURRENCY", "GENQUEUE_APPS"):
        monkeypatch.delenv(name, raising=False)
    assert parse_costs("story=1, image=2,") == {"story": 1, "image": 2}
    with pytest.raises(ValueError, match="type=credits"):
        parse_costs("story")
    monkeypatch.setenv("GENQUEUE_COSTS", "story=3")
    monkeypatch.setenv("QUEUE_CONCURRENCY", "7")
    monkeypatch.setenv("GENQUEUE_APPS", "a.b, c.d")
    monkeypatch.setenv("REDIS_HOST", "cache")
    settings = Settings()
    assert settings.costs == {"story": 3}
    assert settings.worker_concurrency == 7
    assert settings.apps == ["a.b", "c.d"]
    assert settings.resolved_store_url == "redis://cache:6379/0"
    monkeypatch.setenv("WORKER_CONCURRENCY", "2")
    monkeypatch.setenv("GENQUEUE_STORE_URL", "sqlite:///x.db")
    settings = Settings()
    assert settings.worker_concurrency == 2
    assert settings.resolved_store_url == "sqlite:///x.db"


def test_store_urls() -> None:
    assert sqlite_path("sqlite:///genqueue.db") == "genqueue.db"
    assert sqlite_path("sqlite:////tmp/a.db?synchronous=FULL") == "/tmp/a.db"
    with pytest.raises(ValueError, match="unsupported"):
        open_store("mysql://x")
    with pytest.raises(ValueError, match="synchronous"):
        open_store("sqlite:////tmp/a.db?synchronous=SOMETIMES")


def test_every_job_survives_at_least_one_stall() -> None:
    with pytest.raises(ValueError, match="at least one stall"):
        QueuePolicy("q", max_stalls=0)
