"""The demo app's routes: `/` loads with no token and carries no data; its static files are
served; it shadows none of the other routes; the dev sign-in exists only when `serve` made
its own dev secret, and only for loopback callers."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from genqueue.api import create_app
from genqueue.api.routes import webapp
from genqueue.config import Settings
from genqueue.webapp import STATIC_DIR, bundle_version
from tests.api.conftest import SECRET, Api, StartApi, bearer, serve_process


async def test_the_page_needs_no_token_and_holds_no_data(api: Api) -> None:
    job = await api.submit(type="demo", data={"steps": 1}, tags={"characterId": "secret-c"})
    job_id = job.json()["data"]["jobId"]
    response = await api.client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for leak in (job_id, "secret-c", "alice", SECRET):
        assert leak not in page
    assert f"/webapp/static/app.js?v={bundle_version()}" in page
    assert 'data-dev-login="false"' in page
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert "<script>" not in page
    assert "style=" not in page


async def test_the_bundle_is_served_as_it_is_shipped(api: Api) -> None:
    for name, kind in (("app.js", "javascript"), ("app.css", "text/css"), ("favicon.svg", "svg")):
        response = await api.client.get(f"/webapp/static/{name}")
        assert response.status_code == 200, name
        assert kind in response.headers["content-type"]
        assert response.content == (STATIC_DIR / name).read_bytes()
    assert (await api.client.get("/webapp/static/missing.js")).status_code == 404
    assert (await api.client.get("/webapp/static/../__init__.py")).status_code == 404


async def test_the_page_shadows_no_other_route(api: Api) -> None:
    client = api.client
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/ready")).status_code == 200
    assert (await client.get("/api/v1/jobs")).status_code == 401
    assert (await client.get("/api/v1/jobs", headers=api.auth())).status_code == 200
    assert "token" in (await client.get("/admin/queues")).text
    assert (await client.get("/metrics")).status_code in (200, 401, 403)
    assert (await client.get("/assets/nope/nope.png")).status_code == 404
    assert (await client.get("/openapi.json")).status_code == 200
    polling = await client.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
    assert polling.status_code == 200
    assert "sid" in polling.text
    schema = (await client.get("/openapi.json")).json()
    assert "/" not in schema["paths"]
    assert not [path for path in schema["paths"] if path.startswith("/webapp")]


async def test_with_a_real_secret_there_is_no_dev_sign_in(api: Api) -> None:
    response = await api.client.post("/webapp/dev-login")
    assert response.status_code == 404
    assert "token" not in response.text


async def test_the_dev_sign_in_gives_a_dev_user_token_when_enabled(start_api: StartApi) -> None:
    api = await start_api(extend=webapp.enable_dev_login)
    page = await api.client.get("/")
    assert 'data-dev-login="true"' in page.text
    response = await api.client.post("/webapp/dev-login")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    login = response.json()
    assert login["user"] == "dev-user"
    submitted = await api.client.post(
        "/api/v1/jobs", json={"type": "demo", "data": {"steps": 1}}, headers=bearer(login["token"])
    )
    assert submitted.status_code == 202
    job = await api.job(submitted.json()["data"]["jobId"], user="dev-user")
    assert job["owner"] == "dev-user"
    assert (await api.client.get("/webapp/dev-login")).status_code == 405


async def test_the_dev_sign_in_refuses_a_caller_off_loopback(tmp_path: Path) -> None:
    settings = Settings(
        store_url=f"sqlite:///{tmp_path / 'x.db'}", jwt_secret=SECRET, embedded_workers=0
    )
    app: FastAPI = create_app(settings)
    webapp.enable_dev_login(app)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:
        response = await client.post("/webapp/dev-login")
    assert response.status_code == 403
    assert "token" not in response.json()


def test_serve_offers_the_dev_sign_in_only_with_its_own_dev_secret(tmp_path: Path) -> None:
    dev = tmp_path / "dev"
    dev.mkdir()
    with serve_process(dev, {"GENQUEUE_STORE_URL": f"sqlite:///{dev / 'x.db'}"}) as served:
        assert 'data-dev-login="true"' in httpx.get(f"{served.url}/").text
        login = httpx.post(f"{served.url}/webapp/dev-login")
        assert login.status_code == 200
        credits = httpx.get(
            f"{served.url}/api/v1/me/credits", headers=bearer(login.json()["token"])
        )
        assert credits.status_code == 200
    real = tmp_path / "real"
    real.mkdir()
    env = {"GENQUEUE_STORE_URL": f"sqlite:///{real / 'x.db'}", "GENQUEUE_JWT_SECRET": SECRET}
    with serve_process(real, env) as served:
        assert 'data-dev-login="false"' in httpx.get(f"{served.url}/").text
        assert httpx.post(f"{served.url}/webapp/dev-login").status_code == 404
