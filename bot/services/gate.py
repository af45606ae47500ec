"""What a youngster wrote, on its way to their coach, through the flood limit: counted
(flows/flood.py), kept in their case, and passed on one by one, or held and passed on together
once it is calm again. A crisis is never held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.recent import RecentCounts
from bot.services.staff import StaffService
from flows.case import OPEN, WITH_COACH
from flows.coaching.block import answer_once, ignored
from flows.coaching.talk import MEDIA_NOTE
from flows.command_words import CommandWords
from flows.flood import COUNTED, WINDOW, Flood, Window, counted, counted_early
from flows.messages import Inbound, MediaRef, Outbound
from flows.state import Step
from storage.blocks import note_block_told
from storage.db import Database
from storage.flood import calm_floods, hold_case_messages, save_flood
from storage.models import Case, Youngster, utc
from storage.youngster_cases import add_case_messages

DEFAULT_LIMIT = 20  # messages a minute per youngster (setting FLOOD_PER_MINUTE)


def crisis_in(step: Step) -> bool:
    """The event carried a crisis signal or an alert: never held, never hushed."""
    return step.raised is not None or step.signal is not None or step.alert is not None


@dataclass(frozen=True)
class Written:
    """One youngster's event as it reaches the coach: who, what, from where."""

    youngster_id: str
    step: Step
    event: Inbound
    channel: str
    address: str
    current: Case | None  # their case as read with the event; None after a change to it


class Gate:
    """The flood limit for youngsters' events; counts before consent stay in this process."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self.early = RecentCounts(WINDOW)

    async def count(
        self,
        session: AsyncSession,
        youngster: Youngster | None,
        *,
        key: str,
        event: Inbound,
        step: Step,
        now: datetime,
        save: bool = True,
    ) -> Flood:
        """Count the event against the limit, on the youngster's row once they consented.
        `save` False: the caller writes the new count with the rest of the row, in one
        statement (`flood_columns`)."""
        crisis, continued = crisis_in(step), event.continued
        if youngster is None:
            # A later part of a long text was counted with its first part (flows/flood.py).
            counts = self.early.count if continued else self.early.add
            seen = counts(key, now) if event.kind in COUNTED else 0
            return counted_early(
                event.kind, seen, limit=self.limit, crisis=crisis, continued=continued
            )
        before = window_of(youngster)
        flood = counted(
            before, kind=event.kind, now=now, limit=self.limit, crisis=crisis, continued=continued
        )
        if flood.window != before and save:
            window = flood.window
            await save_flood(
                session,
                youngster=youngster,
                since=window.since,
                count=window.count,
                held=window.held,
            )
        return flood


def window_of(youngster: Youngster) -> Window:
    """The flood minute as the youngster's row keeps it."""
    return Window(
        utc(youngster.flood_since) if youngster.flood_since else None,
        youngster.flood_count,
        youngster.flood_held,
    )


def flood_columns(youngster: Youngster | None, flood: Flood) -> dict[str, object]:
    """The youngster's flood columns to write, if the count changed them (`count(save=False)`)."""
    window = flood.window
    if youngster is None or window == window_of(youngster):
        return {}
    return {"flood_since": window.since, "flood_count": window.count, "flood_held": window.held}


def _holding(written: Written, flood: Flood) -> bool:
    """Above the limit with a coach on the case: the words are held, not relayed one by one."""
    current = written.current
    return (
        flood.over
        and current is not None
        and current.id is not None
        and current.coach_id is not None
        and current.state in WITH_COACH
    )


async def keep_words(
    session: AsyncSession,
    matchteam: StaffService | None,
    written: Written,
    flood: Flood,
    now: datetime,
) -> None:
    """Keep what was written in the case: held above the limit; what was held before goes to
    the coach first, once the youngster writes in a calmer minute."""
    step, current = written.step, written.current
    if flood.release and matchteam is not None:
        await matchteam.release_held(session, youngster_id=written.youngster_id, now=now)
    if _holding(written, flood) and matchteam is not None:
        assert current is not None and current.id is not None
        texts = step.notes_for_coach + ([MEDIA_NOTE] if step.media_for_coach else [])
        await hold_case_messages(session, case_id=current.id, texts=texts, now=now)
    elif step.notes_for_coach:
        # The case read with the youngster is still their open one unless this step changed it.
        known = current if current is not None and current.state in OPEN else None
        await add_case_messages(
            session,
            youngster_id=written.youngster_id,
            texts=step.notes_for_coach,
            now=now,
            case_id=known.id if known else None,
        )


async def relay_words(
    session: AsyncSession,
    matchteam: StaffService,
    written: Written,
    flood: Flood,
    now: datetime,
) -> None:
    """Relay what was written to the coach; above the limit, tell the coach once instead."""
    step, event = written.step, written.event
    if _holding(written, flood):
        if flood.first:
            await matchteam.flood_started(session, youngster_id=written.youngster_id, now=now)
        return
    if step.notes_for_coach or step.media_for_coach:
        await matchteam.from_youngster(
            session,
            youngster_id=written.youngster_id,
            texts=step.notes_for_coach,
            media=(
                MediaRef(written.channel, written.address, event.message_id, event.media)
                if step.media_for_coach
                else None
            ),
            now=now,
            signal=step.signal,
        )


async def screen_blocked(
    session: AsyncSession,
    matchteam: StaffService | None,
    youngster: Youngster | None,
    event: Inbound,
    step: Step,
    now: datetime,
    words: CommandWords,
) -> list[Outbound] | None:
    """A blocked youngster's words are not handled: the one kind answer, then nothing (the
    replies returned; the event is otherwise dropped). None: handled as usual, because they are
    not blocked, or it is a command or a tap, or it carries a crisis (then the team leads hear
    of it too)."""
    if youngster is None or youngster.blocked_at is None:
        return None
    crisis = crisis_in(step)
    action = words.action(event.command) if event.kind == "command" else None
    if not ignored(event.kind, crisis=crisis, action=action):
        if crisis and matchteam is not None:
            signal = step.signal or step.raised
            await matchteam.blocked_in_crisis(
                session, pseudonym=youngster.pseudonym, signal=signal, now=now
            )
        return None
    told = youngster.block_told  # read first: the write below updates the loaded row too
    if not told:
        await note_block_told(session, youngster_id=youngster.id)
    return answer_once(told)


async def release_calm(db: Database, matchteam: StaffService, now: datetime) -> int:
    """Pass on the held messages of every youngster whose flood minute is over, even if they
    write nothing more; each once, whichever worker finds them. Returns how many youngsters."""
    async with db.transaction() as session:
        ids = await calm_floods(session, before=now - WINDOW)
        for youngster_id in ids:
            await matchteam.release_held(session, youngster_id=youngster_id, now=now)
    return len(ids)
