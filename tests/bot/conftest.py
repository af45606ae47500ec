"""Fixtures for tests of the running service: a team of staff around a real service."""

from __future__ import annotations

import pytest

from bot.matchteam import Matchteam
from bot.service import ConversationService
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from tests.bot.team import AHMED, BRAM, LOTTE, Team, add
from tests.conftest import Clock


@pytest.fixture
async def team(db: Database, flow: IntakeFlow, rules: Rules, clock: Clock) -> Team:
    ids = {
        LOTTE: await add(
            db,
            clock,
            LOTTE,
            role="coach",
            name="Lotte",
            languages="nl,en",
            focus="money,home",
            capacity=8,
            intro="Ik werk bij het JAC in Gent.",
        ),
        BRAM: await add(
            db,
            clock,
            BRAM,
            role="coach",
            name="Bram",
            languages="nl",
            focus="health",
            capacity=2,
            intro="Ik ben Bram.",
        ),
        AHMED: await add(db, clock, AHMED, role="teamlead", name="Ahmed", languages="nl"),
    }
    service = ConversationService(db, flow, clock=clock, matchteam=Matchteam(flow, rules))
    return Team(service, db, clock, ids)
