"""The queue dashboard served at /admin/queues: a login page, the dashboard page and the
static files they load, plain HTML, CSS and ES modules shipped in the package (no build
step, no CDN). Everything the dashboard shows it fetches from the admin API."""

from __future__ import annotations

import functools
import html
from pathlib import Path

PACKAGE_DIR = Path(__file__).parent
STATIC_DIR = PACKAGE_DIR / "static"
ERROR_SLOT = "<!--error-->"


@functools.cache
def _page(name: str) -> str:
    return (PACKAGE_DIR / name).read_text(encoding="utf-8")


def dashboard_page() -> str:
    return _page("index.html")


def login_page(error: str | None = None) -> str:
    """The login form; `error` (escaped) says why the last attempt was refused."""
    message = (
        "" if error is None else f'<p class="login-error" role="alert">{html.escape(error)}</p>'
    )
    return _page("login.html").replace(ERROR_SLOT, message)
