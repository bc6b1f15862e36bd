"""The dashboard's login: the form, the `genqueue_admin` cookie and where the cookie counts.

The cookie opens the dashboard page, the admin API and the job actions the dashboard
offers, never a user route; a state-changing request made with it needs the CSRF header;
a Bearer header works everywhere as before.
"""

from __future__ import annotations

import httpx
import pytest

from .conftest import Api, bearer, make_token

PAGE = "/admin/queues"
CSRF = {"X-Genqueue-Dashboard": "1"}


def cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"genqueue_admin={token}"}


def set_cookie_attributes(response: httpx.Response) -> dict[str, str]:
    """The attributes of the response's `genqueue_admin` Set-Cookie (lower-case names)."""
    for header in response.headers.get_list("set-cookie"):
        first, *rest = [part.strip() for part in header.split(";")]
        name, _, value = first.partition("=")
        if name == "genqueue_admin":
            attributes = {"value": value}
            for part in rest:
                key, _, val = part.partition("=")
                attributes[key.lower()] = val
            return attributes
    raise AssertionError(f"no genqueue_admin cookie in {response.headers.get_list('set-cookie')}")


async def login(api: Api, token: str) -> httpx.Response:
    return await api.client.post(f"{PAGE}/login", data={"token": token})


async def test_the_login_page_shows_a_form_and_no_queue_data(api: Api) -> None:
    await api.submit(type="demo", data={"steps": 1})
    response = await api.client.get(PAGE)
    assert response.status_code == 200
    page = response.text
    assert '<form method="post" action="/admin/queues/login"' in page
    assert 'name="token"' in page
    for leak in ("default", "demo", "alice", "app.js"):
        assert leak not in page
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


async def test_an_admin_token_sets_the_cookie_and_opens_the_dashboard(api: Api) -> None:
    token = make_token("root", admin=True, ttl=300)
    response = await login(api, token)
    assert response.status_code == 303
    assert response.headers["location"] == PAGE
    attributes = set_cookie_attributes(response)
    assert attributes["value"] == token
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "strict"
    assert attributes["path"] == "/"
    assert 280 <= int(attributes["max-age"]) <= 300
    page = await api.client.get(PAGE, headers=cookie(token))
    assert page.status_code == 200
    assert "/admin/queues/static/app.js" in page.text
    assert 'name="token"' not in page.text


@pytest.mark.parametrize(
    ("token", "status", "says"),
    [
        ("not-a-jwt", 401, "not accepted"),
        (make_token("root", admin=True, key="another-secret-long-enough-for-hs256"), 401, "not"),
        (make_token("root", admin=True, ttl=-60), 401, "expired"),
        (make_token("bob"), 403, "not an admin"),
        ("", 401, "Paste an admin token"),
    ],
    ids=["garbage", "wrong-secret", "expired", "non-admin", "empty"],
)
async def test_a_refused_token_shows_the_form_again_without_a_cookie(
    api: Api, token: str, status: int, says: str
) -> None:
    response = await login(api, token)
    assert response.status_code == status
    assert says in response.text
    assert 'name="token"' in response.text
    assert not response.headers.get_list("set-cookie")


async def test_logout_clears_the_cookie(api: Api) -> None:
    response = await api.client.post(f"{PAGE}/logout", headers=cookie(make_token(admin=True)))
    assert response.status_code == 303
    assert response.headers["location"] == PAGE
    attributes = set_cookie_attributes(response)
    assert attributes["value"] in ("", '""')
    assert attributes["max-age"] == "0"


async def test_a_dead_cookie_on_the_page_shows_the_login_and_clears_it(api: Api) -> None:
    response = await api.client.get(PAGE, headers=cookie(make_token(admin=True, ttl=-60)))
    assert response.status_code == 401
    assert 'name="token"' in response.text
    assert set_cookie_attributes(response)["max-age"] == "0"


async def test_a_user_bearer_on_the_page_is_refused(api: Api) -> None:
    response = await api.client.get(PAGE, headers=api.auth("bob"))
    assert response.status_code == 403
    assert 'name="token"' in response.text
    assert "app.js" not in response.text


async def test_an_admin_bearer_on_the_page_serves_the_dashboard(api: Api) -> None:
    response = await api.client.get(PAGE, headers=api.auth("root", admin=True))
    assert response.status_code == 200
    assert "/admin/queues/static/app.js" in response.text


async def test_the_cookie_opens_admin_routes(api: Api) -> None:
    token = make_token("root", admin=True)
    response = await api.client.get("/api/v1/queues", headers=cookie(token))
    assert response.status_code == 200, response.text
    assert any(queue["name"] == "default" for queue in response.json()["data"])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/jobs"),
        ("POST", "/api/v1/jobs"),
        ("GET", "/api/v1/jobs/{id}"),
        ("GET", "/api/v1/jobs/{id}/status"),
        ("GET", "/api/v1/jobs/{id}/events"),
        ("GET", "/api/v1/me/credits"),
        ("GET", "/api/v1/character-jobs"),
    ],
)
async def test_the_cookie_is_refused_on_other_routes(api: Api, method: str, path: str) -> None:
    job = (await api.submit(data={"steps": 1})).json()["data"]
    headers = {**cookie(make_token("root", admin=True)), **CSRF}
    url = path.replace("{id}", job["jobId"])
    response = await api.client.request(method, url, headers=headers, json={"type": "demo"})
    assert response.status_code == 401, response.text
    assert response.json()["success"] is False


async def test_a_user_token_in_the_cookie_is_refused(api: Api) -> None:
    response = await api.client.get("/api/v1/queues", headers=cookie(make_token("bob")))
    assert response.status_code == 403
    response = await api.client.get("/api/v1/queues", headers=cookie("garbage"))
    assert response.status_code == 401


async def test_mutating_with_the_cookie_needs_the_csrf_header(api: Api) -> None:
    headers = cookie(make_token("root", admin=True))
    refused = await api.client.post("/api/v1/queues/default/pause", headers=headers)
    assert refused.status_code == 403
    assert "X-Genqueue-Dashboard" in refused.json()["message"]
    wrong = await api.client.post(
        "/api/v1/queues/default/pause", headers={**headers, "X-Genqueue-Dashboard": "yes"}
    )
    assert wrong.status_code == 403
    paused = await api.client.post("/api/v1/queues/default/pause", headers={**headers, **CSRF})
    assert paused.status_code == 200, paused.text
    assert paused.json()["data"] == {"name": "default", "paused": True}


async def test_the_cookie_runs_the_dashboards_job_actions(api: Api) -> None:
    headers = cookie(make_token("root", admin=True))
    job = (await api.submit(data={"steps": 1}, delaySeconds=3600)).json()["data"]
    url = f"/api/v1/jobs/{job['jobId']}"
    refused = await api.client.delete(url, headers=headers)
    assert refused.status_code == 403
    cancelled = await api.client.delete(url, headers={**headers, **CSRF})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["data"]["status"] == "cancelled"
    refused = await api.client.post(f"{url}/retry", headers=headers)
    assert refused.status_code == 403
    retried = await api.client.post(f"{url}/retry", headers={**headers, **CSRF})
    assert retried.status_code == 200, retried.text
    assert retried.json()["data"]["status"] == "pending"


async def test_bearer_requests_need_no_csrf_header(api: Api) -> None:
    admin = bearer(make_token("root", admin=True))
    paused = await api.client.post("/api/v1/queues/default/pause", headers=admin)
    assert paused.status_code == 200, paused.text
    user = await api.client.get("/api/v1/queues", headers=api.auth("bob"))
    assert user.status_code == 403
    with_both = await api.client.get(
        "/api/v1/me/credits", headers={**api.auth("bob"), **cookie(make_token(admin=True))}
    )
    assert with_both.status_code == 200
    assert with_both.json()["data"]["userId"] == "bob"


async def test_the_static_files_are_served(api: Api) -> None:
    response = await api.client.get("/admin/queues/static/dashboard.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    missing = await api.client.get("/admin/queues/static/nothing-here.js")
    assert missing.status_code == 404
