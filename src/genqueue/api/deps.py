"""What every route needs: the app state, the caller, and jobs the caller may see.

These are plain calls at the top of each route, not FastAPI dependencies: dependency
resolution costs more per request than the whole status read on SQLite. The bearer
scheme is declared in the OpenAPI schema by `openapi.py` instead.
"""

from __future__ import annotations

from collections.abc import Collection

from fastapi import Request
from starlette.exceptions import HTTPException

from genqueue.api.auth import CSRF_HEADER, AuthError, Forbidden, Principal
from genqueue.api.state import ApiState
from genqueue.engine.engine import Engine
from genqueue.engine.errors import JobNotFound
from genqueue.engine.job import Job


def app_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.api
    return state


def caller(request: Request) -> tuple[ApiState, Principal]:
    """The app state and the principal `GuardMiddleware` put on the request."""
    principal: Principal | None = request.scope.get("state", {}).get("principal")
    if principal is None:
        raise HTTPException(401, "missing bearer token", {"WWW-Authenticate": "Bearer"})
    return app_state(request), principal


def admin_caller(request: Request) -> tuple[ApiState, Principal]:
    state, user = caller(request)
    if not user.admin:
        raise HTTPException(403, "this route needs an admin token (role: admin)")
    return state, user


async def page_admin(request: Request) -> Principal:
    """The admin calling a route outside /api/ (the dashboard page, /metrics), which
    `GuardMiddleware` does not see: by Bearer header or dashboard cookie, by the same rules.
    401 without usable credentials, 403 for a user's."""
    headers = request.headers
    try:
        principal = await app_state(request).authenticator.authenticate_request(
            request.method,
            request.url.path,
            headers.get("authorization"),
            headers.get("cookie"),
            headers.get(CSRF_HEADER),
        )
    except AuthError as exc:
        raise HTTPException(401, str(exc), {"WWW-Authenticate": "Bearer"}) from None
    except Forbidden as exc:
        raise HTTPException(403, str(exc)) from None
    if not principal.admin:
        raise HTTPException(403, "this route needs an admin token (role: admin)")
    return principal


async def visible_job(
    engine: Engine, user: Principal, job_id: str, types: Collection[str] | None = None
) -> Job:
    """The job when the caller owns it (or is an admin) and, given `types`, is of one of
    them: another user's job, or a job of another type on a seed's routes, is not found."""
    job = await engine.get(job_id)
    if job.owner != user.user_id and not user.admin:
        raise JobNotFound(job_id)
    if types is not None and job.type not in types:
        raise JobNotFound(job_id)
    return job
