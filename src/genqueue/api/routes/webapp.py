"""`/`: the demo web app, its static files under `/webapp/static`, and the dev sign-in.

The page carries no data and needs no token: the app asks for the user's token (kept in
the browser's localStorage) and fetches everything from the API with it. When `serve`
made its own dev secret (no GENQUEUE_JWT_SECRET), `enable_dev_login` lets
`POST /webapp/dev-login` hand a loopback caller the same `dev-user` token `serve` prints;
with a real secret that route answers 404.
"""

from __future__ import annotations

import ipaddress

from fastapi import APIRouter, FastAPI, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles

from genqueue.api.auth import issue_token
from genqueue.api.deps import app_state
from genqueue.webapp import STATIC_DIR, app_page

PAGE_PATH = "/"
STATIC_PATH = "/webapp/static"
DEV_LOGIN_PATH = "/webapp/dev-login"
DEV_USER = "dev-user"
DEV_TOKEN_SECONDS = 7 * 24 * 3600.0
DEV_LOGIN_FLAG = "webapp_dev_login"
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
"""No inline script or style; images and videos come from /assets (or a data: preview of
the photo being uploaded); fetch, SSE and Socket.IO go to this origin only."""

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="webapp-static")


def enable_dev_login(app: FastAPI) -> None:
    """Called by `serve` only when it made a random dev secret for this run."""
    setattr(app.state, DEV_LOGIN_FLAG, True)


def _dev_login_enabled(request: Request) -> bool:
    return getattr(request.app.state, DEV_LOGIN_FLAG, False) is True


@router.get(PAGE_PATH)
async def page(request: Request) -> Response:
    return HTMLResponse(app_page(dev_login=_dev_login_enabled(request)), headers=PAGE_HEADERS)


@router.post(DEV_LOGIN_PATH)
async def dev_login(request: Request) -> Response:
    """A `dev-user` token, as `serve` prints it; only with a dev secret, only on loopback."""
    if not _dev_login_enabled(request):
        return JSONResponse({"detail": "Not Found"}, 404)
    if not _is_loopback(request.client.host if request.client else None):
        return JSONResponse({"detail": "the dev sign-in answers loopback callers only"}, 403)
    secret = app_state(request).settings.jwt_secret or ""
    token = issue_token(secret, DEV_USER, ttl=DEV_TOKEN_SECONDS)
    return JSONResponse({"token": token, "user": DEV_USER}, headers={"Cache-Control": "no-store"})


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
