"""`GET /assets/{key}`: the generated images, videos and uploads, by their unguessable key.

No token is needed (an `<img src>` or `<video src>` sends none); the 128-bit random part
of the key is the secret. The guard still counts these requests per client address.
Unknown or malformed keys are a 404 in the error envelope; there is no listing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.responses import FileResponse

from genqueue.api.deps import app_state
from genqueue.api.errors import error_responses
from genqueue.apps.services import assets_of
from genqueue.assets.folder import content_type_of

router = APIRouter(tags=["assets"])

CACHE_CONTROL = "private, max-age=86400, immutable"
"""Private: the key is a secret, shared caches must not keep it; immutable: a key's bytes
never change."""

ASSET_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
"""An asset opened on its own (a provider may return SVG or HTML bytes) runs no script and
gets an opaque origin: it cannot read the demo app's storage on this origin."""

AssetKey = Annotated[str, Path(max_length=300, description="The key from the asset's URL.")]


@router.get(
    "/assets/{key:path}",
    summary="An artifact: an image, a video or an upload",
    response_class=FileResponse,
    responses={
        200: {"content": {"image/png": {}, "video/webm": {}}, "description": "The file"},
        **error_responses(404, 429),
    },
)
async def get_asset(request: Request, key: AssetKey) -> Any:
    store = assets_of(app_state(request).engine.resources)
    path = store.path(key)
    headers = {
        "Cache-Control": CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": ASSET_POLICY,
    }
    return FileResponse(path, media_type=content_type_of(key), headers=headers)
