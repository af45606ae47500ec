"""Signing in to the dashboard of an application under test, and posting its forms."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

from aiohttp.test_utils import TestClient

from bot.services.login_links import make_login_link
from flows.audit import CLI
from storage.db import Database
from tests.conftest import Clock

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def login_link(db: Database, clock: Clock, staff_id: int) -> str:
    """A fresh link's path, as /dashboard would give it."""
    async with db.transaction() as session:
        url = await make_login_link(session, "http://127.0.0.1", staff_id, CLI, clock())
    return urlparse(url).path


async def sign_in(client: TestClient, db: Database, clock: Clock, staff_id: int) -> str:  # type: ignore[type-arg]
    """Sign in with a link; returns the session's CSRF token, read off a page."""
    response = await client.post(await login_link(db, clock, staff_id), allow_redirects=False)
    assert response.status == 303, await response.text()
    return csrf_of(await (await client.get("/dashboard/cases")).text())


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "no form with a CSRF token on the page"
    return found.group(1)


async def post(client: TestClient, path: str, csrf: str, **fields: Any) -> tuple[int, str]:  # type: ignore[type-arg]
    """Post a form; the status and where it sent the browser (or the page)."""
    response = await client.post(path, data={"csrf": csrf, **fields}, allow_redirects=False)
    return response.status, response.headers.get("Location", "") or await response.text()
