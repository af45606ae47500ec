"""The youngster as an update finds them: their row (locked), their current case and its
coach's first name (and whether that coach is still active), and their answers and kept
media, all in one statement. The answers and
media come as JSON built by the database (storage/json_rows.py), in the form
`storage.intakes.load_intake` reads them, so that it needs no statement of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from flows.case import WITHDRAWN
from storage.json_rows import json_rows, read_rows
from storage.models import Case, Contact, IntakeAnswer, IntakeMedia, Staff, Youngster
from storage.sealing import lookup_binding, matches_lookup, ring


@dataclass(frozen=True)
class Found:
    """A youngster, locked, with their current case and its coach's first name: what the
    conversation service needs of them, read in one statement."""

    youngster: Youngster
    case: Case | None
    coach: str | None
    kept: list[tuple[Any, ...]]  # their answers and kept media, as `load_intake` reads them
    coach_reachable: bool = True  # the coach is active (a deactivated one has no chat)


# Built once: building a statement costs more CPU than running a cached one, on every update.
_NEWEST_CASE = (
    select(func.max(col(Case.id)))
    .where(col(Case.youngster_id) == col(Youngster.id), col(Case.state) != WITHDRAWN)
    .correlate(Youngster)
    .scalar_subquery()
)
# The youngster's answers and kept media, as JSON in the same row: no second round trip.
THEIR_ANSWERS = (
    select(json_rows(col(IntakeAnswer.question), col(IntakeAnswer.choice), col(IntakeAnswer.text)))
    .where(col(IntakeAnswer.youngster_id) == col(Youngster.id))
    .correlate(Youngster)
    .scalar_subquery()
)
THEIR_MEDIA = (
    select(
        json_rows(
            col(IntakeMedia.question),
            col(IntakeMedia.caption),
            col(IntakeMedia.message_id),
            col(IntakeMedia.kind),
            col(IntakeMedia.id),
        )
    )
    .where(col(IntakeMedia.youngster_id) == col(Youngster.id))
    .correlate(Youngster)
    .scalar_subquery()
)
# One for a chat with one lookup hash, one for several (storage/sealing.py matches_lookup).
_YOUNGSTER_WITH_CASE = {
    several: select(Youngster, Case, col(Staff.name), col(Staff.active), THEIR_ANSWERS, THEIR_MEDIA)
    .join(Contact, col(Contact.youngster_id) == col(Youngster.id))
    .outerjoin(Case, col(Case.id) == _NEWEST_CASE)
    .outerjoin(Staff, col(Staff.id) == col(Case.coach_id))
    .where(col(Contact.channel) == bindparam("channel"))
    .where(matches_lookup(col(Contact.address_key), several=several))
    .with_for_update(of=Youngster)
    for several in (False, True)
}


async def find_youngster_with_case(
    session: AsyncSession, *, channel: str, address: str
) -> Found | None:
    """The youngster behind a channel address (locked on PostgreSQL), their newest case that
    they did not withdraw, its coach's name, and their answers and kept media: one statement
    instead of four. On PostgreSQL the row must be locked by an earlier statement of the
    transaction (storage/arrival.py), or the answers may predate another update's commit."""
    several, keys = lookup_binding(address)
    params = {"channel": channel, "keys": keys}
    row = (await session.execute(_YOUNGSTER_WITH_CASE[several], params)).first()
    if row is None:
        return None
    youngster, case, coach, active, answers, media = row
    return Found(youngster, case, coach, kept_rows(answers, media), active is not False)


def kept_rows(answers: str | None, media: str | None) -> list[tuple[Any, ...]]:
    """THEIR_ANSWERS and THEIR_MEDIA as `load_intake` reads rows. As the sealed columns read
    them: the JSON holds the stored, sealed values."""
    kept = [(q, choice, _opened(text), None, None, 0) for q, choice, text in read_rows(answers)]
    kept += [
        (q, None, _opened(caption), message_id, kind, number)
        for q, caption, message_id, kind, number in read_rows(media)
    ]
    return kept


def _opened(value: str | None) -> str | None:
    return None if value is None else ring().open(value)
