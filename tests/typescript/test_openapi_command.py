"""`genqueue openapi`: the schema the TypeScript types are generated from, printed without
a server, a store or a secret, byte for byte the same on every run and whatever the
environment's settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genqueue.api import create_app
from genqueue.cli import app
from genqueue.config import Settings


def test_it_prints_the_apps_schema_the_same_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["openapi"])
    assert first.exit_code == 0, first.output
    monkeypatch.setenv("GENQUEUE_JWT_SECRET", "another")
    monkeypatch.setenv("CORS_ORIGINS", "http://example.test")
    monkeypatch.setenv("GENQUEUE_STORE_URL", f"sqlite:///{tmp_path / 'never-opened.db'}")
    second = runner.invoke(app, ["openapi"])
    assert second.exit_code == 0, second.output
    assert second.output == first.output
    assert not (tmp_path / "never-opened.db").exists()
    schema = json.loads(first.output)
    expected = create_app(Settings(jwt_secret="x"), workers=0).openapi()
    assert schema == json.loads(json.dumps(expected))
    paths = schema["paths"]
    for path in (
        "/api/v1/jobs",
        "/api/generate",
        "/api/jobs/generate-image",
        "/api/story/{storyId}",
    ):
        assert path in paths
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_it_writes_a_file_with_output(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    done = CliRunner().invoke(app, ["openapi", "--output", str(target)])
    assert done.exit_code == 0, done.output
    assert done.output == ""
    text = target.read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert json.loads(text)["info"]["title"] == "genqueue"
