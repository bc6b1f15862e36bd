"""One settings object, read once from the environment (and the seeds' own variable names)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_STORE_URL = "sqlite:///genqueue.db"
DEFAULT_COSTS = {"story": 1}
"""Seed 003 charges a story's credit before queueing it; the other seeds do not charge."""


def parse_costs(text: str) -> dict[str, int]:
    """`story=1,image=1` → {"story": 1, "image": 1}; the table replaces the defaults whole."""
    costs: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip().isdigit():
            raise ValueError(f"GENQUEUE_COSTS items look like type=credits, not {item!r}")
        costs[name.strip()] = int(value)
    return costs


RATE_UNITS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}
RATE_UNITS.update({"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0})


def parse_rate(text: str) -> tuple[int, float] | None:
    """`60/minute` → (60, 60.0); `0` or `off` → None (no limit). Units: second, minute,
    hour, day (or s, m, h, d)."""
    if text.strip().lower() in ("0", "off", "none"):
        return None
    count, sep, unit = text.strip().partition("/")
    if not sep or not count.strip().isdigit() or unit.strip().lower() not in RATE_UNITS:
        raise ValueError(f"a rate looks like 60/minute (or 0 for none), not {text!r}")
    if int(count) < 1:
        return None
    return int(count), RATE_UNITS[unit.strip().lower()]


def _split(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    store_url: str | None = Field(
        default=None, validation_alias=AliasChoices("GENQUEUE_STORE_URL", "REDIS_URL")
    )
    redis_host: str | None = Field(default=None, validation_alias="REDIS_HOST")
    redis_port: int = Field(default=6379, validation_alias="REDIS_PORT")
    redis_prefix: str = Field(default="genqueue", validation_alias="GENQUEUE_REDIS_PREFIX")
    host: str = Field(default="127.0.0.1", validation_alias="GENQUEUE_HOST")
    port: int = Field(default=8000, validation_alias="GENQUEUE_PORT")
    jwt_secret: str | None = Field(default=None, validation_alias="GENQUEUE_JWT_SECRET")
    embedded_workers: int = Field(default=5, ge=0, validation_alias="GENQUEUE_WORKERS")
    worker_concurrency: int = Field(
        default=5,
        ge=1,
        validation_alias=AliasChoices("WORKER_CONCURRENCY", "QUEUE_CONCURRENCY"),
    )
    queues: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="GENQUEUE_QUEUES"
    )
    apps: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="GENQUEUE_APPS"
    )
    local_step_seconds: float = Field(
        default=1.0, ge=0, validation_alias="GENQUEUE_LOCAL_STEP_SECONDS"
    )
    initial_credits: int = Field(default=100, ge=0, validation_alias="GENQUEUE_INITIAL_CREDITS")
    costs: Annotated[dict[str, int], NoDecode] = Field(
        default_factory=lambda: dict(DEFAULT_COSTS), validation_alias="GENQUEUE_COSTS"
    )
    lease_seconds: float = Field(default=30.0, gt=0, validation_alias="GENQUEUE_LEASE_SECONDS")
    log_level: str = Field(default="info", validation_alias="GENQUEUE_LOG_LEVEL")
    shutdown_grace_seconds: float = Field(
        default=10.0, ge=0, validation_alias="GENQUEUE_SHUTDOWN_GRACE"
    )
    jwks_url: str | None = Field(default=None, validation_alias="GENQUEUE_JWKS_URL")
    jwt_audience: str | None = Field(default=None, validation_alias="GENQUEUE_JWT_AUDIENCE")
    jwt_issuer: str | None = Field(default=None, validation_alias="GENQUEUE_JWT_ISSUER")
    submit_rate: str = Field(default="60/minute", validation_alias="GENQUEUE_SUBMIT_RATE")
    api_rate: str = Field(default="1200/minute", validation_alias="GENQUEUE_API_RATE")
    max_body_bytes: int = Field(
        default=15 * 1024 * 1024, ge=1, validation_alias="GENQUEUE_MAX_BODY_BYTES"
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="CORS_ORIGINS"
    )
    ws_ping_interval: int = Field(
        default=25000,
        ge=1000,
        le=3_600_000,
        validation_alias="WS_PING_INTERVAL",
        description="Socket.IO ping interval in ms (engine.io announces whole seconds).",
    )
    ws_ping_timeout: int = Field(
        default=20000, ge=100, le=3_600_000, validation_alias="WS_PING_TIMEOUT"
    )
    ws_max_per_user: int = Field(default=20, ge=1, validation_alias="GENQUEUE_WS_MAX_PER_USER")
    provider: Literal["local", "openai"] = Field(
        default="local", validation_alias="GENQUEUE_PROVIDER"
    )
    assets_dir: str = Field(default="genqueue-assets", validation_alias="GENQUEUE_ASSETS_DIR")
    openai_base_url: str = Field(
        default="https://api.openai.com/v1", validation_alias="OPENAI_BASE_URL"
    )
    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_image_model: str = Field(default="gpt-image-1", validation_alias="OPENAI_IMAGE_MODEL")
    openai_text_model: str = Field(default="gpt-4o-mini", validation_alias="OPENAI_TEXT_MODEL")
    video_base_url: str | None = Field(default=None, validation_alias="GENQUEUE_VIDEO_URL")
    video_api_key: str | None = Field(default=None, validation_alias="GENQUEUE_VIDEO_API_KEY")
    provider_timeout_seconds: float = Field(
        default=120.0, gt=0, validation_alias="GENQUEUE_PROVIDER_TIMEOUT"
    )
    video_poll_seconds: float = Field(
        default=2.0, gt=0, validation_alias="GENQUEUE_VIDEO_POLL_SECONDS"
    )
    metrics_public: bool = Field(default=False, validation_alias="GENQUEUE_METRICS_PUBLIC")
    metrics_timeout_seconds: float = Field(
        default=2.0, gt=0, le=60, validation_alias="GENQUEUE_METRICS_TIMEOUT"
    )

    @field_validator("queues", "apps", "cors_origins", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        return _split(value)

    @field_validator("submit_rate", "api_rate")
    @classmethod
    def _rate(cls, value: str) -> str:
        parse_rate(value)
        return value

    @field_validator("costs", mode="before")
    @classmethod
    def _cost_table(cls, value: object) -> object:
        return parse_costs(value) if isinstance(value, str) else value

    @property
    def resolved_store_url(self) -> str:
        """GENQUEUE_STORE_URL, else REDIS_URL, else REDIS_HOST/REDIS_PORT, else SQLite."""
        if self.store_url:
            return self.store_url
        if self.redis_host:
            return f"redis://{self.redis_host}:{self.redis_port}/0"
        return DEFAULT_STORE_URL
