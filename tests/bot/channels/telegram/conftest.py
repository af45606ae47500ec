"""The desk the access tests share: a youngster offered to two coaches, through the real
handlers (tests/bot/channels/telegram/desk.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.services.render import Renderer
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from tests.bot.channels.telegram.desk import Desk, open_desk
from tests.conftest import Clock


@pytest.fixture
async def desk(
    db: Database, flow: IntakeFlow, rules: Rules, renderer: Renderer, clock: Clock
) -> AsyncIterator[Desk]:
    async with open_desk(db, flow, rules, renderer, clock) as made:
        yield made
