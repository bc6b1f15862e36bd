"""`GET /assets/{key}` over real HTTP: served without a token with its content type and a
private cache header, unknown or malformed keys a 404 in the error envelope, no listing,
no way out of the folder, and the per-address rate limit."""

from __future__ import annotations

import pytest

from genqueue.apps.services import assets_of
from genqueue.assets.base import Asset
from tests.api.conftest import Api, StartApi

PNG = b"\x89PNG\r\n\x1a\n" + b"pixels" * 100


async def put(api: Api, data: bytes = PNG, content_type: str = "image/png") -> Asset:
    store = assets_of(api.app.state.api.engine.resources)
    return await store.put("alice", "shot.png", data, content_type)


async def test_an_asset_is_served_without_a_token(api: Api) -> None:
    asset = await put(api)
    response = await api.client.get(asset.url)
    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"].startswith("private")
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_an_svg_or_html_asset_runs_no_script_on_this_origin(api: Api) -> None:
    store = assets_of(api.app.state.api.engine.resources)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, data, kind in (("x.svg", svg, "image/svg+xml"), ("x.html", svg, "text/html")):
        asset = await store.put("mallory", name, data, kind)
        response = await api.client.get(asset.url)
        assert response.status_code == 200
        policy = response.headers["content-security-policy"]
        assert "sandbox" in policy
        assert "default-src 'none'" in policy
        assert "script-src" not in policy


async def test_a_video_keeps_its_type(api: Api) -> None:
    store = assets_of(api.app.state.api.engine.resources)
    asset = await store.put("bob", "clip.webm", b"\x1a\x45\xdf\xa3webm", "video/webm")
    response = await api.client.get(asset.url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "video/webm"


@pytest.mark.parametrize(
    "path",
    [
        "/assets/",
        "/assets/0123456789abcdef/00000000000000000000000000000000/none.png",
        "/assets/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2fetc%2fpasswd",
        "/assets/not-a-key",
    ],
)
async def test_unknown_and_malformed_keys_are_404_json(api: Api, path: str) -> None:
    await put(api)
    response = await api.client.get(path)
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False
    assert body["statusCode"] == 404


async def test_the_owner_folder_is_not_listed(api: Api) -> None:
    asset = await put(api)
    folder = asset.key.rsplit("/", 1)[0]
    for path in (f"/assets/{folder}", f"/assets/{folder}/", f"/assets/{asset.key.split('/')[0]}"):
        response = await api.client.get(path)
        assert response.status_code == 404, path


async def test_assets_are_rate_limited_per_address(start_api: StartApi) -> None:
    api = await start_api(api_rate="3/minute")
    asset = await put(api)
    statuses = [(await api.client.get(asset.url)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


async def test_a_range_is_answered_for_seeking(api: Api) -> None:
    asset = await put(api)
    response = await api.client.get(asset.url, headers={"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert response.content == PNG[:10]
    assert response.headers["content-range"] == f"bytes 0-9/{len(PNG)}"
