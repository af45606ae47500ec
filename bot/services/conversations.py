"""The relay at work: once a coach has a case, messages go both ways through the bot.

The rules (labels, intro, media copies, reply tags) are in flows/relay.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from bot.services.staff_desk import StaffDesk
from flows.case import PAUSED, WITH_COACH, after
from flows.media import COPY
from flows.messages import Button, Inbound, MediaRef, Outbound, Ref
from flows.relay import (
    case_of_tag,
    from_coach,
    from_youngster,
    media_from_coach,
    media_from_youngster,
)
from flows.state import Signal
from storage.models import Case, CaseMessage, Staff, Youngster
from storage.outbox import tag_of
from storage.queue import (
    active_cases_of,
    case_with_youngster,
)


class Conversations(StaffDesk):
    """Carries messages between a youngster and their coach, and tells a writer about a loss."""

    async def from_youngster(
        self,
        session: AsyncSession,
        *,
        youngster_id: str,
        texts: list[str],
        media: MediaRef | None,
        now: datetime,
        signal: Signal | None = None,
    ) -> None:
        """Carry what a youngster wrote (or sent) to the coach who has their case, with the
        crisis signal it carried, if any."""
        pair = await self._open_case(session, youngster_id)
        if pair is None:
            return
        case, youngster, _ = pair
        if case.coach_id is None or case.id is None:
            return
        messages = [from_youngster(case.id, youngster.pseudonym, text, signal) for text in texts]
        if media:
            messages += media_from_youngster(case.id, youngster.pseudonym, media)
            session.add(
                CaseMessage(case_id=case.id, sender="youngster", text="[media]", created_at=now)
            )
        # During a warm hand-over the previous coach reads along until the new one has written.
        for staff_id in (case.coach_id, case.previous_coach_id):
            if staff_id is not None:
                await self._to_staff(session, staff_id, messages, now)

    async def _from_coach(
        self, session: AsyncSession, staff: Staff, address: str, event: Inbound, now: datetime
    ) -> None:
        """Carry a coach's message to the youngster of the case it belongs to."""
        case_id = None
        if event.reply_to:
            tag = await tag_of(
                session, channel=self.channel, address=address, message_id=event.reply_to
            )
            case_id = case_of_tag(tag)
        case_id = case_id or staff.current_case_id
        pair = await case_with_youngster(session, case_id=case_id) if case_id else None
        if (
            pair is None
            or staff.id not in (pair[0].coach_id, pair[0].previous_coach_id)
            or pair[0].state not in WITH_COACH
        ):
            await self._send(
                session, address, self._language(staff), [Outbound("relay.which_case")], now
            )
            return
        case, youngster = pair
        assert case.id is not None
        if case.state == PAUSED:
            case.state = after(PAUSED, "resume")  # writing again ends the pause
        if event.kind == "media":
            messages = media_from_coach(
                case.id, staff.name, MediaRef(self.channel, address, event.message_id, event.media)
            )
            text = "[media]"
        else:
            first = not await self._coach_wrote_before(session, case.id, staff.id)
            text = event.text
            messages = [from_coach(case.id, staff.name, staff.intro, text, first=first)]
            if first and case.previous_coach_id is not None and staff.id == case.coach_id:
                await self._handover_done(session, case, youngster, staff, now)
        session.add(
            CaseMessage(
                case_id=case.id, sender="coach", staff_id=staff.id, text=text, created_at=now
            )
        )
        staff.current_case_id = case.id
        await self._to_youngster(session, youngster, messages, now)

    async def delivery_failed(
        self, session: AsyncSession, *, message: Outbound, now: datetime
    ) -> None:
        """A relayed message will never arrive: tell whoever wrote it. A kept voice note or
        photo that cannot be copied (the youngster deleted it): tell the coach."""
        head, _, rest = message.tag.partition(":")
        if message.key == COPY and head == "case" and rest.isdigit():
            pair = await case_with_youngster(session, case_id=int(rest))
            if pair is not None and pair[0].coach_id is not None:
                gone = Outbound("media.gone", {"pseudonym": pair[1].pseudonym})
                await self._to_staff(session, pair[0].coach_id, [gone], now)
            return
        if (
            not message.key.startswith("relay.")
            or head not in ("case", "relay")
            or not rest.isdigit()
        ):
            return
        case_id = int(rest)
        pair = await case_with_youngster(session, case_id=case_id)
        if pair is None or pair[0].coach_id is None:
            return
        youngster, coach_id = pair[1], pair[0].coach_id
        if message.tag.startswith("case:"):  # it was on its way to the coach
            notice = Outbound("relay.undelivered_to_coach")
            await self._to_youngster(session, youngster, [notice], now)
            return
        notice = Outbound("relay.undelivered_to_youngster", {"pseudonym": youngster.pseudonym})
        await self._to_staff(session, coach_id, [notice], now)

    async def _open(
        self, session: AsyncSession, staff: Staff, address: str, which: str, now: datetime
    ) -> None:
        """/open lists a coach's conversations; /open Sam-4821 (or a tap) picks one."""
        assert staff.id is not None
        mine = await active_cases_of(session, staff_id=staff.id)
        chosen = next(
            (
                case
                for case, youngster in mine
                if which in (youngster.pseudonym.lower(), str(case.id))
            ),
            None,
        )
        language = self._language(staff)
        if chosen is not None and chosen.id is not None:
            staff.current_case_id = chosen.id
            pseudonym = next(y.pseudonym for c, y in mine if c.id == chosen.id)
            await self._send(
                session, address, language, [Outbound("open.now", {"pseudonym": pseudonym})], now
            )
            return
        if not mine:
            await self._send(session, address, language, [Outbound("open.none")], now)
            return
        buttons = tuple(
            (Button(Ref("raw", {"text": youngster.pseudonym}), f"open:{case.id}"),)
            for case, youngster in mine
        )
        await self._send(
            session, address, language, [Outbound("open.choose", buttons=buttons)], now
        )

    async def _coach_wrote_before(
        self, session: AsyncSession, case_id: int, staff_id: int | None
    ) -> bool:
        query = select(col(CaseMessage.id)).where(
            col(CaseMessage.case_id) == case_id,
            col(CaseMessage.sender) == "coach",
            col(CaseMessage.staff_id) == staff_id,
        )
        return (await session.execute(query.limit(1))).first() is not None

    async def _handover_done(
        self, session: AsyncSession, case: Case, youngster: Youngster, staff: Staff, now: datetime
    ) -> None:
        """The new coach said hello: the previous one can step out."""
        previous = case.previous_coach_id
        case.previous_coach_id = None
        if previous is not None:
            done = Outbound(
                "handover.done", {"colleague": staff.name, "pseudonym": youngster.pseudonym}
            )
            await self._to_staff(session, previous, [done], now)
