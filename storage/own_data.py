"""A youngster's own data: what is kept about them (/mijngegevens) and erasing all of it
(/vergeet, /stop → "Wis alles").

Erasing deletes every row that identifies them or holds their words, in the caller's
transaction: youngster, contact, answers, media references, cases, case messages (the
coach's too), offers, guard steps, appointments and their due rows, replies not yet
delivered (to them, and to staff about them), the message ids kept for their chat, and the
updates of their chat not yet handled; on the web chat also its history, photos, files and
continue codes (storage/web_chat.py).
Anonymous statistics stay: their journey key goes with the youngster row, so nothing links
them any more. After the commit, `Database.after_erasure` clears the freed pages (SQLite).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.case import OPEN
from flows.own_data import Kept
from storage.appointments import facts_of, forget_appointments
from storage.case_work import forget_case_work
from storage.inbox import HANDLED
from storage.models import (
    Appointment,
    Case,
    CaseMessage,
    Contact,
    GuardStep,
    InboxEvent,
    IntakeAnswer,
    IntakeMedia,
    Offer,
    OutboxMessage,
    SentMessage,
    Staff,
    Youngster,
    utc,
)
from storage.outbox import message_of
from storage.sealing import lookups
from storage.web_chat import forget_web_chat

WEB = "web"  # the web chat's channel: its history, photos and codes are found by address too


async def kept_about(session: AsyncSession, *, youngster: Youngster) -> Kept:
    """What /mijngegevens tells beside the intake: since when, how many case messages, and
    when their last case ended (None while one is open)."""
    case_ids = select(col(Case.id)).where(col(Case.youngster_id) == youngster.id)
    count = select(func.count()).where(col(CaseMessage.case_id).in_(case_ids))
    messages = (await session.execute(count)).scalar_one()
    cases = select(col(Case.state), col(Case.closed_at)).where(
        col(Case.youngster_id) == youngster.id
    )
    rows = (await session.execute(cases)).all()
    ended = None
    if rows and not any(state in OPEN for state, _ in rows):
        closed = [utc(at) for _, at in rows if at is not None]
        ended = max(closed) if closed else None
    planned = select(Appointment).where(col(Appointment.case_id).in_(case_ids))
    ordered = planned.order_by(col(Appointment.starts_at), col(Appointment.id))
    appointments = tuple(facts_of(row) for row in (await session.execute(ordered)).scalars())
    return Kept(utc(youngster.created_at), int(messages), ended, appointments)


@dataclass(frozen=True)
class Address:
    """Where a youngster was reached: a channel and the address on it (a chat id)."""

    channel: str
    address: str


async def forget_youngster(session: AsyncSession, *, youngster_id: str) -> None:
    """Erase everything kept about a youngster (see the module's docstring); the reply that
    says so is queued after this, so it still goes out, and is deleted once delivered."""
    contact = (
        await session.execute(select(Contact).where(col(Contact.youngster_id) == youngster_id))
    ).scalar_one_or_none()
    pseudonym = (
        await session.execute(
            select(col(Youngster.pseudonym)).where(col(Youngster.id) == youngster_id)
        )
    ).scalar_one_or_none()
    query = select(col(Case.id)).where(col(Case.youngster_id) == youngster_id)
    case_ids = [i for i in (await session.execute(query)).scalars() if i is not None]
    if pseudonym is not None:
        await _forget_staff_copies(session, pseudonym=pseudonym, case_ids=case_ids)
    await session.execute(delete(CaseMessage).where(col(CaseMessage.case_id).in_(case_ids)))
    await forget_case_work(session, case_ids=case_ids)
    await session.execute(delete(Offer).where(col(Offer.case_id).in_(case_ids)))
    await session.execute(delete(GuardStep).where(col(GuardStep.case_id).in_(case_ids)))
    await forget_appointments(session, case_ids=case_ids)
    await session.execute(
        update(Staff).where(col(Staff.current_case_id).in_(case_ids)).values(current_case_id=None)
    )
    await session.execute(delete(Case).where(col(Case.youngster_id) == youngster_id))
    await session.execute(
        delete(IntakeAnswer).where(col(IntakeAnswer.youngster_id) == youngster_id)
    )
    await session.execute(delete(IntakeMedia).where(col(IntakeMedia.youngster_id) == youngster_id))
    await session.execute(
        delete(OutboxMessage).where(col(OutboxMessage.youngster_id) == youngster_id)
    )
    await session.execute(delete(Contact).where(col(Contact.youngster_id) == youngster_id))
    if contact is not None:
        await forget_chat(session, Address(contact.channel, contact.address))
    await session.execute(delete(Youngster).where(col(Youngster.id) == youngster_id))


async def forget_chat(session: AsyncSession, chat: Address) -> None:
    """Every row found by the chat's address, in one place (found by the keyed hash of the
    address: the address itself is sealed): the message ids delivered
    there, replies still queued for it, and its updates not handled yet, which become
    handled (their id stays against a redelivery; their chat and text go, as for any
    handled update)."""
    keys = lookups(chat.address)
    sent = (col(SentMessage.channel) == chat.channel) & col(SentMessage.address_key).in_(keys)
    await session.execute(delete(SentMessage).where(sent))
    queued = (col(OutboxMessage.channel) == chat.channel) & col(OutboxMessage.address_key).in_(keys)
    await session.execute(delete(OutboxMessage).where(queued))
    await session.execute(
        update(InboxEvent)
        .where(
            col(InboxEvent.pending),
            col(InboxEvent.channel) == chat.channel,
            col(InboxEvent.address_key).in_(keys),
        )
        .values(HANDLED)
    )
    if chat.channel == WEB:
        await forget_web_chat(session, address=chat.address)


async def _forget_staff_copies(
    session: AsyncSession, *, pseudonym: str, case_ids: list[int]
) -> None:
    """Replies to staff not delivered yet that carry the youngster's words or name: offers,
    relayed messages, summaries. Found by reading them (the outbox is small: it deletes what
    it delivered), so a payload kept encrypted is found all the same. The message ids kept in
    coaches' chats stay: they hold no words, and a coach's reply to one of them must still
    be known as a reply to a case that is gone, not go to whoever they talk to now."""
    tags = {f"{kind}:{case_id}" for case_id in case_ids for kind in ("case", "offer", "relay")}
    rows = (await session.execute(select(OutboxMessage))).scalars().all()
    gone = []
    for row in rows:
        message = message_of(row)
        if message.tag in tags or message.edit in tags or pseudonym in repr(message):
            gone.append(row.id)
    if gone:
        await session.execute(delete(OutboxMessage).where(col(OutboxMessage.id).in_(gone)))
