"""Signing in to the dashboard without a password: a one-time link, valid ten minutes, kept
only as a digest; then a session that ends after a working day or at sign-out."""

from __future__ import annotations

import hashlib
from datetime import timedelta

LINK_VALID = timedelta(minutes=10)
SESSION_VALID = timedelta(hours=12)  # a working day; signing in again takes one /dashboard
SIGN_IN_PATH = "/dashboard/in/"


def link_digest(secret: str) -> str:
    """What is stored of a link's secret. The secret is 32 random bytes, so a fast hash is
    enough: nobody can guess one, and the database alone opens no session."""
    return hashlib.sha256(secret.encode("ascii", "replace")).hexdigest()


def link_url(base: str, secret: str) -> str:
    """The address the staff member opens: `base` is where the process is reached."""
    return base.rstrip("/") + SIGN_IN_PATH + secret


def looks_like_secret(text: str) -> bool:
    """A secret as made (token_urlsafe(32)); anything else is refused before a lookup."""
    return 32 <= len(text) <= 64 and all(c.isalnum() or c in "-_" for c in text)
