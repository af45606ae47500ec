"""Reading and writing a youngster's intake: the youngster row, contact, answers and case.

Functions take the caller's session and never commit: the conversation service owns the
transaction, so "answer saved + case queued + reply queued" is one atomic step.
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, literal, null, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from flows.case import OPEN, WITHDRAWN
from flows.messages import MediaRef
from flows.pseudonyms import make_pseudonym
from flows.state import Answer, CaseView, Intake, KeptMedia, MediaNote, Signal
from storage.deferred import insert_rows, update_row
from storage.models import (
    Case,
    Contact,
    IntakeAnswer,
    IntakeMedia,
    Staff,
    Youngster,
    table_of,
    utc,
)
from storage.sealing import lookups
from storage.youngster_read import Found


async def find_youngster(
    session: AsyncSession, *, channel: str, address: str, lock: bool = True
) -> Youngster | None:
    """The youngster behind a channel address, locked for this transaction on PostgreSQL."""
    query = (
        select(Youngster)
        .join(Contact, col(Contact.youngster_id) == col(Youngster.id))
        .where(col(Contact.channel) == channel, col(Contact.address_key).in_(lookups(address)))
    )
    if lock:
        query = query.with_for_update(of=Youngster)
    return (await session.execute(query)).scalar_one_or_none()


async def get_youngster_by_pseudonym(session: AsyncSession, *, pseudonym: str) -> Youngster | None:
    """The youngster with this pseudonym, if any."""
    query = select(Youngster).where(col(Youngster.pseudonym) == pseudonym)
    return (await session.execute(query)).scalar_one_or_none()


async def current_case_of(session: AsyncSession, *, youngster_id: str) -> Case | None:
    """The youngster's newest case that they did not withdraw, closed ones included."""
    query = select(Case).where(col(Case.youngster_id) == youngster_id, col(Case.state) != WITHDRAWN)
    return (await session.execute(query.order_by(col(Case.id).desc()).limit(1))).scalars().first()


async def find_contact(session: AsyncSession, *, youngster_id: str) -> Contact | None:
    """Where to reach a youngster."""
    query = select(Contact).where(col(Contact.youngster_id) == youngster_id)
    return (await session.execute(query)).scalar_one_or_none()


async def open_case_of(session: AsyncSession, *, youngster_id: str) -> Case | None:
    """The youngster's case while it waits for or has a coach."""
    query = select(Case).where(col(Case.youngster_id) == youngster_id, col(Case.state).in_(OPEN))
    return (await session.execute(query.order_by(col(Case.id).desc()).limit(1))).scalars().first()


# Inline inserts: no id is read back (a single row would otherwise ask for it).
_ADD_ANSWERS = insert(table_of(IntakeAnswer)).inline()
_ADD_CONTACT = insert(table_of(Contact)).inline()
_answers = table_of(IntakeAnswer)
_youngsters = table_of(Youngster)


# Answers and kept media in one round trip; a media row has its message id, an answer none.
_ANSWERS_AND_MEDIA: Any = union_all(
    select(
        col(IntakeAnswer.question),
        col(IntakeAnswer.choice),
        col(IntakeAnswer.text),
        null().label("message_id"),
        null().label("kind"),
        literal(0).label("id"),
    ).where(col(IntakeAnswer.youngster_id) == bindparam("youngster")),
    select(
        col(IntakeMedia.question),
        null(),
        col(IntakeMedia.caption),
        col(IntakeMedia.message_id),
        col(IntakeMedia.kind),
        col(IntakeMedia.id),
    ).where(col(IntakeMedia.youngster_id) == bindparam("youngster")),
)


async def load_intake(
    session: AsyncSession,
    *,
    youngster: Youngster,
    current: tuple[Case | None, str | None] | None = None,
    rows: list[tuple[Any, ...]] | None = None,
    coach_reachable: bool = True,
) -> Intake:
    """The intake as the flow sees it, from the youngster's rows. `current`: their current
    case and its coach's name, and `rows`: their answers and kept media, when the caller read
    them already (find_youngster_with_case), with `coach_reachable`: whether that coach is
    still active."""
    if rows is None:
        result = await session.execute(_ANSWERS_AND_MEDIA, {"youngster": youngster.id})
        rows = [tuple(row) for row in result.all()]
    answers: dict[str, Answer] = {}
    kept: list[tuple[int, MediaNote]] = []
    for question, choice, text, message_id, kind, number in rows:
        if message_id is None:
            answers[question] = Answer(choice, text)
        else:
            kept.append((number, MediaNote(message_id, kind, question, text)))
    media = [note for _, note in sorted(kept, key=lambda item: item[0])]
    if current is None:
        case = await current_case_of(session, youngster_id=youngster.id)
        coach = await session.get(Staff, case.coach_id) if case and case.coach_id else None
        current = case, coach.name if coach else None
        coach_reachable = coach is not None and coach.active
    case, coach_name = current
    view = None
    if case is not None:
        view = CaseView(
            utc(case.queued_at),
            utc(case.deadline),
            case.urgent,
            coach_name,
            case.state,
            Signal.parse(case.signal),
            case.shared,
            coach_reachable,
        )
    return Intake(
        state=youngster.state,
        language=youngster.language,
        pseudonym=youngster.pseudonym,
        source=youngster.source,
        age_band=youngster.age_band,
        answers=answers,
        paused=youngster.paused,
        safety=youngster.safety,
        last_seen=utc(youngster.last_seen),
        case=view,
        signal=Signal.parse(youngster.signal),
        media=media,
        feedback=youngster.feedback,
        asked=youngster.crisis_asked,
    )


async def load_found(session: AsyncSession, found: Found) -> Intake:
    """The intake of a youngster read with their case (find_youngster_with_case)."""
    return await load_intake(
        session,
        youngster=found.youngster,
        current=(found.case, found.coach),
        rows=found.kept,
        coach_reachable=found.coach_reachable,
    )


async def create_youngster(
    session: AsyncSession,
    *,
    channel: str,
    address: str,
    intake: Intake,
    now: datetime,
    rng: random.Random,
) -> Youngster:
    """Create a youngster with a fresh, unused pseudonym, and their contact."""
    pseudonym = make_pseudonym(rng)
    while await get_youngster_by_pseudonym(session, pseudonym=pseudonym) is not None:
        pseudonym = make_pseudonym(rng)
    youngster = Youngster(
        id=secrets.token_hex(16),
        pseudonym=pseudonym,
        language=intake.language,
        state=intake.state,
        source=intake.source,
        age_band=intake.age_band,
        paused=intake.paused,
        safety=intake.safety,
        signal=intake.signal.stored if intake.signal is not None else None,
        journey=secrets.token_hex(16),
        created_at=now,
        last_seen=intake.last_seen or now,
    )
    session.add(youngster)
    await session.flush()
    await session.execute(
        _ADD_CONTACT,
        [{"youngster_id": youngster.id, "channel": channel, "address": address}],
    )
    intake.pseudonym = pseudonym
    return youngster


async def save_intake(
    session: AsyncSession,
    *,
    youngster: Youngster,
    intake: Intake,
    before: Intake | None,
    also: dict[str, object] | None = None,
) -> None:
    """Write the intake back: the youngster row, and whichever answers and kept media changed.
    `also`: more columns of the youngster's row, written in the same statement."""
    wanted: dict[str, object] = {
        "state": intake.state,
        "language": intake.language,
        "source": intake.source,
        "age_band": intake.age_band,
        "paused": intake.paused,
        "safety": intake.safety,
        "signal": intake.signal.stored if intake.signal is not None else None,
        "feedback": intake.feedback,
        "crisis_asked": intake.asked,
    }
    if intake.last_seen is not None:
        wanted["last_seen"] = intake.last_seen
    changed = {name: value for name, value in wanted.items() if getattr(youngster, name) != value}
    changed.update(also or {})
    if changed:
        # A Core UPDATE of the changed columns, not the ORM's unit of work: that costs more CPU
        # than the statement; kept for the commit with the update's other writes
        # (storage/deferred.py). The loaded row learns the values as saved, so whoever reads it
        # later in this transaction sees them, and the ORM writes nothing again.
        await update_row(session, _youngsters, {"id": youngster.id}, changed)
        for name, value in changed.items():
            set_committed_value(youngster, name, value)
    old = before.answers if before else {}
    gone = [question for question in old if question not in intake.answers]
    if gone:
        await session.execute(
            delete(IntakeAnswer).where(
                col(IntakeAnswer.youngster_id) == youngster.id, col(IntakeAnswer.question).in_(gone)
            )
        )
    added = [
        {
            "youngster_id": youngster.id,
            "question": question,
            "choice": answer.choice,
            "text": answer.text,
        }
        for question, answer in intake.answers.items()
        if question not in old
    ]
    if added:
        # A Core insert: no ORM objects and no ids read back; kept for the commit.
        await insert_rows(session, _answers, added, _ADD_ANSWERS)
    for question, answer in intake.answers.items():
        was = old.get(question)
        if was is None or was == answer:
            continue
        # Only what changed: a changed choice does not seal the unchanged text again.
        values: dict[str, str | None] = {}
        if was.choice != answer.choice:
            values["choice"] = answer.choice
        if was.text != answer.text:
            values["text"] = answer.text
        keys = {"youngster_id": youngster.id, "question": question}
        await update_row(session, _answers, keys, values)
    await _save_media(session, youngster_id=youngster.id, media=intake.media, before=before)


async def _save_media(
    session: AsyncSession, *, youngster_id: str, media: list[MediaNote], before: Intake | None
) -> None:
    old = {note.ref: note for note in (before.media if before else [])}
    kept = {note.ref: note for note in media}
    gone = [ref for ref in old if ref not in kept]
    if gone:
        await session.execute(
            delete(IntakeMedia).where(
                col(IntakeMedia.youngster_id) == youngster_id, col(IntakeMedia.message_id).in_(gone)
            )
        )
    added = [
        {
            "youngster_id": youngster_id,
            "message_id": ref,
            "kind": note.kind,
            "question": note.question,
            "caption": note.caption,
        }
        for ref, note in kept.items()
        if ref not in old
    ]
    if added:
        await session.execute(insert(table_of(IntakeMedia)).inline(), added)
    for ref, note in kept.items():
        if ref in old and old[ref].question != note.question:
            await session.execute(
                update(IntakeMedia)
                .where(
                    col(IntakeMedia.youngster_id) == youngster_id,
                    col(IntakeMedia.message_id) == ref,
                )
                .values(question=note.question)
            )


async def kept_media(session: AsyncSession, *, youngster_id: str) -> list[KeptMedia]:
    """The youngster's kept media, oldest first, each with the reference a channel copies it
    by (Outbound.copy): channel and address read from the youngster's contact, so the chat id
    stays in one table."""
    query = (
        select(IntakeMedia, col(Contact.channel), col(Contact.address))
        .join(Contact, col(Contact.youngster_id) == col(IntakeMedia.youngster_id))
        .where(col(IntakeMedia.youngster_id) == youngster_id)
        .order_by(col(IntakeMedia.id))
    )
    return [
        KeptMedia(
            MediaNote(row.message_id, row.kind, row.question, row.caption),
            MediaRef(channel, address, row.message_id, row.kind),
        )
        for row, channel, address in (await session.execute(query)).all()
    ]
