"""Every route that makes a job counts against the submission limit, whichever seed it is."""

from __future__ import annotations

import pytest

from genqueue.api.middleware import SUBMISSIONS

SUBMITTING = [
    "/api/v1/jobs",
    "/api/v1/jobs/",
    "/api/generate",
    "/api/jobs/generate-image",
    "/api/v1/characters",
    "/api/v1/characters/queue",
    "/api/v1/characters/c1/generate-image/queue",
    "/api/v1/characters/c1/media/m1/generate-video/queue",
    "/api/v1/characters/c1/generate-360-set",
    "/api/v1/characters/c1/generate-core-set",
]
READING = [
    "/api/v1/jobs/j1/retry",
    "/api/v1/jobs/j1/status",
    "/api/v1/characters/c1",
    "/api/job/j1",
    "/api/jobs/stats",
    "/api/v1/character-jobs",
    "/api/v1/admin/credits",
]


@pytest.mark.parametrize("path", SUBMITTING)
def test_submitting_routes_match(path: str) -> None:
    assert SUBMISSIONS.fullmatch(path)


@pytest.mark.parametrize("path", READING)
def test_other_routes_do_not(path: str) -> None:
    assert SUBMISSIONS.fullmatch(path) is None
