"""/mijngegevens and /vergeet through the real service and database (SQLite and PostgreSQL):
what a youngster is shown, who is told of an erasure, and which rows go."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import col

from bot.services.render import Renderer
from flows.messages import Inbound
from storage.inbox import store_pending
from storage.models import (
    Appointment,
    AppointmentDue,
    Case,
    CaseMessage,
    Contact,
    InboxEvent,
    IntakeAnswer,
    Offer,
    OutboxMessage,
    SentMessage,
    Youngster,
)
from storage.outbox import remember_sent
from storage.sealing import lookups
from tests.bot.team import LOTTE, MONEY_AND_HOME, Team, claimed_by_lotte


async def erase(team: Team, address: str = "y1") -> None:
    await team.say(address, Inbound("command", command="vergeet"))
    await team.say(address, Inbound("choice", choice="forget:yes"))


async def count(team: Team, model: type, *where: object) -> int:
    async with team.db.transaction() as session:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int((await session.execute(query)).scalar_one())


async def test_mydata_shows_the_answers_coach_and_messages_as_a_message_and_a_file(
    team: Team, renderer: Renderer
) -> None:
    await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("text", text="Hoi, ik ben Lotte!"))
    await team.say("y1", Inbound("text", text="Hoi Lotte"))
    await team.say("y1", Inbound("command", command="mijngegevens"))
    message, document = (await team.outbox("y1"))[-2:]
    assert (message.key, document.key, document.document) == (
        "mydata.text",
        "mydata.text",
        "mydata.file",
    )
    text = renderer.render(message, "nl").text
    assert "je praat met Lotte" in text
    assert "Berichten in je gesprek: 2" in text
    assert "Geld: 😣 gaat slecht" in text


async def test_mydata_lists_the_appointments_and_forget_deletes_them_with_their_due_rows(
    team: Team, renderer: Renderer
) -> None:
    await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("text", text="Hoi, ik ben Lotte!"))
    await team.say(
        LOTTE, Inbound("command", command="afspraak", argument="afspreken morgen 15u @ De Kroon")
    )
    proposal = (await team.outbox("y1"))[-1]
    await team.say("y1", Inbound("choice", choice=proposal.buttons[0][0].data))  # ✅ Past
    await team.say("y1", Inbound("command", command="mijngegevens"))
    text = renderer.render((await team.outbox("y1"))[-2], "nl").text
    assert (
        "• Afspraak: dinsdag 24 november om 15:00, we spreken af: De Kroon (afgesproken)." in text
    )
    # The coach's reminder, the check after it, and the case's quiet check (armed at the claim).
    assert await count(team, AppointmentDue) == 3
    await erase(team)
    assert (await count(team, Appointment), await count(team, AppointmentDue)) == (0, 0)


async def test_a_coach_typing_mijngegevens_gets_the_staff_help_and_no_youngster_s_data(
    team: Team,
) -> None:
    await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("command", command="mijngegevens"))
    assert not [key for key in await team.keys(LOTTE) if key.startswith("mydata.")]


async def test_forget_with_a_coach_asks_the_coach_to_delete_the_chat_copies(team: Team) -> None:
    await claimed_by_lotte(team)
    await erase(team)
    assert (await team.keys("y1"))[-1] == "forget.done_coach"
    notice = (await team.outbox(LOTTE))[-1]
    assert notice.key == "case.youngster_erased" and notice.erasure


async def test_forget_while_waiting_deletes_the_unsent_offers_and_tells_who_was_offered(
    team: Team,
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    assert "offer.new" in await team.keys(LOTTE)  # not sent yet: holds the answers
    case_id = (await team.case()).id
    await erase(team)
    (notice,) = await team.outbox(LOTTE)
    assert notice.key == "case.youngster_erased"
    assert notice.edit == f"offer:{case_id}"  # in place of the offer, once that was sent
    assert await team.keys("y1") == ["forget.done_queued"]


async def test_forget_then_no_keeps_every_row(team: Team) -> None:
    await claimed_by_lotte(team)
    await team.say("y1", Inbound("command", command="vergeet"))
    await team.say("y1", Inbound("choice", choice="forget:no"))
    assert (await team.keys("y1"))[-1] == "forget.kept"
    assert await count(team, Youngster) == 1 and await count(team, Case) == 1


async def test_forget_erases_every_row_of_the_youngster_and_their_case(team: Team) -> None:
    case = await claimed_by_lotte(team)
    await team.say(LOTTE, Inbound("text", text="Hoi!"))
    await team.say("y1", Inbound("text", text="Hoi Lotte"))
    await erase(team)
    for model in (Youngster, Contact, IntakeAnswer, Case, CaseMessage, Offer):
        assert await count(team, model) == 0, model.__name__
    assert await count(team, OutboxMessage, col(OutboxMessage.youngster_id).is_not(None)) == 0
    assert case.id is not None


async def test_an_erasure_leaves_no_sent_message_id_of_the_youngster_s_chat(team: Team) -> None:
    case = await claimed_by_lotte(team)
    async with team.db.transaction() as session:
        for address, tag in (("y1", f"relay:{case.id}"), (LOTTE, f"case:{case.id}")):
            await remember_sent(
                session,
                channel="telegram",
                address=address,
                message_id="9",
                tag=tag,
                now=team.clock(),
            )
    await erase(team)
    assert await count(team, SentMessage, col(SentMessage.address_key).in_(lookups("y1"))) == 0
    # The coach's stays: a reply to it must not reach whoever the coach talks to now.
    assert await count(team, SentMessage, col(SentMessage.address_key).in_(lookups(LOTTE))) == 1


async def test_an_erasure_forgets_the_updates_of_the_chat_not_handled_yet(team: Team) -> None:
    await claimed_by_lotte(team)
    async with team.db.transaction() as session:
        await store_pending(
            session,
            event_id="tg:991",
            channel="telegram",
            address="y1",
            seq=991,
            payload='{"text": "nog iets geheims"}',
            now=team.clock(),
        )
    await erase(team)
    async with team.db.transaction() as session:
        row = await session.get(InboxEvent, "tg:991")
    assert row is not None and not row.pending
    assert (row.address, row.payload) == (None, None)


async def test_an_erasure_leaves_the_other_youngster_s_rows(team: Team) -> None:
    await claimed_by_lotte(team)
    await team.youngster("y2", *MONEY_AND_HOME)
    await erase(team)
    assert await count(team, Youngster) == 1 and await count(team, Case) == 1
    assert "offer.new" in await team.keys(LOTTE)  # y2's offer still goes out
