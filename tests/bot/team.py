"""A small team of coaches and a team lead around a real service, for the tests of the
matchteam, the relay, the guard and a case's life."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from bot.services.conversation import ConversationService
from bot.services.handled import Handled
from flows.messages import Inbound, Outbound, outbound_from_json
from storage.db import Database
from storage.models import Case, OutboxMessage, Staff, StaffContact
from storage.sealing import lookups
from tests.conftest import Clock

LOTTE, BRAM, AHMED = "c-lotte", "c-bram", "t-ahmed"


@dataclass
class Team:
    service: ConversationService
    db: Database
    clock: Clock
    ids: dict[str, int]

    async def youngster(self, address: str, *taps: str, text: str = "") -> None:
        await self.say(address, Inbound("start"))
        await self.say(address, Inbound("choice", choice="consent:yes:nl:"))
        for data in taps:
            await self.say(address, Inbound("choice", choice=data))
        if text:
            await self.say(address, Inbound("text", text=text))

    async def say(self, address: str, event: Inbound) -> Handled:
        return await self.service.handle(channel="telegram", address=address, event=event)

    async def outbox(self, address: str) -> list[Outbound]:
        async with self.db.transaction() as session:
            query = (
                select(OutboxMessage)
                .where(col(OutboxMessage.address_key).in_(lookups(address)))
                .order_by(col(OutboxMessage.id))
            )
            rows = (await session.execute(query)).scalars()
            return [outbound_from_json(json.loads(row.payload)) for row in rows]

    async def keys(self, address: str) -> list[str]:
        return [m.key for m in await self.outbox(address)]

    async def case(self) -> Case:
        async with self.db.transaction() as session:
            return (
                (await session.execute(select(Case).order_by(col(Case.id).desc())))
                .scalars()
                .first()
            )


async def add(db: Database, clock: Clock, address: str, **fields: Any) -> int:
    async with db.transaction() as session:
        staff = Staff(created_at=clock(), **fields)
        session.add(staff)
        await session.flush()
        assert staff.id is not None
        session.add(StaffContact(staff_id=staff.id, channel="telegram", address=address))
        return staff.id


MONEY_AND_HOME = (
    "age:16_17",
    "q.strengths:skip",
    "q.health:4",
    "q.home:2",
    "q.goals:skip",
    "q.money:1",
    "q.network:skip",
    "summary:send",
)


async def claimed_by_lotte(team: Team, youngster: str = "y1") -> Case:
    await team.youngster(youngster, *MONEY_AND_HOME)
    case = await team.case()
    await team.say(LOTTE, Inbound("choice", choice=f"claim:{case.id}"))
    return case
