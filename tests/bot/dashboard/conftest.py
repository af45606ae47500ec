"""The dashboard's tests sign in one way: `signed_in(LOTTE)` starts the application on the
test's database and clock and signs in with a one-time link, as a staff member does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from storage.db import Database
from tests.bot.dashboard.web import post, sign_in
from tests.bot.served import Serve
from tests.bot.team import Team
from tests.conftest import Clock


@dataclass(frozen=True)
class Signed:
    """A signed-in browser on the running application: its pages and its forms."""

    app: web.Application
    client: TestClient  # type: ignore[type-arg]
    csrf: str

    async def get(self, path: str) -> str:
        return await (await self.client.get(path)).text()

    async def status(self, path: str) -> int:
        return (await self.client.get(path, allow_redirects=False)).status

    async def post(self, path: str, **fields: Any) -> tuple[int, str]:
        """A form posted with the session's token: the status and where it sent the browser
        (or the page)."""
        return await post(self.client, path, self.csrf, **fields)


SignedIn = Callable[..., AbstractAsyncContextManager[Signed]]


@pytest.fixture
def signed_in(serve: Serve, team: Team, db: Database, clock: Clock) -> SignedIn:
    """`async with signed_in(LOTTE) as lotte:` a team member by their address in `team`, or
    any staff id; more keyword arguments are the application's settings."""

    @asynccontextmanager
    async def signing(who: str | int, **settings: Any) -> AsyncIterator[Signed]:
        staff_id = team.ids[who] if isinstance(who, str) else who
        async with serve(**settings) as it:
            csrf = await sign_in(it.client, db, clock, staff_id)
            yield Signed(it.app, it.client, csrf)

    return signing
