"""Appointments on the case page: proposed, moved, cancelled, held or missed through the same
rules and messages as /afspraak and its buttons in Telegram; listed in the coach's words and
the service's time zone; the next one on "my cases". Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from flows.messages import Inbound
from storage.audit import latest
from storage.db import Database
from storage.models import Appointment, Case
from tests.bot.dashboard.conftest import SignedIn
from tests.bot.team import BRAM, LOTTE, MONEY_AND_HOME, Team, add, claimed_by_lotte
from tests.conftest import Clock

# The test clock is Monday 23 November 2026, 14:00 in Brussels; Tuesday 15:00 there is 14:00 UTC.
TUESDAY_3PM = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


async def stored(db: Database) -> list[Appointment]:
    async with db.transaction() as session:
        return list((await session.execute(select(Appointment))).scalars())


async def proposed_on_the_page(signed_in: SignedIn, team: Team, **fields: str) -> Case:
    """Lotte has y1's case and proposes from the case page (by default: chat, Tuesday 15:00)."""
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as lotte:
        await lotte.post(
            f"/dashboard/cases/{case.id}/appointments/new",
            **({"mode": "chat", "at": "2026-11-24T15:00"} | fields),
        )
    return case


async def confirmed_by_the_youngster(team: Team) -> None:
    asked = (await team.outbox("y1"))[-1]
    ok = next(b.data for row in asked.buttons for b in row if b.label.key.endswith(".ok"))
    await team.say("y1", Inbound("choice", choice=ok))


async def test_a_proposal_on_the_case_page_reaches_the_youngster_as_from_telegram(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as lotte:
        status, where = await lotte.post(
            f"/dashboard/cases/{case.id}/appointments/new",
            mode="video",
            at="2026-11-24T15:00",
            link="https://meet.example.org/lotte",
        )
    assert (status, where) == (303, f"/dashboard/cases/{case.id}?said=apt_proposed")
    told = (await team.outbox("y1"))[-1]
    assert told.key == "appointment.proposed"
    assert [b.data for row in told.buttons for b in row] == [
        f"apt:{(await stored(db))[0].id}:ok",
        f"apt:{(await stored(db))[0].id}:other",
        f"apt:{(await stored(db))[0].id}:cancel",
    ]
    (appointment,) = await stored(db)
    assert (appointment.state, appointment.mode, appointment.link) == (
        "proposed",
        "video",
        "https://meet.example.org/lotte",
    )
    assert appointment.starts_at is not None
    assert appointment.starts_at.replace(tzinfo=UTC) == TUESDAY_3PM


async def test_typed_words_are_read_as_after_afspraak(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    await proposed_on_the_page(signed_in, team, at="", words="morgen 15u")
    (appointment,) = await stored(db)
    assert appointment.starts_at is not None
    assert appointment.starts_at.replace(tzinfo=UTC) == TUESDAY_3PM


async def test_words_that_name_no_moment_are_refused_and_nothing_is_kept(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as lotte:
        _status, where = await lotte.post(
            f"/dashboard/cases/{case.id}/appointments/new", mode="chat", words="ooit eens"
        )
        page = await lotte.get(where)
    assert where.endswith("said=apt_not_understood")
    assert "Dat moment snap ik niet" in page
    assert await stored(db) == []
    assert "appointment.proposed" not in await team.keys("y1")


async def test_a_moment_already_past_is_refused(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(LOTTE) as lotte:
        _status, where = await lotte.post(
            f"/dashboard/cases/{case.id}/appointments/new", mode="chat", at="2026-11-23T09:00"
        )
    assert where.endswith("said=apt_past")
    assert await stored(db) == []


async def test_the_case_page_lists_the_appointment_in_the_coachs_words(
    signed_in: SignedIn, team: Team
) -> None:
    case = await proposed_on_the_page(signed_in, team, mode="meet", place="Jeugdhuis Gent")
    async with signed_in(LOTTE) as lotte:
        page = await lotte.get(f"/dashboard/cases/{case.id}")
    assert "dinsdag 24 november om 15:00" in page
    assert "voorgesteld" in page and "Jeugdhuis Gent" in page


async def test_cancelling_on_the_case_page_tells_the_youngster_and_is_audited(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    case = await proposed_on_the_page(signed_in, team)
    (appointment,) = await stored(db)
    async with signed_in(LOTTE) as lotte:
        _status, where = await lotte.post(
            f"/dashboard/cases/{case.id}/appointments/{appointment.id}/cancel"
        )
    assert where.endswith("said=apt_cancelled")
    assert (await stored(db))[0].state == "cancelled"
    assert (await team.keys("y1"))[-1] == "appointment.cancelled_by_coach"
    async with db.transaction() as session:
        entries = await latest(session, limit=3, case_id=case.id)
    assert any(e.action == "appointment" and e.detail == "cancelled" for e in entries)


async def test_moving_a_confirmed_appointment_proposes_the_new_moment_to_the_youngster(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    case = await proposed_on_the_page(signed_in, team)
    await confirmed_by_the_youngster(team)
    (appointment,) = await stored(db)
    assert appointment.state == "confirmed"
    async with signed_in(LOTTE) as lotte:
        _status, where = await lotte.post(
            f"/dashboard/cases/{case.id}/appointments/{appointment.id}/move",
            words="woensdag 10u",
        )
    assert where.endswith("said=apt_moved")
    (moved,) = await stored(db)
    assert moved.state == "proposed" and moved.starts_at is not None
    assert moved.starts_at.replace(tzinfo=UTC) == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert (await team.keys("y1"))[-1] == "appointment.proposed"


async def test_an_appointment_not_yet_begun_cannot_be_marked_held(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    case = await proposed_on_the_page(signed_in, team)
    await confirmed_by_the_youngster(team)
    (appointment,) = await stored(db)
    async with signed_in(LOTTE) as lotte:
        _status, where = await lotte.post(
            f"/dashboard/cases/{case.id}/appointments/{appointment.id}/done"
        )
    assert where.endswith("said=apt_not_yet")
    assert (await stored(db))[0].state == "confirmed"


async def test_a_missed_appointment_gets_the_youngster_a_kind_word(
    signed_in: SignedIn, team: Team, db: Database, clock: Clock
) -> None:
    case = await proposed_on_the_page(signed_in, team)
    await confirmed_by_the_youngster(team)
    (appointment,) = await stored(db)
    clock.advance(days=1, hours=2)
    async with signed_in(LOTTE) as lotte:
        _status, where = await lotte.post(
            f"/dashboard/cases/{case.id}/appointments/{appointment.id}/missed"
        )
    assert where.endswith("said=apt_missed")
    assert (await stored(db))[0].state == "missed"
    assert (await team.keys("y1"))[-1] == "appointment.missed"


async def test_my_cases_shows_the_next_appointment(signed_in: SignedIn, team: Team) -> None:
    await proposed_on_the_page(signed_in, team)
    async with signed_in(LOTTE) as lotte:
        page = await lotte.get("/dashboard/cases")
    assert "Volgende afspraak: dinsdag 24 november om 15:00" in page


async def test_a_coach_cannot_propose_on_another_coachs_case(
    signed_in: SignedIn, team: Team, db: Database
) -> None:
    case = await claimed_by_lotte(team)
    async with signed_in(BRAM) as bram:
        status, _ = await bram.post(
            f"/dashboard/cases/{case.id}/appointments/new", mode="chat", at="2026-11-24T15:00"
        )
    assert status == 403
    assert await stored(db) == []


async def test_an_english_speaking_coach_reads_the_appointment_in_english(
    signed_in: SignedIn, team: Team, db: Database, clock: Clock
) -> None:
    sam = await add(
        db, clock, "c-sam", role="coach", name="Sam", languages="en", focus="money", capacity=4
    )
    await team.youngster("y1", *MONEY_AND_HOME)
    case = await team.case()
    await team.say("c-sam", Inbound("command", command="wachtrij"))
    await team.say("c-sam", Inbound("choice", choice=f"claim:{case.id}"))
    async with signed_in(sam) as it:
        await it.post(
            f"/dashboard/cases/{case.id}/appointments/new", mode="chat", at="2026-11-24T15:00"
        )
        page = await it.get(f"/dashboard/cases/{case.id}")
    assert "Tuesday 24 November at 15:00" in page and "proposed" in page
