"""Dependencies every route shares: the app state, the caller, and jobs the caller may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from genqueue.api.auth import Principal
from genqueue.api.state import ApiState
from genqueue.engine.engine import Engine
from genqueue.engine.errors import JobNotFound
from genqueue.engine.job import Job

bearer = HTTPBearer(auto_error=False, description="A JWT with `sub` and `exp`.")


def api_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.api
    return state


def current_user(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Set by `GuardMiddleware`, which has already checked the token."""
    principal: Principal | None = request.scope.get("state", {}).get("principal")
    if principal is None:
        raise HTTPException(401, "missing bearer token", {"WWW-Authenticate": "Bearer"})
    return principal


def admin_user(user: Annotated[Principal, Depends(current_user)]) -> Principal:
    if not user.admin:
        raise HTTPException(403, "this route needs an admin token (role: admin)")
    return user


async def visible_job(engine: Engine, user: Principal, job_id: str) -> Job:
    """The job when the caller owns it (or is an admin); another user's job is not found."""
    job = await engine.get(job_id)
    if job.owner != user.user_id and not user.admin:
        raise JobNotFound(job_id)
    return job


State = Annotated[ApiState, Depends(api_state)]
User = Annotated[Principal, Depends(current_user)]
Admin = Annotated[Principal, Depends(admin_user)]
