"""/dashboard in a linked staff chat: a one-time link in the reply, its digest stored, the
request in the audit log; or, where no browser can reach the process, a plain refusal."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import col

from bot.services.conversation import ConversationService
from bot.services.staff import StaffService
from flows.dashboard.signin import link_digest
from flows.intake import IntakeFlow
from flows.messages import Inbound
from flows.state import Rules
from storage.audit import latest
from storage.dashboard_tables import LoginLink
from storage.db import Database
from tests.bot.team import LOTTE, Team
from tests.conftest import Clock


async def test_dashboard_answers_with_a_link_whose_digest_is_stored(
    team: Team, db: Database, flow: IntakeFlow, rules: Rules, clock: Clock
) -> None:
    staff = StaffService(flow, rules, dashboard_url="https://klik.example.org")
    team.service = ConversationService(db, flow, clock=clock, matchteam=staff)
    await team.say(LOTTE, Inbound("command", command="dashboard"))
    (said,) = await team.outbox(LOTTE)
    assert said.key == "dashboard.link"
    url = str(said.params["url"])
    found = re.fullmatch(r"https://klik\.example\.org/dashboard/in/([A-Za-z0-9_-]{43})", url)
    assert found is not None
    async with db.transaction() as session:
        stored = list((await session.execute(select(col(LoginLink.digest)))).scalars())
        entries = await latest(session, limit=3, staff_id=team.ids[LOTTE])
    assert stored == [link_digest(found.group(1))]
    assert [e.action for e in entries] == ["login_link"]


async def test_dashboard_without_an_address_for_browsers_says_so_and_keeps_nothing(
    team: Team, db: Database
) -> None:
    await team.say(LOTTE, Inbound("command", command="dashboard"))
    assert await team.keys(LOTTE) == ["dashboard.unreachable"]
    async with db.transaction() as session:
        assert (await session.execute(select(LoginLink))).first() is None
