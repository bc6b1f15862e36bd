"""Who is connecting: the JWT from the auth payload `{token}` or an `Authorization: Bearer`
header, never from the query string (where it ends up in access logs)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl

import jwt

from genqueue.api.auth import Authenticator, AuthError, Principal

QUERY_TOKEN_NAMES = frozenset({"token", "access_token", "jwt", "auth", "authorization", "bearer"})
MAX_TOKEN_CHARS = 8192
MISSING = "missing token: connect with auth {token: <JWT>} or an Authorization: Bearer header"


async def admit(
    authenticator: Authenticator, environ: dict[str, Any], auth: object
) -> tuple[Principal, float]:
    """The caller and the Unix time its token expires; AuthError when refused."""
    if _token_in_query(environ.get("QUERY_STRING", "")):
        raise AuthError("a token in the query string is refused: send it in the auth payload")
    authorization = _authorization(environ, auth)
    principal = await authenticator.authenticate(authorization)
    expires_at = _expiry(authorization.partition(" ")[2].strip())
    if expires_at <= time.time():
        raise AuthError("the token has expired")
    return principal, expires_at


def _token_in_query(query: str) -> bool:
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name.lower() in QUERY_TOKEN_NAMES or value.startswith(("eyJ", "Bearer ")):
            return True
    return False


def _authorization(environ: dict[str, Any], auth: object) -> str:
    if isinstance(auth, dict) and auth.get("token") is not None:
        token = auth["token"]
        if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_CHARS:
            raise AuthError("auth.token must be a JWT string")
        return f"Bearer {token.removeprefix('Bearer ').strip()}"
    header = environ.get("HTTP_AUTHORIZATION")
    if isinstance(header, str) and header:
        return header
    raise AuthError(MISSING)


def _expiry(token: str) -> float:
    """`exp` of a token the authenticator has just verified."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return float(claims["exp"])
