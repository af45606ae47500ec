"""Writing what a staff-side rule decided: each change through its storage verb, the audit
log's entries for those changes (flows/coaching/audit.py), then each message into the outbox,
all in the caller's transaction (nothing leaves before the commit, and an entry exists exactly
when its change does).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.staff_load import Desk, Reached, reached
from flows.audit import Actor
from flows.case import ACTIVE
from flows.coaching.audit import entries
from flows.coaching.effects import (
    AddGuardSteps,
    AddOffers,
    AskFeedback,
    AskHandover,
    BlockYoungster,
    Change,
    CloseCase,
    CountStat,
    DeclineHandover,
    EndHandover,
    MoveAppointment,
    MoveCase,
    NoteMessage,
    Outcome,
    PlanDue,
    ReopenCase,
    Reply,
    RequeueCase,
    SetCurrent,
    SetReminder,
    TakeOver,
    ToStaff,
    UnblockYoungster,
)
from storage.appointments import arm_quiet, move_appointment, plan_due, set_reminder
from storage.audit import record
from storage.blocks import block_youngster, unblock_youngster
from storage.cases import (
    add_case_note,
    ask_handover,
    close_case,
    decline_handover,
    end_handover,
    move_case,
    reopen_case,
    requeue_case,
    set_current_case,
    take_over,
    youngster_reach,
)
from storage.feedback import ask_feedback
from storage.guard import add_guard_steps
from storage.outbox import Letter, enqueue_letters
from storage.queue import add_offers
from storage.stats import record_stats


class StaleCase(Exception):
    """A case moved under a rule's feet (another worker was first): roll back, nothing sent."""


async def apply(
    session: AsyncSession,
    desk: Desk,
    outcome: Outcome,
    now: datetime,
    *,
    actor: Actor,
    team: Reached | None = None,
    reply_to: tuple[str, str] | None = None,
) -> None:
    """Write the changes and their audit entries, then queue the messages. `actor`: who
    acted (a staff member, the youngster, the system, an operator at the CLI); `team`: the
    reachable staff, if loaded; `reply_to`: the (address, language) of the staff member whose
    event this is."""
    # Every offer of the outcome in one insert (the queue page shows many cases at once).
    offers = [change for change in outcome.changes if isinstance(change, AddOffers)]
    if offers:
        await add_offers(
            session,
            pairs=[(o.case_id, staff_id) for o in offers for staff_id in o.staff_ids],
            now=offers[0].at,
        )
    for change in outcome.changes:
        if not isinstance(change, AddOffers) and not await write(session, change):
            raise StaleCase(type(change).__name__)
        if isinstance(change, MoveCase | ReopenCase | TakeOver) and change.state == ACTIVE:
            await arm_quiet_check(session, desk, change.case_id, now)
    await record(session, at=now, actor=actor, entries=entries(outcome))
    letters: list[Letter] = []
    for send in outcome.sends:
        if not send.messages:
            continue
        if isinstance(send, Reply):
            assert reply_to is not None, "a reply needs the chat the event came from"
            address, language = reply_to
            letters.append(Letter(desk.channel, address, None, language, send.messages))
        elif isinstance(send, ToStaff):
            team = team or await reached(session, desk, now)
            found = team.addresses.get(send.staff_id)
            if found is not None:  # not linked on this channel, or deactivated: nobody to tell
                letters.append(Letter(desk.channel, found[0], None, found[1], send.messages))
        else:
            reach = await youngster_reach(session, youngster_id=send.youngster_id)
            if reach is not None:
                channel, address, language = reach
                letters.append(Letter(channel, address, send.youngster_id, language, send.messages))
    # One insert for every chat told (an offer goes to several coaches at once).
    await enqueue_letters(session, letters, now=now)


async def arm_quiet_check(session: AsyncSession, desk: Desk, case_id: int, now: datetime) -> None:
    """A case turned active (claimed, resumed, reopened, taken over): its coach hears if the
    youngster stays quiet for quiet_days (a check already waiting stays as it is)."""
    due_at = now + timedelta(days=desk.appointments.quiet_days)
    await arm_quiet(session, case_id=case_id, due_at=due_at)


async def write(session: AsyncSession, change: Change) -> bool:
    """One change through its storage verb; False when the case was not as the rule saw it."""
    match change:
        case MoveCase(case_id, before, state):
            return await move_case(session, case_id=case_id, before=before, state=state)
        case CloseCase(case_id, before, state, reason, at):
            return await close_case(
                session, case_id=case_id, before=before, state=state, reason=reason, at=at
            )
        case ReopenCase(case_id, before, state):
            return await reopen_case(session, case_id=case_id, before=before, state=state)
        case RequeueCase(case_id, before, state, queued_at, deadline):
            return await requeue_case(
                session,
                case_id=case_id,
                before=before,
                state=state,
                queued_at=queued_at,
                deadline=deadline,
            )
        case TakeOver(case_id, before, state, coach_id, previous):
            return await take_over(
                session,
                case_id=case_id,
                before=before,
                state=state,
                coach_id=coach_id,
                previous_coach_id=previous,
            )
        case AskHandover(case_id, to):
            await ask_handover(session, case_id=case_id, to=to)
        case DeclineHandover(case_id, staff_id):
            return await decline_handover(session, case_id=case_id, staff_id=staff_id)
        case EndHandover(case_id):
            await end_handover(session, case_id=case_id)
        case SetCurrent(staff_id, case_id):
            await set_current_case(session, staff_id=staff_id, case_id=case_id)
        case NoteMessage(case_id, sender, text, at, staff_id):
            await add_case_note(
                session, case_id=case_id, sender=sender, text=text, at=at, staff_id=staff_id
            )
        case AddOffers(case_id, staff_ids, at):
            await add_offers(session, pairs=[(case_id, s) for s in staff_ids], now=at)
        case AddGuardSteps(case_id, steps):
            await add_guard_steps(session, case_id=case_id, steps=steps)
        case CountStat(journey, stat, at):
            await record_stats(session, journey=journey, at=at, stats=[stat])
        case AskFeedback(youngster_id):
            await ask_feedback(session, youngster_id=youngster_id)
        case BlockYoungster(youngster_id, staff_id, reason, at):
            await block_youngster(
                session, youngster_id=youngster_id, staff_id=staff_id, reason=reason, at=at
            )
        case UnblockYoungster(youngster_id):
            await unblock_youngster(session, youngster_id=youngster_id)
        case MoveAppointment(appointment_id, _, before, state, starts_at, proposed_by):
            return await move_appointment(
                session,
                appointment_id=appointment_id,
                before=before,
                state=state,
                starts_at=starts_at,
                proposed_by=proposed_by,
            )
        case SetReminder(appointment_id, remind):
            await set_reminder(session, appointment_id=appointment_id, remind=remind)
        case PlanDue(case_id, appointment_id, clear, rows):
            await plan_due(
                session, case_id=case_id, appointment_id=appointment_id, clear=clear, rows=rows
            )
    return True
