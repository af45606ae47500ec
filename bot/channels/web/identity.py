"""Who a browser is in the web chat, without an account or a name: a random token in an
HttpOnly cookie (only its SHA-256 is stored), a random address for the chat, and a code the
youngster can keep to continue on another device (short, readable, a digest stored, used
once). Also the Origin check every POST and WebSocket passes."""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import urlsplit

from aiohttp import web

COOKIE = "klik_chat"
COOKIE_DAYS = 90
# No 0/O, 1/I/L, U: a code read aloud or copied by hand is still right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS, CODE_GROUP = 3, 4  # "K7PM-4QDX-9TRW": about 59 bits, guessing is hopeless


def digest(secret: str) -> str:
    """The SHA-256 kept instead of a token or code (both random and long: no salt needed)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_address() -> str:
    """The chat's address on the "web" channel: random, opaque, never shown."""
    return "w" + secrets.token_urlsafe(18)


def new_code() -> str:
    groups = (
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP))
        for _ in range(CODE_GROUPS)
    )
    return "-".join(groups)


def read_code(typed: str) -> str | None:
    """A typed code in its one form ("k7pm 4qdx-9trw" → "K7PM-4QDX-9TRW"), or None when it
    cannot be one."""
    letters = "".join(ch for ch in typed.upper() if ch.isalnum())
    if len(letters) != CODE_GROUPS * CODE_GROUP or any(ch not in CODE_ALPHABET for ch in letters):
        return None
    return "-".join(letters[i : i + CODE_GROUP] for i in range(0, len(letters), CODE_GROUP))


def cookie_token(request: web.Request) -> str | None:
    token = request.cookies.get(COOKIE, "")
    return token if 20 <= len(token) <= 64 else None


def set_cookie(response: web.StreamResponse, token: str, *, secure: bool) -> None:
    """HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure
    unless served on this machine over plain http."""
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_DAYS * 24 * 3600,
        path="/chat",
        httponly=True,
        secure=secure,
        samesite="Strict",
    )


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request: web.Request, public_url: str | None) -> bool:
    """Whether the request comes from a page of this service: its Origin is PUBLIC_URL's or
    the host the request was sent to. A request without an Origin is refused (browsers send
    one with every POST and WebSocket)."""
    origin = request.headers.get("Origin", "").lower()
    if not origin:
        return False
    if public_url is not None and origin == origin_of(public_url):
        return True
    return urlsplit(origin).netloc == request.host.lower()
