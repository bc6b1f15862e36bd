"""`/`: the demo web app, its static files under `/webapp/static`, and the dev sign-in.

The page carries no data and needs no token: the app asks for the user's token (kept in
the browser's localStorage) and fetches everything from the API with it. When `serve`
made its own dev secret (no GENQUEUE_JWT_SECRET) and listens on loopback only,
`enable_dev_login` lets `POST /webapp/dev-login` hand a `dev-user` token to this machine's
own browser; with a real secret that route answers 404.

"This machine's own browser" is checked three ways, since a loopback peer address alone
is not enough: a local reverse proxy or an SSH tunnel makes remote callers look local, and
DNS rebinding lets a foreign page send same-origin requests to 127.0.0.1. So the `Host`
must be a loopback name, an `Origin` (when sent) must be this very origin, and the request
must carry `X-Genqueue-Dev-Login: 1` — a custom header, so a cross-site page cannot send
it without a CORS preflight, which this route never answers.
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
DEV_LOGIN_HEADER = "x-genqueue-dev-login"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
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
    """A `dev-user` token, as `serve` prints it; only with a dev secret, only to a browser
    on this machine (see the module's docstring)."""
    if not _dev_login_enabled(request):
        return JSONResponse({"detail": "Not Found"}, 404)
    refused = _refusal(request)
    if refused is not None:
        return JSONResponse({"detail": refused}, 403)
    secret = app_state(request).settings.jwt_secret or ""
    token = issue_token(secret, DEV_USER, ttl=DEV_TOKEN_SECONDS)
    return JSONResponse({"token": token, "user": DEV_USER}, headers={"Cache-Control": "no-store"})


def _refusal(request: Request) -> str | None:
    """Why the dev sign-in refuses this request, or None."""
    if not _is_loopback(request.client.host if request.client else None):
        return "the dev sign-in answers loopback callers only"
    host = request.headers.get("host", "")
    if _host_name(host) not in LOOPBACK_NAMES:
        return "the dev sign-in answers only requests addressed to localhost"
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{host}":
        return "the dev sign-in answers only this page's own origin"
    if request.headers.get(DEV_LOGIN_HEADER) != "1":
        return "the dev sign-in needs the X-Genqueue-Dev-Login: 1 header"
    return None


def _host_name(host: str) -> str:
    """`127.0.0.1:8000` → `127.0.0.1`, `[::1]:8000` → `[::1]`."""
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def is_loopback_host(host: str) -> bool:
    """Whether a bind address (`127.0.0.1`, `::1`, `localhost`) listens on loopback only."""
    return host == "localhost" or _is_loopback(host.strip("[]"))


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
