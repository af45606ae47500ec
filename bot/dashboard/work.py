"""What a coach does on the dashboard, each in one transaction through the same rules and
storage verbs as a tap in Telegram: the claim is `staff_taps.claim` (the atomic claim), a
reply is `talk.write` into the outbox, pause, close and hand-over are flows/coaching/life.py.
Notes and goals are the dashboard's own: written by storage/case_work.py, audited here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.staff_apply import apply
from bot.services.staff_load import Desk, case_only, load_case, person, reached
from bot.services.staff_taps import claim
from flows.audit import Actor
from flows.coaching import life, talk
from flows.coaching.effects import AddOffers, Outcome
from flows.coaching.facts import CaseFacts, Person
from flows.state import Tap
from storage.audit import record_audit
from storage.case_work import add_goal, add_note, tick_goal
from storage.cases import coach_wrote_before, staff_by_id

NOTE_LONGEST = 2000  # characters of a note or goal; a reply has the channel's own limit
REPLY_LONGEST = 4000


async def show_queue(
    session: AsyncSession, desk: Desk, who: Actor, actor: Person, case_ids: list[int], now: datetime
) -> None:
    """The cases a staff member sees in the queue are offered to them (as /wachtrij does), so
    they may claim them; the offers and the audit entries go through the same apply."""
    changes = tuple(AddOffers(case_id, (actor.id,), now) for case_id in case_ids)
    await apply(session, desk, Outcome((), changes), now, actor=who)


async def claim_case(
    session: AsyncSession, desk: Desk, actor: Person, case_id: int, now: datetime
) -> Tap | None:
    """The same claim as the Telegram button; the tap kind says how it went (quiet: won)."""
    return (await claim(session, desk, actor, case_id, now)).tap


async def reply(
    session: AsyncSession,
    desk: Desk,
    who: Actor,
    actor: Person,
    case: CaseFacts,
    text: str,
    now: datetime,
) -> bool:
    """A coach's message to the youngster, through the outbox; False when the case cannot be
    written to (closed, handed over meanwhile)."""
    wrote = await coach_wrote_before(session, case_id=case.id, staff_id=actor.id)
    outcome = talk.write(actor, case, text=text, media=None, wrote_before=wrote, now=now)
    if not outcome.changes:
        return False
    await apply(session, desk, outcome, now, actor=who)
    return True


async def pause(
    session: AsyncSession, desk: Desk, who: Actor, actor: Person, case: CaseFacts, now: datetime
) -> bool:
    """Pause: the youngster hears the coach is away for a while."""
    outcome = life.pause(actor, case)
    if not outcome.changes:
        return False
    await apply(session, desk, outcome, now, actor=who)
    return True


async def close(
    session: AsyncSession,
    desk: Desk,
    who: Actor,
    actor: Person,
    case: CaseFacts,
    reason: str,
    now: datetime,
) -> bool:
    """Close with one of the listed reasons."""
    outcome = life.close(actor, case, reason, now)
    if not outcome.changes:
        return False
    await apply(session, desk, outcome, now, actor=who)
    return True


async def hand_over(
    session: AsyncSession,
    desk: Desk,
    who: Actor,
    actor: Person,
    case_id: int,
    colleague_id: int,
    now: datetime,
) -> bool:
    """Ask a colleague to take over (warm): they accept in Telegram, as with /overdragen."""
    loaded = await load_case(session, desk, case_id)
    colleague = await staff_by_id(session, staff_id=colleague_id)
    them = person(colleague) if colleague is not None and colleague.active else None
    outcome = life.hand_over(
        actor, loaded.case if loaded else None, them, loaded.card if loaded else None
    )
    if not outcome.changes:
        return False
    await apply(session, desk, outcome, now, actor=who, team=await reached(session, desk, now))
    return True


async def note(
    session: AsyncSession, who: Actor, actor: Person, case_id: int, text: str, now: datetime
) -> bool:
    """A private note; nothing when it is empty."""
    return await _keep(session, who, actor, case_id, text, now, add=add_note, action="note")


async def goal(
    session: AsyncSession, who: Actor, actor: Person, case_id: int, text: str, now: datetime
) -> bool:
    """A small goal; nothing when it is empty."""
    return await _keep(session, who, actor, case_id, text, now, add=add_goal, action="goal")


async def _keep(
    session: AsyncSession,
    who: Actor,
    actor: Person,
    case_id: int,
    text: str,
    now: datetime,
    *,
    add: Callable[..., Awaitable[None]],
    action: str,
) -> bool:
    """A note or goal written down (sealed by storage) and in the audit log."""
    text = text.strip()[:NOTE_LONGEST]
    if not text:
        return False
    await add(session, case_id=case_id, staff_id=actor.id, text=text, now=now)
    await record_audit(session, at=now, actor=who, action=action, case_id=case_id)
    return True


async def tick(
    session: AsyncSession, who: Actor, case_id: int, goal_id: int, done: bool, now: datetime
) -> bool:
    """A goal ticked done, or not done after all."""
    if not await tick_goal(session, case_id=case_id, goal_id=goal_id, done=done, now=now):
        return False
    detail = "done" if done else "undone"
    await record_audit(session, at=now, actor=who, action="goal", case_id=case_id, detail=detail)
    return True


async def case_facts(session: AsyncSession, case_id: int) -> CaseFacts | None:
    return await case_only(session, case_id)
