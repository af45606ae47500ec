"""A linked coach's or team lead's event, run through the staff-side rules: read what they ask
for (flows/coaching/actions.py), load what the rule needs, call it, apply its outcome.

The path of a tap on a close reason: channel handler → ConversationService → here
(`staff_event`) → flows/coaching/life.py `close` → bot/services/staff_apply.py → storage verbs.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import appointments
from bot.services.login_links import make_login_link
from bot.services.staff_apply import apply, arm_quiet_check
from bot.services.staff_load import (
    Desk,
    case_only,
    facts,
    load_case,
    person,
    reached,
    target_of,
    waiting,
)
from flows.audit import staff_actor
from flows.coaching import block, claims, dashboard, life, talk
from flows.coaching.actions import (
    AcceptTap,
    AppointmentButton,
    Block,
    Claim,
    CloseTap,
    Command,
    Dashboard,
    DeclineTap,
    HandoverTap,
    Help,
    Open,
    OpenTap,
    Propose,
    Queue,
    Unblock,
    Unknown,
    Write,
    read,
)
from flows.coaching.effects import Outcome, refused, reply
from flows.coaching.facts import Person
from flows.media import for_coach
from flows.messages import Inbound, MediaRef, Outbound
from flows.relay import case_of_tag
from flows.state import Tap
from storage.audit import record_audit
from storage.blocks import youngster_named
from storage.cases import coach_wrote_before, staff_by_id
from storage.intakes import kept_media
from storage.models import Staff
from storage.outbox import tag_of
from storage.queue import (
    active_cases_of,
    case_notes,
    case_with_youngster,
    claim_case,
    offered_staff,
)

log = logging.getLogger(__name__)


async def staff_event(
    session: AsyncSession, desk: Desk, staff: Staff, address: str, event: Inbound, now: datetime
) -> Tap | None:
    """A linked coach or team lead tapped, typed or sent a command."""
    actor = person(staff)
    who = staff_actor(actor.role, actor.id)
    reply_to = (address, desk.language(staff))
    action = read(event, desk.words)
    outcome: Outcome
    match action:
        case Claim(case_id):
            return (await claim(session, desk, actor, case_id, now)).tap  # applied there
        case Queue():
            outcome = await _queue(session, desk, actor, now)
        case Open(which) | OpenTap(which):
            mine = [facts(c, y) for c, y in await active_cases_of(session, staff_id=actor.id)]
            outcome = talk.open_conversation(actor, which, mine)
            if isinstance(action, OpenTap):
                outcome = Outcome(outcome.sends, outcome.changes, Tap("closed"))
        case Command(name):
            current = life.current(actor, await case_only(session, actor.current_case_id))
            colleagues = (
                (await reached(session, desk, now)).team.people if name == "handover" else ()
            )
            outcome = life.command(actor, name, current, colleagues)
        case Block(reason):
            outcome = await _block(session, desk, actor, address, event, reason, now)
        case Unblock(which):
            found = await youngster_named(session, pseudonym=which) if which else None
            outcome = block.unblock(actor, target_of(found) if found else None)
        case CloseTap(case_id, reason):
            outcome = life.close(actor, await case_only(session, case_id), reason, now)
        case HandoverTap(case_id, colleague_id):
            outcome = await _hand_over(session, desk, actor, case_id, colleague_id)
        case AcceptTap(case_id):
            outcome = await accept(session, desk, actor, case_id, now)
        case DeclineTap(case_id):
            outcome = life.decline(actor, await case_only(session, case_id))
        case Propose(argument):
            outcome = await appointments.coach_command(session, desk, actor, argument, now)
        case AppointmentButton(data):
            outcome = await appointments.coach_tap(session, desk, actor, data, now)
        case Write():
            outcome = await _write(session, desk, actor, address, event, now)
        case Unknown():
            outcome = refused("unknown")
        case Help():
            outcome = reply(Outbound("staff.help"))
        case Dashboard():
            url = None
            if desk.dashboard_url:
                url = await make_login_link(session, desk.dashboard_url, actor.id, who, now)
            outcome = dashboard.sign_in_link(url)
    await apply(session, desk, outcome, now, actor=who, reply_to=reply_to)
    return outcome.tap


async def claim(
    session: AsyncSession, desk: Desk, actor: Person, case_id: int, now: datetime
) -> Outcome:
    """May it be tried; the atomic claim (one of two at once wins); what everyone hears."""
    offered = frozenset(await offered_staff(session, case_id=case_id))
    team = await reached(session, desk, now)
    me = team.team.get(actor.id)
    refusal = claims.may_try(actor, me, offered)
    if refusal is not None:
        if refusal.tap == Tap("unknown"):
            log.info("a claim on a case that was not offered was refused")
        return refusal
    if not await claim_case(session, case_id=case_id, staff_id=actor.id, now=now):
        return claims.lost()
    await arm_quiet_check(session, desk, case_id, now)
    # The claim is the storage's atomic claim, not a change of the outcome: recorded here.
    who = staff_actor(actor.role, actor.id)
    await record_audit(session, at=now, actor=who, action="claim", case_id=case_id)
    loaded = await load_case(session, desk, case_id)
    assert loaded is not None and loaded.card is not None
    notes: list[str] = []
    copies: list[Outbound] = []
    if me is not None:
        notes = await case_notes(session, case_id=case_id)
        kept = await kept_media(session, youngster_id=loaded.case.youngster_id)
        copies = for_coach(
            desk.content.questionnaire,
            case_id,
            loaded.case.pseudonym,
            kept,
            answers=loaded.card.shared,
            waiting=True,
        )
    outcome = claims.won(
        actor,
        me is not None,
        loaded.card,
        notes,
        copies,
        sorted(offered),
        journey=loaded.case.journey,
        now=now,
    )
    await apply(session, desk, outcome, now, actor=who, team=team)
    log.info("case %d claimed", case_id)
    return outcome


async def _queue(session: AsyncSession, desk: Desk, actor: Person, now: datetime) -> Outcome:
    found = await waiting(session, desk)
    team = (await reached(session, desk, now)).team
    return claims.queue_page(actor, found, team, now)


async def _hand_over(
    session: AsyncSession, desk: Desk, actor: Person, case_id: int, colleague_id: int | None
) -> Outcome:
    loaded = await load_case(session, desk, case_id)
    colleague = await staff_by_id(session, staff_id=colleague_id) if colleague_id else None
    them = person(colleague) if colleague is not None and colleague.active else None
    return life.hand_over(
        actor,
        loaded.case if loaded else None,
        them,
        loaded.card if loaded else None,
    )


async def accept(
    session: AsyncSession, desk: Desk, actor: Person, case_id: int, now: datetime
) -> Outcome:
    """A colleague accepts a warm hand-over (the Telegram button, the dashboard's)."""
    loaded = await load_case(session, desk, case_id)
    if loaded is None or loaded.case.coach_id is None:
        return refused("unknown")
    old = await staff_by_id(session, staff_id=loaded.case.coach_id)
    notes = await case_notes(session, case_id=case_id)
    return life.accept(actor, loaded.case, old.name if old else "", loaded.card, notes, now)


async def _case_meant(
    session: AsyncSession, desk: Desk, actor: Person, address: str, event: Inbound
) -> int | None:
    """The case of the message a staff member replies to, or else their current one."""
    if event.reply_to:
        tag = await tag_of(
            session, channel=desk.channel, address=address, message_id=event.reply_to
        )
        if (case_id := case_of_tag(tag)) is not None:
            return case_id
    return actor.current_case_id


async def _block(
    session: AsyncSession,
    desk: Desk,
    actor: Person,
    address: str,
    event: Inbound,
    reason: str,
    now: datetime,
) -> Outcome:
    case_id = await _case_meant(session, desk, actor, address, event)
    pair = await case_with_youngster(session, case_id=case_id) if case_id else None
    if pair is None:
        return block.block(actor, None, None, reason, now)
    return block.block(actor, facts(*pair), target_of(pair[1]), reason, now)


async def _write(
    session: AsyncSession, desk: Desk, actor: Person, address: str, event: Inbound, now: datetime
) -> Outcome:
    """A coach's message goes to the case the message they reply to belongs to, or else to
    their current conversation."""
    case_id = None
    if event.reply_to:
        tag = await tag_of(
            session, channel=desk.channel, address=address, message_id=event.reply_to
        )
        case_id = case_of_tag(tag)
    case = await case_only(session, case_id or actor.current_case_id)
    media = (
        MediaRef(desk.channel, address, event.message_id, event.media)
        if event.kind == "media"
        else None
    )
    wrote = (
        case is not None
        and media is None
        and await coach_wrote_before(session, case_id=case.id, staff_id=actor.id)
    )
    return talk.write(actor, case, text=event.text, media=media, wrote_before=wrote, now=now)
