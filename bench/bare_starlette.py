"""The bare Starlette reference for `api_load.py`: the same two routes as `bare_fastapi.py`,
with the body checked by hand instead of by pydantic, to show what FastAPI adds on top."""

from __future__ import annotations

import json
import uuid

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.bare_job import job_body


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def submit(request: Request) -> JSONResponse:
    try:
        body = json.loads(await request.body())
    except ValueError:
        return JSONResponse({"success": False, "statusCode": 422}, status_code=422)
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        return JSONResponse({"success": False, "statusCode": 422}, status_code=422)
    job_id = str(uuid.uuid4())
    return JSONResponse(
        {
            "success": True,
            "statusCode": 202,
            "message": "Job accepted",
            "data": {
                "jobId": job_id,
                "status": "pending",
                "statusUrl": f"/api/v1/jobs/{job_id}",
            },
        },
        status_code=202,
    )


async def read(request: Request) -> JSONResponse:
    job_id = request.path_params["job_id"]
    return JSONResponse(
        {"success": True, "statusCode": 200, "message": "OK", "data": job_body(job_id)}
    )


app = Starlette(
    routes=[
        Route("/health", health),
        Route("/api/v1/jobs", submit, methods=["POST"]),
        Route("/api/v1/jobs/{job_id}", read),
    ]
)
