"""The conversation service on a real database (SQLite and PostgreSQL): one transaction per
event, nothing kept without consent, no lost answers under concurrency, no double handling."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Collection
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlmodel import col

from bot.services.conversation import ConversationService
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound, outbound_from_json
from storage.db import Database
from storage.intakes import find_youngster, load_intake
from storage.models import (
    Case,
    CaseMessage,
    Contact,
    IntakeAnswer,
    IntakeMedia,
    OutboxMessage,
    StatEvent,
    Youngster,
    utc,
)
from tests.conftest import Clock

CHAT = "telegram", "5550001"


@pytest.fixture
def service(db: Database, flow: IntakeFlow, clock: Clock) -> ConversationService:
    return ConversationService(db, flow, clock=clock, rng=random.Random(7))


async def say(
    service: ConversationService,
    event: Inbound,
    event_id: str | None = None,
    address: str = CHAT[1],
) -> None:
    await service.handle(channel=CHAT[0], address=address, event=event, event_id=event_id)


def tap(data: str) -> Inbound:
    return Inbound("choice", choice=data)


async def count(db: Database, model: type) -> int:
    async with db.transaction() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def outbox_keys(db: Database) -> list[str]:
    import json

    async with db.transaction() as session:
        rows = (
            await session.execute(select(OutboxMessage).order_by(col(OutboxMessage.id)))
        ).scalars()
        return [outbound_from_json(json.loads(r.payload)).key for r in rows]


async def consent(service: ConversationService) -> None:
    await say(service, Inbound("start", argument="insta"))
    await say(service, tap("consent:yes:nl:insta"))


async def test_before_consent_nothing_is_kept_but_the_replies_to_send(
    service: ConversationService, db: Database
) -> None:
    await say(service, Inbound("start", argument="insta"))
    assert await count(db, Youngster) == 0
    assert await count(db, Contact) == 0
    assert await outbox_keys(db) == ["welcome"]


async def test_a_typed_ja_to_the_worry_question_before_consent_is_heard_and_nothing_kept(
    service: ConversationService, db: Database
) -> None:
    await say(service, Inbound("start", argument="insta"))
    await say(service, Inbound("text", text="ik zie het echt niet meer zitten"))
    await say(service, Inbound("text", text="ja"))
    await say(service, Inbound("text", text="nee"))  # to "Ben je nu veilig?"
    keys = await outbox_keys(db)
    assert keys[1:] == ["crisis.worry", "crisis.safe_ask", "crisis.reply_no", "consent.ask"]
    assert await count(db, Youngster) == 0
    assert await count(db, Contact) == 0


async def test_a_typed_ja_before_consent_long_after_the_question_is_no_answer(
    service: ConversationService, db: Database, clock: Clock
) -> None:
    await say(service, Inbound("start", argument="insta"))
    await say(service, Inbound("text", text="ik zie het echt niet meer zitten"))
    clock.advance(hours=1)
    await say(service, Inbound("text", text="ja"))
    assert "crisis.safe_ask" not in await outbox_keys(db)


async def test_declining_keeps_only_an_anonymous_count(
    service: ConversationService, db: Database
) -> None:
    await say(service, Inbound("start", argument="insta"))
    await say(service, tap("consent:no:nl:insta"))
    assert await count(db, Youngster) == 0
    async with db.transaction() as session:
        events = (await session.execute(select(StatEvent))).scalars().all()
    assert [(e.kind, e.value) for e in events] == [("consent_declined", "insta")]
    assert utc(events[0].hour) == datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


async def test_consent_creates_a_youngster_with_a_random_pseudonym(
    service: ConversationService, db: Database
) -> None:
    await consent(service)
    async with db.transaction() as session:
        youngster = (await session.execute(select(Youngster))).scalar_one()
    name, number = youngster.pseudonym.split("-")
    assert name.isalpha() and len(number) == 4 and number.isdigit()
    assert youngster.state == "age" and youngster.source == "insta"


async def test_a_whole_intake_is_saved_and_queued_with_its_deadline(
    service: ConversationService, db: Database
) -> None:
    await consent(service)
    await say(service, tap("age:16_17"))
    await say(service, Inbound("text", text="ik kan goed koken"))
    await say(service, Inbound("text", text="slaap slecht"))
    await say(service, tap("q.health:2"))
    for question in ("home", "goals", "money", "network"):
        await say(service, tap(f"q.{question}:skip"))
    await say(service, tap("summary:send"))
    async with db.transaction() as session:
        youngster = await find_youngster(session, channel=CHAT[0], address=CHAT[1])
        assert youngster is not None
        intake = await load_intake(session, youngster=youngster)
        case = (await session.execute(select(Case))).scalar_one()
    assert intake.state == "queued" and intake.age_band == "16_17"
    assert intake.answers["strengths"].text == "ik kan goed koken"
    assert (intake.answers["health"].choice, intake.answers["health"].text) == ("2", "slaap slecht")
    assert case.state == "queued" and not case.urgent
    assert intake.case is not None
    assert intake.case.deadline == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)  # 24 open hours


async def test_the_same_update_delivered_twice_is_handled_once(
    service: ConversationService, db: Database
) -> None:
    await consent(service)
    await say(service, tap("age:16_17"))
    await say(service, Inbound("text", text="ik teken"), event_id="tg:41")
    await say(service, Inbound("text", text="ik teken"), event_id="tg:41")
    async with db.transaction() as session:
        answers = (await session.execute(select(IntakeAnswer))).scalars().all()
    assert [(a.question, a.text) for a in answers] == [("strengths", "ik teken")]


async def test_an_event_that_fails_leaves_no_trace_and_can_be_handled_again(
    db: Database, flow: IntakeFlow, clock: Clock
) -> None:
    class FailingOnce(IntakeFlow):
        failed = False

        def handle(self, intake, event, now, asked=None):  # type: ignore[no-untyped-def]
            step = super().handle(intake, event, now, asked)
            if event.kind == "choice" and not self.failed:
                self.failed = True
                raise RuntimeError("database went away mid-event")
            return step

    failing = FailingOnce(flow.content, flow.rules)
    service = ConversationService(db, failing, clock=clock)
    await say(service, Inbound("start"), event_id="tg:1")
    with pytest.raises(RuntimeError):
        await say(service, tap("consent:yes:nl:"), event_id="tg:2")
    assert await count(db, Youngster) == 0
    assert await outbox_keys(db) == ["welcome"]
    await say(service, tap("consent:yes:nl:"), event_id="tg:2")
    assert await count(db, Youngster) == 1
    assert await outbox_keys(db) == ["welcome", "age.ask"]


async def test_concurrent_messages_of_one_youngster_lose_no_answer(
    service: ConversationService, db: Database
) -> None:
    await consent(service)
    await say(service, tap("age:16_17"))
    await say(service, tap("q.strengths:skip"))
    texts = [f"stukje {n}" for n in range(8)]
    await asyncio.gather(*(say(service, Inbound("text", text=t)) for t in texts))
    async with db.transaction() as session:
        answer = (await session.execute(select(IntakeAnswer))).scalar_one()
    assert sorted(answer.text.split("\n")) == sorted(texts)


async def test_a_double_tap_on_consent_creates_one_youngster(
    service: ConversationService, db: Database
) -> None:
    await say(service, Inbound("start"))
    await asyncio.gather(say(service, tap("consent:yes:nl:")), say(service, tap("consent:yes:nl:")))
    assert await count(db, Youngster) == 1
    assert await count(db, Contact) == 1


async def test_stop_and_erase_removes_every_row_but_the_anonymous_counts(
    service: ConversationService, db: Database
) -> None:
    await consent(service)
    await say(service, tap("age:16_17"))
    await say(service, Inbound("text", text="iets persoonlijks"))
    await say(service, Inbound("media", message_id="40", media="voice"))
    await say(service, tap("talk"))
    await say(service, Inbound("text", text="nog iets"))
    await say(service, Inbound("media", message_id="42", media="photo"))
    await say(service, Inbound("command", command="stop"))
    await say(service, tap("stop:delete"))
    for model in (Youngster, Contact, IntakeAnswer, IntakeMedia, Case, CaseMessage):
        assert await count(db, model) == 0, model.__name__
    assert await count(db, StatEvent) > 0
    keys = await outbox_keys(db)
    assert keys[-1] == "forget.done_queued"
    async with db.transaction() as session:
        linked = (
            await session.execute(
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.youngster_id).is_not(None))
            )
        ).scalar_one()
    assert linked == 0


async def test_under_age_leaves_no_row(service: ConversationService, db: Database) -> None:
    await consent(service)
    await say(service, tap("age:under_12"))
    assert await count(db, Youngster) == 0
    assert await count(db, Contact) == 0


async def test_messages_while_waiting_go_to_the_case_history(
    service: ConversationService, db: Database
) -> None:
    await consent(service)
    await say(service, tap("talk"))
    await say(service, Inbound("text", text="wanneer hoor ik iets?"))
    async with db.transaction() as session:
        messages = (await session.execute(select(CaseMessage))).scalars().all()
    assert [(m.sender, m.text) for m in messages] == [("youngster", "wanneer hoor ik iets?")]


async def test_crisis_words_while_waiting_flag_the_case_urgent(
    service: ConversationService, db: Database
) -> None:
    await consent(service)
    await say(service, tap("talk"))
    await say(service, Inbound("text", text="ik sta op de brug en ik ga springen"))
    async with db.transaction() as session:
        case = (await session.execute(select(Case))).scalar_one()
        crisis = (
            (await session.execute(select(StatEvent).where(col(StatEvent.kind) == "crisis")))
            .scalars()
            .all()
        )
    assert case.urgent
    assert len(crisis) == 1 and crisis[0].value is not None


async def test_the_telegram_chat_id_is_kept_only_in_the_contacts_table(
    service: ConversationService, db: Database
) -> None:
    await consent(service)
    await say(service, tap("age:16_17"))
    await say(service, Inbound("media", message_id="31", media="voice"))
    await say(service, tap("talk"))
    tables = [
        "youngsters",
        "intake_answers",
        "intake_media",
        "cases",
        "case_messages",
        "stat_events",
    ]
    async with db.transaction() as session:
        for table in tables:
            rows = (await session.execute(text(f"SELECT * FROM {table}"))).all()
            assert all(CHAT[1] not in str(value) for row in rows for value in row), table
        assert (await session.execute(select(Contact.address))).scalar_one() == CHAT[1]
    assert await count(db, IntakeMedia) == 1  # the voice note is kept, by its message id only


async def test_statistics_events_carry_no_identity(
    service: ConversationService, db: Database
) -> None:
    await consent(service)
    await say(service, tap("age:16_17"))
    await say(service, Inbound("text", text="ik kan goed koken"))
    async with db.transaction() as session:
        youngster = (await session.execute(select(Youngster))).scalar_one()
        events = (await session.execute(select(StatEvent))).scalars().all()
    for event in events:
        values = {event.journey, event.kind, event.step, event.value}
        assert youngster.id not in values and youngster.pseudonym not in values
        assert "ik kan goed koken" not in values
        assert event.hour.minute == 0 and event.hour.second == 0


async def test_with_nobody_linked_a_youngster_in_crisis_hears_that_nobody_reads_now(
    db: Database, flow: IntakeFlow, rules: Rules, clock: Clock
) -> None:
    alone = ConversationService(db, flow, clock=clock, matchteam=StaffService(flow, rules))
    await consent(alone)
    await say(alone, Inbound("text", text="ik sta op de brug en ik ga springen"))
    keys = await outbox_keys(db)
    assert "crisis.nobody" in keys and "crisis.urgent" not in keys


async def test_after_a_commit_the_senders_are_told_which_channels_got_messages(
    db: Database, flow: IntakeFlow, clock: Clock
) -> None:
    told: list[frozenset[str] | None] = []

    def wake(channels: Collection[str] | None = None) -> None:
        told.append(None if channels is None else frozenset(channels))

    service = ConversationService(db, flow, clock=clock, rng=random.Random(7), on_outbox=wake)
    await say(service, Inbound("start", argument="insta"), event_id="tg:1")
    await say(service, Inbound("start", argument="insta"), event_id="tg:1")  # seen before
    # Only Telegram's sender has anything new: the web chat's need not look at the outbox.
    assert told == [frozenset({"telegram"})]
