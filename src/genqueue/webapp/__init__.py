"""The demo web app served at `/`: one HTML page and the static files it loads.

`static/app.js` and `static/app.css` are compiled from `clients/typescript/demo/` (React and
the `genqueue-client` package) by `npm run build:demo` and checked in, so running the app
needs no front-end build step; tests/webapp/test_bundle.py fails when they are stale.
Everything the app shows it fetches from the API with the user's token.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE_DIR = Path(__file__).parent
STATIC_DIR = PACKAGE_DIR / "static"
BUNDLE_FILES = ("app.js", "app.css")
VERSION_SLOT = "{{version}}"
DEV_LOGIN_SLOT = "{{dev-login}}"


@functools.cache
def _template() -> str:
    return (PACKAGE_DIR / "index.html").read_text(encoding="utf-8")


@functools.cache
def bundle_version() -> str:
    """A digest of the bundle, put in its URLs so a browser never runs a stale cached copy."""
    digest = hashlib.sha256()
    for name in BUNDLE_FILES:
        digest.update((STATIC_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def app_page(*, dev_login: bool) -> str:
    """The page; `dev_login` tells the app to offer the dev sign-in button."""
    page = _template().replace(VERSION_SLOT, bundle_version())
    return page.replace(DEV_LOGIN_SLOT, "true" if dev_login else "false")
