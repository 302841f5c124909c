"""Compact HMAC-SHA256 signed tokens in JWT form (header.payload.signature).

Used for the twin's dev staff tokens (JWT-shaped so `chalice local` can read their claims like a
Cognito token) and for links sent to people. Verification checks signature, then expiry."""
import base64
import hashlib
import hmac
import json
import time

from chalicelib.core.errors import Unauthorized

_HEADER = {"alg": "HS256", "typ": "JWT"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: dict, secret: str, ttl_seconds: int, now: float | None = None) -> str:
    body = dict(claims, exp=int((now or time.time()) + ttl_seconds))
    head = _b64(json.dumps(_HEADER, separators=(",", ":")).encode()) + "." + \
        _b64(json.dumps(body, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), head.encode(), hashlib.sha256).digest()
    return head + "." + _b64(sig)


def verify(token: str, secret: str, now: float | None = None) -> dict:
    try:
        head, payload, sig = token.split(".")
        expected = hmac.new(secret.encode(), f"{head}.{payload}".encode(), hashlib.sha256).digest()
        valid = hmac.compare_digest(expected, _unb64(sig))
        claims = json.loads(_unb64(payload)) if valid else None
    except (ValueError, json.JSONDecodeError):
        raise Unauthorized("token is malformed") from None
    if claims is None:
        raise Unauthorized("token signature is not valid")
    if claims.get("exp", 0) < (now or time.time()):
        raise Unauthorized("token has expired")
    return claims


def short_sign(values: list[str], secret: str, ttl_seconds: int, now: float | None = None) -> str:
    """A compact token for links in text messages: the values, an expiry and 12 bytes of HMAC."""
    body = "|".join([*values, str(int((now or time.time()) + ttl_seconds))])
    sig = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()[:12]
    return _b64(body.encode()) + "." + _b64(sig)


def short_verify(token: str, secret: str, now: float | None = None) -> list[str]:
    try:
        body_b64, sig_b64 = token.split(".")
        body = _unb64(body_b64)
        expected = hmac.new(secret.encode(), body, hashlib.sha256).digest()[:12]
        valid = hmac.compare_digest(expected, _unb64(sig_b64))
        *values, expires = body.decode().split("|")
        expires_at = int(expires)
    except (ValueError, UnicodeDecodeError):
        raise Unauthorized("this link is not valid") from None
    if not valid:
        raise Unauthorized("this link is not valid")
    if expires_at < (now or time.time()):
        raise Unauthorized("this link has expired")
    return values
