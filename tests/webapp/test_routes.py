"""The demo app's routes: `/` loads with no token and carries no data; its static files are
served; it shadows none of the other routes; the dev sign-in exists only when `serve` made
its own dev secret, and only for loopback callers."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from genqueue.api import create_app
from genqueue.api.routes import webapp
from genqueue.config import Settings
from genqueue.webapp import STATIC_DIR, bundle_version
from tests.api.conftest import SECRET, Api, StartApi, bearer, serve_process

DEV_LOGIN_HEADER = "x-genqueue-dev-login"
DEV_LOGIN = {DEV_LOGIN_HEADER: "1"}


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
    response = await api.client.post("/webapp/dev-login", headers=DEV_LOGIN)
    assert response.status_code == 200, response.text
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
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        response = await client.post("/webapp/dev-login", headers=DEV_LOGIN)
    assert response.status_code == 403
    assert "token" not in response.json()


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Host": "rebind.attacker.example:8000"}, "addressed to localhost"),
        ({"Host": "localhost.attacker.example"}, "addressed to localhost"),
        ({"Origin": "https://evil.example"}, "own origin"),
        ({"Origin": "null"}, "own origin"),
        ({DEV_LOGIN_HEADER: "0"}, "X-Genqueue-Dev-Login"),
    ],
)
async def test_the_dev_sign_in_refuses_what_a_foreign_page_could_send(
    start_api: StartApi, headers: dict[str, str], reason: str
) -> None:
    """DNS rebinding gives a foreign page a loopback peer but not a loopback Host; a
    cross-site form or fetch carries its own Origin, or lacks the custom header."""
    api = await start_api(extend=webapp.enable_dev_login, cors_origins=["*"])
    response = await api.client.post("/webapp/dev-login", headers={**DEV_LOGIN, **headers})
    assert response.status_code == 403
    assert reason in response.json()["detail"]
    assert "token" not in response.text
    preflight = await api.client.options(
        "/webapp/dev-login",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": DEV_LOGIN_HEADER,
        },
    )
    assert DEV_LOGIN_HEADER not in preflight.headers.get("access-control-allow-headers", "")


async def test_the_dev_sign_in_takes_its_own_origin_and_every_loopback_name(
    start_api: StartApi,
) -> None:
    api = await start_api(extend=webapp.enable_dev_login)
    port = api.client.base_url.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost"):
        own = {**DEV_LOGIN, "Host": host, "Origin": f"http://{host}"}
        response = await api.client.post("/webapp/dev-login", headers=own)
        assert response.status_code == 200, (host, response.text)


def test_serve_turns_the_dev_sign_in_on_for_loopback_binds_only() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        assert webapp.is_loopback_host(host), host
    for host in ("0.0.0.0", "::", "192.168.1.20", "example.com", ""):
        assert not webapp.is_loopback_host(host), host


def test_serve_offers_the_dev_sign_in_only_with_its_own_dev_secret(tmp_path: Path) -> None:
    dev = tmp_path / "dev"
    dev.mkdir()
    with serve_process(dev, {"GENQUEUE_STORE_URL": f"sqlite:///{dev / 'x.db'}"}) as served:
        assert 'data-dev-login="true"' in httpx.get(f"{served.url}/").text
        login = httpx.post(f"{served.url}/webapp/dev-login", headers=DEV_LOGIN)
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
        assert httpx.post(f"{served.url}/webapp/dev-login", headers=DEV_LOGIN).status_code == 404
