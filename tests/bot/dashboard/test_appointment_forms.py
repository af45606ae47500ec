"""Appointments on the case page: proposed, moved, cancelled, held or missed through the same
rules and messages as /afspraak and its buttons in Telegram; listed in the coach's words and
the service's time zone; the next one on "my cases". Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
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


@dataclass(frozen=True)
class Posted:
    """What a form on the case page did: the status, where the page sent the browser (its
    `said=` tells what happened) and every appointment as stored after it."""

    status: int
    where: str
    appointments: list[Appointment]

    @property
    def said(self) -> str:
        return self.where.rpartition("said=")[2]


@dataclass(frozen=True)
class Forms:
    """The appointment forms of a case page: posted by a staff member, then read back."""

    signed_in: SignedIn
    db: Database

    async def post(self, case: Case, path: str, *, who: str | int = LOTTE, **fields: str) -> Posted:
        """`who` (Lotte unless told) posts .../appointments/<path> of the case."""
        async with self.signed_in(who) as staff:
            status, where = await staff.post(
                f"/dashboard/cases/{case.id}/appointments/{path}", **fields
            )
        return Posted(status, where, await stored(self.db))

    async def propose(self, case: Case, **fields: str) -> Posted:
        """A proposal by Lotte (by default: chat, Tuesday 15:00)."""
        return await self.post(case, "new", **({"mode": "chat", "at": "2026-11-24T15:00"} | fields))

    async def step(self, case: Case, step: str, **fields: str) -> Posted:
        """Lotte takes a step (cancel, move, done, missed) on the case's one appointment."""
        (appointment,) = await stored(self.db)
        return await self.post(case, f"{appointment.id}/{step}", **fields)


@pytest.fixture
def forms(signed_in: SignedIn, db: Database) -> Forms:
    return Forms(signed_in, db)


async def proposed_on_the_page(forms: Forms, team: Team, **fields: str) -> Case:
    """Lotte has y1's case and proposes from the case page (by default: chat, Tuesday 15:00)."""
    case = await claimed_by_lotte(team)
    await forms.propose(case, **fields)
    return case


async def confirmed_by_the_youngster(team: Team) -> None:
    asked = (await team.outbox("y1"))[-1]
    ok = next(b.data for row in asked.buttons for b in row if b.label.key.endswith(".ok"))
    await team.say("y1", Inbound("choice", choice=ok))


async def test_a_proposal_on_the_case_page_reaches_the_youngster_as_from_telegram(
    forms: Forms, team: Team
) -> None:
    case = await claimed_by_lotte(team)
    posted = await forms.propose(case, mode="video", link="https://meet.example.org/lotte")
    assert (posted.status, posted.where) == (303, f"/dashboard/cases/{case.id}?said=apt_proposed")
    (appointment,) = posted.appointments
    told = (await team.outbox("y1"))[-1]
    assert told.key == "appointment.proposed"
    assert [b.data for row in told.buttons for b in row] == [
        f"apt:{appointment.id}:ok",
        f"apt:{appointment.id}:other",
        f"apt:{appointment.id}:cancel",
    ]
    assert (appointment.state, appointment.mode, appointment.link) == (
        "proposed",
        "video",
        "https://meet.example.org/lotte",
    )
    assert appointment.starts_at is not None
    assert appointment.starts_at.replace(tzinfo=UTC) == TUESDAY_3PM


async def test_typed_words_are_read_as_after_afspraak(forms: Forms, team: Team) -> None:
    case = await claimed_by_lotte(team)
    (appointment,) = (await forms.propose(case, at="", words="morgen 15u")).appointments
    assert appointment.starts_at is not None
    assert appointment.starts_at.replace(tzinfo=UTC) == TUESDAY_3PM


async def test_words_that_name_no_moment_are_refused_and_nothing_is_kept(
    forms: Forms, signed_in: SignedIn, team: Team
) -> None:
    case = await claimed_by_lotte(team)
    posted = await forms.propose(case, at="", words="ooit eens")
    async with signed_in(LOTTE) as lotte:
        page = await lotte.get(posted.where)
    assert posted.said == "apt_not_understood"
    assert "Dat moment snap ik niet" in page
    assert posted.appointments == []
    assert "appointment.proposed" not in await team.keys("y1")


async def test_a_moment_already_past_is_refused(forms: Forms, team: Team) -> None:
    case = await claimed_by_lotte(team)
    posted = await forms.propose(case, at="2026-11-23T09:00")
    assert posted.said == "apt_past"
    assert posted.appointments == []


async def test_the_case_page_lists_the_appointment_in_the_coachs_words(
    forms: Forms, signed_in: SignedIn, team: Team
) -> None:
    case = await proposed_on_the_page(forms, team, mode="meet", place="Jeugdhuis Gent")
    async with signed_in(LOTTE) as lotte:
        page = await lotte.get(f"/dashboard/cases/{case.id}")
    assert "dinsdag 24 november om 15:00" in page
    assert "voorgesteld" in page and "Jeugdhuis Gent" in page


async def test_cancelling_on_the_case_page_tells_the_youngster_and_is_audited(
    forms: Forms, team: Team, db: Database
) -> None:
    case = await proposed_on_the_page(forms, team)
    posted = await forms.step(case, "cancel")
    assert posted.said == "apt_cancelled"
    assert [a.state for a in posted.appointments] == ["cancelled"]
    assert (await team.keys("y1"))[-1] == "appointment.cancelled_by_coach"
    async with db.transaction() as session:
        entries = await latest(session, limit=3, case_id=case.id)
    assert any(e.action == "appointment" and e.detail == "cancelled" for e in entries)


async def test_moving_a_confirmed_appointment_proposes_the_new_moment_to_the_youngster(
    forms: Forms, team: Team, db: Database
) -> None:
    case = await proposed_on_the_page(forms, team)
    await confirmed_by_the_youngster(team)
    assert [a.state for a in await stored(db)] == ["confirmed"]
    posted = await forms.step(case, "move", words="woensdag 10u")
    assert posted.said == "apt_moved"
    (moved,) = posted.appointments
    assert moved.state == "proposed" and moved.starts_at is not None
    assert moved.starts_at.replace(tzinfo=UTC) == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert (await team.keys("y1"))[-1] == "appointment.proposed"


async def test_an_appointment_not_yet_begun_cannot_be_marked_held(forms: Forms, team: Team) -> None:
    case = await proposed_on_the_page(forms, team)
    await confirmed_by_the_youngster(team)
    posted = await forms.step(case, "done")
    assert posted.said == "apt_not_yet"
    assert [a.state for a in posted.appointments] == ["confirmed"]


async def test_a_missed_appointment_gets_the_youngster_a_kind_word(
    forms: Forms, team: Team, clock: Clock
) -> None:
    case = await proposed_on_the_page(forms, team)
    await confirmed_by_the_youngster(team)
    clock.advance(days=1, hours=2)
    posted = await forms.step(case, "missed")
    assert posted.said == "apt_missed"
    assert [a.state for a in posted.appointments] == ["missed"]
    assert (await team.keys("y1"))[-1] == "appointment.missed"


async def test_my_cases_shows_the_next_appointment(
    forms: Forms, signed_in: SignedIn, team: Team
) -> None:
    await proposed_on_the_page(forms, team)
    async with signed_in(LOTTE) as lotte:
        page = await lotte.get("/dashboard/cases")
    assert "Volgende afspraak: dinsdag 24 november om 15:00" in page


async def test_a_coach_cannot_propose_on_another_coachs_case(forms: Forms, team: Team) -> None:
    case = await claimed_by_lotte(team)
    posted = await forms.post(case, "new", who=BRAM, mode="chat", at="2026-11-24T15:00")
    assert posted.status == 403
    assert posted.appointments == []


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
