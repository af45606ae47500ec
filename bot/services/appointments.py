"""Appointments at work: a coach's /afspraak and taps, a youngster's /afspraak and taps.
Read, load, decide (flows/appointments/), apply (bot/services/staff_apply.py), all in the
caller's transaction, like every staff-side action."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.staff_apply import apply
from bot.services.staff_load import Desk, Reached, case_only
from flows.appointments import answer, due, propose
from flows.appointments.due import QUIET
from flows.appointments.facts import COACH, YOUNGSTER, Draft, Parties
from flows.appointments.machine import DRAFT, UPCOMING
from flows.appointments.moments import moment_code
from flows.appointments.overview import coach_overview, youngster_overview
from flows.appointments.taps import AppointmentTap, NewTap, is_appointment, read_tap
from flows.audit import SYSTEM, Actor
from flows.audit import YOUNGSTER as YOUNGSTER_ACTOR
from flows.case import WITH_COACH
from flows.coaching import life
from flows.coaching.effects import Outcome, refused, to_staff, to_youngster
from flows.coaching.facts import CaseFacts, Person
from flows.command_words import CommandWords
from flows.messages import Inbound
from flows.state import Tap
from storage.appointments import (
    add_draft,
    appointment_by_id,
    appointments_of_case,
    last_heard,
    mark_due,
)
from storage.cases import staff_by_id
from storage.models import AppointmentDue, utc


def wants_appointments(event: Inbound, words: CommandWords) -> bool:
    """A youngster's /afspraak, or a tap on an appointment's button."""
    if event.kind == "choice":
        return is_appointment(event.choice)
    return event.kind == "command" and words.action(event.command) == "appointment"


async def parties_of(session: AsyncSession, case: CaseFacts | None) -> Parties | None:
    """The case with its coach's first name, while a coach has it."""
    if case is None or case.coach_id is None or case.state not in WITH_COACH:
        return None
    coach = await staff_by_id(session, staff_id=case.coach_id)
    return Parties(case, coach.name if coach is not None else "")


async def coach_command(
    session: AsyncSession, desk: Desk, actor: Person, argument: str, now: datetime
) -> Outcome:
    """/afspraak [mode] [moment] [link] [@ place] on the coach's current conversation."""
    case = life.current(actor, await case_only(session, actor.current_case_id))
    asked = propose.start(actor, case, argument, desk.mode_words, now, desk.appointments)
    if isinstance(asked, Draft):
        return await _drafted(session, desk, asked, now)
    parties = await parties_of(session, case)
    if argument.strip() or parties is None:
        return asked
    # Without words: what is coming (to move or cancel) above the question what to propose.
    coming = await appointments_of_case(session, case_id=parties.case.id, states=UPCOMING)
    listed = to_staff(actor.id, *coach_overview(parties, coming))
    return Outcome((listed, *asked.sends), asked.changes, asked.tap)


async def coach_tap(
    session: AsyncSession, desk: Desk, actor: Person, data: str, now: datetime
) -> Outcome:
    """A coach's tap on an appointment's button (or on a mode for a new one)."""
    asked = read_tap(data)
    if isinstance(asked, NewTap):
        made = propose.new(actor, await case_only(session, asked.case_id), asked.mode)
        return await _drafted(session, desk, made, now) if isinstance(made, Draft) else made
    if asked is None:
        return refused("unknown")
    return await _tap(session, desk, COACH, actor.id, asked, now)


async def web_plan(
    session: AsyncSession,
    desk: Desk,
    who: Actor,
    actor: Person,
    case_id: int,
    asked: Mapping[str, str],
    now: datetime,
) -> str:
    """A proposal from the dashboard's form: drafted and proposed as after /afspraak (the
    youngster gets the same message), applied and audited as a tap is. The word the page
    says: "proposed", or why not (propose.planned)."""
    made = propose.planned(actor, await case_only(session, case_id), asked, now, desk.appointments)
    if isinstance(made, str):
        return made
    outcome = await _drafted(session, desk, made, now)
    if not outcome.changes:
        return "stale"
    await apply(session, desk, outcome, now, actor=who)
    return "proposed"


# The dashboard's buttons under an appointment, as the word the page says when it worked.
WEB_VERBS = {"move": "moved", "cancel": "cancelled", "done": "done", "missed": "missed"}


async def web_tap(
    session: AsyncSession,
    desk: Desk,
    who: Actor,
    actor: Person,
    appointment_id: int,
    verb: str,
    asked: Mapping[str, str],
    now: datetime,
) -> str:
    """Move (to the form's moment), cancel, done or missed from the dashboard: the same tap as
    the coach's button in Telegram (`apt:<id>:at:<moment>` for a move). The word the page
    says (WEB_VERBS), or why not."""
    if verb not in WEB_VERBS:
        return "unknown"
    data = f"apt:{appointment_id}:{verb}"
    if verb == "move":
        moment = propose.moment_asked(asked, now, desk.appointments)
        if moment is None or moment <= now:
            return "not_understood" if moment is None else "past"
        data = f"apt:{appointment_id}:at:{moment_code(moment)}"
    outcome = await coach_tap(session, desk, actor, data, now)
    if not outcome.changes:
        quiet = outcome.tap is not None and outcome.tap.kind == "quiet"
        return "not_yet" if quiet else "stale"
    await apply(session, desk, outcome, now, actor=who)
    return WEB_VERBS[verb]


async def youngster_event(
    session: AsyncSession,
    desk: Desk,
    *,
    youngster_id: str,
    case_id: int | None,
    event: Inbound,
    now: datetime,
) -> Tap | None:
    """A youngster's /afspraak or tap, with the case they are in now (if any)."""
    case = await case_only(session, case_id)
    if event.kind == "choice":
        asked = read_tap(event.choice)
        if not isinstance(asked, AppointmentTap):
            outcome = refused("unknown")
        else:
            outcome = await _tap(session, desk, YOUNGSTER, youngster_id, asked, now)
    else:
        parties = await parties_of(session, case)
        coming = (
            await appointments_of_case(session, case_id=case.id, states=UPCOMING)
            if parties is not None and case is not None
            else []
        )
        shown = youngster_overview(parties, coming)
        outcome = Outcome((to_youngster(youngster_id, *shown),))
    await apply(session, desk, outcome, now, actor=YOUNGSTER_ACTOR)
    return outcome.tap


async def _tap(
    session: AsyncSession,
    desk: Desk,
    side: str,
    actor_id: int | str,
    asked: AppointmentTap,
    now: datetime,
) -> Outcome:
    appointment = await appointment_by_id(session, appointment_id=asked.appointment_id)
    case = await case_only(session, appointment.case_id) if appointment is not None else None
    parties = await parties_of(session, case)
    if parties is None and case is not None:
        return refused("stale")  # the case ended or waits for another coach meanwhile
    return answer.tap(side, actor_id, parties, appointment, asked, now, desk.appointments)


async def _drafted(session: AsyncSession, desk: Desk, draft: Draft, now: datetime) -> Outcome:
    """Store the draft, then propose its moment or offer the picks."""
    parties = await parties_of(session, await case_only(session, draft.case_id))
    if parties is None:
        return refused("stale")
    appointment = await add_draft(session, draft=draft, state=DRAFT, now=now)
    return propose.drafted(parties, appointment, draft, now, desk.appointments)


async def fire_due(
    session: AsyncSession, desk: Desk, row: AppointmentDue, now: datetime, team: Reached | None
) -> str:
    """One claimed due row: decide, mark it done with what became of it, send. Marked
    before its changes are written, so a quiet check can arm the next one."""
    assert row.id is not None
    case = await case_only(session, row.case_id)
    parties = await parties_of(session, case)
    if row.kind == QUIET:
        heard = await last_heard(session, case_id=row.case_id) if parties is not None else None
        word, outcome = due.quiet(parties, heard, now, desk.appointments)
    else:
        appointment = (
            await appointment_by_id(session, appointment_id=row.appointment_id, lock=False)
            if row.appointment_id is not None
            else None
        )
        word, outcome = due.fire(row.kind, utc(row.due_at), parties, appointment, now)
    await mark_due(session, due_ids=[row.id], outcome=word, now=now)
    await apply(session, desk, outcome, now, actor=SYSTEM, team=team)
    return word
