"""Authentication first, every JWT variant, admin routes, and no peeking at others' jobs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from .conftest import SECRET, Api, StartApi, bearer, make_token

JOB_ROUTES = [
    ("GET", "/api/v1/jobs/{id}"),
    ("GET", "/api/v1/jobs/{id}/status"),
    ("GET", "/api/v1/jobs/{id}/events"),
    ("DELETE", "/api/v1/jobs/{id}"),
    ("DELETE", "/api/v1/jobs/{id}/status"),
    ("POST", "/api/v1/jobs/{id}/retry"),
]


async def _status(api: Api, headers: dict[str, str], path: str = "/api/v1/me/credits") -> int:
    return (await api.client.get(path, headers=headers)).status_code


@pytest.mark.parametrize(
    ("name", "token"),
    [
        ("alg none", jwt.encode({"sub": "alice", "exp": 4_000_000_000}, None, algorithm="none")),
        ("wrong key", make_token(key="another-secret-of-enough-length-for-hs")),
        ("expired", make_token(ttl=-60)),
        ("malformed", "not.a.token"),
        ("garbage", "%%%"),
        ("missing sub", make_token(sub=None)),
        ("missing exp", make_token(ttl=None)),
        ("numeric sub", jwt.encode({"sub": 42, "exp": 4_000_000_000}, SECRET, "HS256")),
        ("empty sub", make_token(sub="")),
        ("tampered", make_token() + "x"),
    ],
)
async def test_bad_tokens_answer_401_in_the_envelope(api: Api, name: str, token: str) -> None:
    response = await api.client.get("/api/v1/me/credits", headers=bearer(token))
    assert response.status_code == 401, name
    body = response.json()
    assert body["success"] is False
    assert body["statusCode"] == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_missing_or_non_bearer_credentials_answer_401(api: Api) -> None:
    assert await _status(api, {}) == 401
    assert await _status(api, {"Authorization": "Basic YWxpY2U6cHc="}) == 401
    assert await _status(api, {"Authorization": "Bearer"}) == 401


async def test_a_token_just_past_exp_is_within_the_leeway(api: Api) -> None:
    assert await _status(api, bearer(make_token(ttl=-3))) == 200


async def test_authentication_comes_before_routing_and_validation(api: Api) -> None:
    unknown = await api.client.get("/api/v1/no-such-route")
    assert unknown.status_code == 401
    invalid = await api.client.post("/api/v1/jobs", content=b"{not json")
    assert invalid.status_code == 401
    forbidden_field = await api.client.post("/api/v1/jobs", json={"type": "demo", "owner": "x"})
    assert forbidden_field.status_code == 401
    # with a token, the same requests reach routing and validation
    assert (await api.client.get("/api/v1/no-such-route", headers=api.auth())).status_code == 404
    json_type = {"Content-Type": "application/json"}
    invalid = await api.client.post(
        "/api/v1/jobs", content=b"{not json", headers={**api.auth(), **json_type}
    )
    assert invalid.status_code == 400
    forbidden_field = await api.client.post(
        "/api/v1/jobs", json={"type": "demo", "owner": "x"}, headers=api.auth()
    )
    assert forbidden_field.status_code == 422


async def test_audience_and_issuer_are_checked_when_configured(start_api: StartApi) -> None:
    api = await start_api(jwt_audience="genqueue", jwt_issuer="https://idp.test")
    good = make_token(aud="genqueue", iss="https://idp.test")
    assert await _status(api, bearer(good)) == 200
    assert await _status(api, bearer(make_token(aud="other", iss="https://idp.test"))) == 401
    assert await _status(api, bearer(make_token(aud="genqueue", iss="https://evil"))) == 401
    assert await _status(api, bearer(make_token())) == 401


class _JwksHandler(BaseHTTPRequestHandler):
    body = b"{}"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jwks_url(rsa_key: rsa.RSAPrivateKey) -> Iterator[str]:
    """A JWKS document with the test key, served over loopback HTTP."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key()))
    jwk.update({"kid": "key-1", "use": "sig", "alg": "RS256"})
    handler = type("Handler", (_JwksHandler,), {"body": json.dumps({"keys": [jwk]}).encode()})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    server.shutdown()
    server.server_close()
    thread.join(5)


async def test_rs256_tokens_verify_against_the_jwks(
    start_api: StartApi, jwks_url: str, rsa_key: rsa.RSAPrivateKey
) -> None:
    api = await start_api(jwt_secret=None, jwks_url=jwks_url)
    signed = make_token(key=rsa_key, algorithm="RS256", headers={"kid": "key-1"})
    assert await _status(api, bearer(signed)) == 200
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = make_token(key=other_key, algorithm="RS256", headers={"kid": "key-1"})
    assert await _status(api, bearer(forged)) == 401
    unknown_kid = make_token(key=rsa_key, algorithm="RS256", headers={"kid": "key-2"})
    assert await _status(api, bearer(unknown_kid)) == 401
    # an HS256 token is refused: the algorithm comes from configuration, not the token
    assert await _status(api, bearer(make_token())) == 401


async def test_admin_routes_need_the_admin_role(api: Api) -> None:
    for method, path in [
        ("GET", "/api/v1/queues"),
        ("POST", "/api/v1/queues/default/pause"),
        ("POST", "/api/v1/queues/default/resume"),
    ]:
        assert (await api.client.request(method, path, headers=api.auth())).status_code == 403
        admin = api.auth("root", admin=True)
        assert (await api.client.request(method, path, headers=admin)).status_code == 200


async def test_another_users_job_is_not_found_on_every_route(start_api: StartApi) -> None:
    api = await start_api(embedded_workers=0)
    job_id = (await api.submit("alice", data={"steps": 1})).json()["data"]["jobId"]
    for method, template in JOB_ROUTES:
        path = template.format(id=job_id)
        response = await api.client.request(method, path, headers=api.auth("bob"))
        assert response.status_code == 404, (method, path)
        assert response.json()["statusCode"] == 404
        assert job_id not in response.text.replace(f"job {job_id} not found", "")
    listed = await api.client.get("/api/v1/jobs", headers=api.auth("bob"))
    assert listed.json()["pagination"]["total"] == 0
    # the job is untouched, and its owner and admins still see it
    assert (await api.job(job_id, "alice"))["status"] == "pending"
    admin_view = await api.client.get(
        f"/api/v1/jobs/{job_id}", headers=api.auth("root", admin=True)
    )
    assert admin_view.status_code == 200
