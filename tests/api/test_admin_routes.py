"""Every admin route: 401 without a token, 403 for a user token (both stores)."""

from __future__ import annotations

from .conftest import Api

ROUTES = [
    ("GET", "/api/v1/admin/jobs"),
    ("GET", "/api/v1/admin/jobs/some-id"),
    ("DELETE", "/api/v1/admin/jobs/some-id"),
    ("POST", "/api/v1/admin/jobs/some-id/promote"),
    ("POST", "/api/v1/queues/default/retry-failed"),
    ("POST", "/api/v1/queues/default/clean"),
    ("POST", "/api/v1/queues/default/empty"),
    ("GET", "/api/v1/admin/workers"),
    ("GET", "/api/v1/admin/stats"),
    ("GET", "/api/v1/admin/events"),
]


async def test_admin_routes_need_an_admin_token(api: Api) -> None:
    for method, path in ROUTES:
        body = {"status": "completed", "olderThanSeconds": 0} if path.endswith("clean") else None
        anonymous = await api.client.request(method, path, json=body)
        assert anonymous.status_code == 401, (method, path)
        user = await api.client.request(method, path, json=body, headers=api.auth("alice"))
        assert user.status_code == 403, (method, path)
        assert user.json()["success"] is False
