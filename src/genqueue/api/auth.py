"""Bearer JWT authentication: HS256 with a shared secret, or RS256 from a JWKS URL.

The algorithm comes from configuration, never from the token. Verified tokens are kept
in a small cache until shortly before they expire, so a client polling with one token
pays for one signature check, not one per request.

The dashboard's login keeps an admin's token in the `genqueue_admin` cookie. A browser
sends cookies on its own, so the cookie is accepted only where the dashboard needs it
(admin routes, the queue and job actions it offers, /metrics, the page itself), only for
an admin, and a state-changing request made with it must carry `X-Genqueue-Dashboard: 1`,
a header no cross-site form can set.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt

from genqueue.config import Settings

if TYPE_CHECKING:
    import httpx

LEEWAY_SECONDS = 10.0
JWKS_TTL_SECONDS = 300.0
JWKS_REFRESH_MIN_SECONDS = 10.0
"""An unknown `kid` refetches the key set, but at most this often (bad tokens cannot flood
the identity provider)."""
CACHE_SIZE = 10_000
REQUIRED_CLAIMS = ["exp", "sub"]


DASHBOARD_COOKIE = "genqueue_admin"
CSRF_HEADER = "X-Genqueue-Dashboard"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
COOKIE_PATHS = re.compile(r"/api/v1/(?:admin|queues)(?:/.*)?|/metrics|/admin/queues/?")
"""Where the dashboard cookie counts: the admin API, /metrics and the dashboard page."""
COOKIE_JOB_ACTIONS = {
    "POST": re.compile(r"/api/v1/jobs/[^/]+/retry"),
    "DELETE": re.compile(r"/api/v1/jobs/[^/]+"),
}
"""The generic job routes the dashboard's retry and cancel buttons call."""


class AuthError(Exception):
    """The request carries no usable credentials; answered with 401."""


class Forbidden(Exception):
    """The credentials are good but do not allow this request; answered with 403."""


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: str
    admin: bool


class JwksKeys:
    """The signing keys of one JWKS URL, fetched with httpx and cached."""

    def __init__(self, url: str, client: httpx.AsyncClient | None = None) -> None:
        self.url = url
        self._client = client
        self._keys: dict[str | None, Any] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str | None) -> Any:
        stale = time.monotonic() - self._fetched_at > JWKS_TTL_SECONDS
        if stale or kid not in self._keys:
            await self._refresh(force=stale)
        try:
            return self._keys[kid]
        except KeyError:
            raise AuthError("unknown signing key") from None

    async def _refresh(self, *, force: bool) -> None:
        import httpx  # only JWKS setups need it; it costs half a second of startup

        async with self._lock:
            if not force and time.monotonic() - self._fetched_at < JWKS_REFRESH_MIN_SECONDS:
                return
            try:
                client = self._client or httpx.AsyncClient(timeout=5.0)
                try:
                    response = await client.get(self.url)
                finally:
                    if self._client is None:
                        await client.aclose()
                response.raise_for_status()
                jwk_set = jwt.PyJWKSet.from_dict(response.json())
            except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
                raise AuthError(f"signing keys unavailable: {exc}") from None
            self._fetched_at = time.monotonic()
            keys: dict[str | None, Any] = {k.key_id: k.key for k in jwk_set.keys}
            if len(jwk_set.keys) == 1:
                keys[None] = jwk_set.keys[0].key
            self._keys = keys


class Authenticator:
    def __init__(self, settings: Settings) -> None:
        if settings.jwks_url:
            self.algorithm = "RS256"
            self._jwks: JwksKeys | None = JwksKeys(settings.jwks_url)
            self._secret: str | None = None
        elif settings.jwt_secret:
            self.algorithm = "HS256"
            self._jwks = None
            self._secret = settings.jwt_secret
        else:
            raise ValueError("authentication needs GENQUEUE_JWT_SECRET or GENQUEUE_JWKS_URL")
        self.audience = settings.jwt_audience
        self.issuer = settings.jwt_issuer
        self._cache: dict[str, tuple[Principal, float]] = {}

    async def authenticate(self, authorization: str | None) -> Principal:
        principal, _ = await self.verify(_bearer(authorization))
        return principal

    async def verify(self, token: str) -> tuple[Principal, float]:
        """The token's principal and expiry (Unix seconds)."""
        cached = self._cache.get(token)
        if cached is not None and cached[1] > time.time():
            return cached
        claims = await self._verify(token)
        session = (_principal(claims), float(claims["exp"]))
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[token] = session
        return session

    async def authenticate_request(
        self,
        method: str,
        path: str,
        authorization: str | None,
        cookie: str | None,
        csrf: str | None,
    ) -> Principal:
        """The caller of a request: the Bearer header when there is one, else the dashboard
        cookie where it counts (see the module docstring); AuthError or Forbidden if not."""
        token = dashboard_token(cookie) if cookie_accepted(method, path) else None
        if authorization or token is None:
            return await self.authenticate(authorization)
        principal, _ = await self.verify(token)
        if not principal.admin:
            raise Forbidden("the dashboard session is not an admin's")
        if method not in SAFE_METHODS and csrf != "1":
            raise Forbidden(f"requests made with the dashboard cookie need {CSRF_HEADER}: 1")
        return principal

    async def _verify(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            if self._jwks is not None:
                key = await self._jwks.key_for(header.get("kid"))
            else:
                key = self._secret
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={
                    "require": REQUIRED_CLAIMS,
                    "verify_aud": self.audience is not None,
                    "verify_iss": self.issuer is not None,
                },
            )
        except jwt.PyJWTError as exc:
            raise AuthError(f"invalid token: {exc}") from None
        return claims


def cookie_accepted(method: str, path: str) -> bool:
    if COOKIE_PATHS.fullmatch(path):
        return True
    action = COOKIE_JOB_ACTIONS.get(method)
    return action is not None and action.fullmatch(path) is not None


def dashboard_token(cookie: str | None) -> str | None:
    """The token in the dashboard cookie of a `Cookie` header, if any."""
    for item in (cookie or "").split(";"):
        name, sep, value = item.strip().partition("=")
        if sep and name == DASHBOARD_COOKIE and value.strip('"'):
            return value.strip('"')
    return None


def _bearer(authorization: str | None) -> str:
    if not authorization:
        raise AuthError("missing bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def _principal(claims: dict[str, Any]) -> Principal:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not 1 <= len(sub) <= 200:
        raise AuthError("the token's sub must be a user id of 1 to 200 characters")
    return Principal(user_id=sub, admin=claims.get("role") == "admin")


def issue_token(secret: str, user_id: str, *, admin: bool = False, ttl: float = 86400.0) -> str:
    """An HS256 token for `user_id` (the dev tokens `serve` prints)."""
    claims: dict[str, Any] = {"sub": user_id, "exp": int(time.time() + ttl)}
    if admin:
        claims["role"] = "admin"
    return jwt.encode(claims, secret, algorithm="HS256")
