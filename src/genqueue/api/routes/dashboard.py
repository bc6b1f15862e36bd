"""`/admin/queues`: the queue dashboard for admins, and the login that opens it.

An admin Bearer header or a valid dashboard cookie gets the dashboard page; anyone else
gets the login page, which shows no queue data. The login form posts a token: an admin's
sets the `genqueue_admin` cookie (HttpOnly, SameSite=Strict, no longer than the token
lives) and redirects to the page. The page itself holds no data: its scripts fetch it
from the admin API with the cookie (see api/auth.py for where the cookie counts).
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Request
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from genqueue.api.auth import DASHBOARD_COOKIE, AuthError
from genqueue.api.deps import app_state, page_admin
from genqueue.dashboard import STATIC_DIR, dashboard_page, login_page

PAGE_PATH = "/admin/queues"
STATIC_PATH = f"{PAGE_PATH}/static"
MAX_TOKEN_CHARS = 8192
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
"""No inline script or style anywhere, so the policy can forbid them; no framing."""

router = APIRouter(include_in_schema=False)


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="dashboard-static")


def _login(error: str | None = None, status: int = 200, *, clear: bool = False) -> Response:
    response = HTMLResponse(login_page(error), status, headers=PAGE_HEADERS)
    if clear:
        _clear_cookie(response)
    return response


def _clear_cookie(response: Response) -> None:
    response.delete_cookie(DASHBOARD_COOKIE, path="/", httponly=True, samesite="strict")


@router.get(PAGE_PATH)
async def dashboard(request: Request) -> Response:
    has_cookie = DASHBOARD_COOKIE in request.cookies
    if not has_cookie and "authorization" not in request.headers:
        return _login()
    try:
        await page_admin(request)
    except HTTPException as exc:
        if exc.status_code == 403:
            return _login("This token is not an admin's token.", 403, clear=has_cookie)
        return _login("Your session has ended, sign in again.", 401, clear=has_cookie)
    return HTMLResponse(dashboard_page(), headers=PAGE_HEADERS)


@router.post(f"{PAGE_PATH}/login")
async def login(request: Request) -> Response:
    """The form's `token`: an admin's sets the cookie; any other shows the form again."""
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    token = (form.get("token") or [""])[0].strip()
    if not token:
        return _login("Paste an admin token (a JWT with role: admin).", 401)
    if len(token) > MAX_TOKEN_CHARS:
        return _login("That token is too long to be a JWT.", 401)
    try:
        principal, expires_at = await app_state(request).authenticator.verify(token)
    except AuthError as exc:
        return _login(f"That token was not accepted: {exc}.", 401)
    if not principal.admin:
        return _login("This token is not an admin's token (it lacks role: admin).", 403)
    max_age = int(expires_at - time.time())
    if max_age <= 0:
        return _login("That token has expired.", 401)
    response = RedirectResponse(PAGE_PATH, 303)
    response.set_cookie(
        DASHBOARD_COOKIE,
        token,
        max_age=max_age,
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


@router.post(f"{PAGE_PATH}/logout")
async def logout() -> Response:
    response = RedirectResponse(PAGE_PATH, 303)
    _clear_cookie(response)
    return response
