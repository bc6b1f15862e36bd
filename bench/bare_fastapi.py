"""The bare FastAPI reference for `api_load.py`: genqueue's two hot routes with no queue behind.

`POST /api/v1/jobs` validates a body shaped like genqueue's submission with a pydantic model
and answers 202 with the same envelope; `GET /api/v1/jobs/{job_id}` answers a canned job of
the same size. Neither reads the token: the figure is what FastAPI itself costs per request.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from bench.bare_job import job_body

app = FastAPI()


class Submission(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(min_length=1, max_length=100)
    data: dict[str, Any] = Field(default_factory=dict)
    priority: int | None = None
    delaySeconds: float | None = None
    tags: dict[str, str] = Field(default_factory=dict)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/api/v1/jobs", status_code=202)
async def submit(submission: Submission) -> JSONResponse:
    job_id = str(uuid.uuid4())
    return JSONResponse(
        status_code=202,
        content={
            "success": True,
            "statusCode": 202,
            "message": "Job accepted",
            "data": {
                "jobId": job_id,
                "status": "pending",
                "statusUrl": f"/api/v1/jobs/{job_id}",
            },
        },
    )


@app.get("/api/v1/jobs/{job_id}")
async def read(job_id: str) -> dict[str, Any]:
    return {"success": True, "statusCode": 200, "message": "OK", "data": job_body(job_id)}
