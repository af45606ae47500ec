"""The relay's rules: once a coach has a case, messages go both ways through the bot.

Which conversation a coach's message belongs to, who reads along during a hand-over, what a
writer hears when a message can never arrive. The messages themselves are built by
flows/relay.py; media travels as a channel-neutral `MediaRef`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flows.case import PAUSED, WITH_COACH, after
from flows.coaching.effects import (
    Change,
    CountStat,
    EndHandover,
    MoveCase,
    NoteMessage,
    Outcome,
    Send,
    SetCurrent,
    reply,
    to_staff,
    to_youngster,
)
from flows.coaching.facts import CaseFacts, Person
from flows.media import COPY
from flows.messages import Button, MediaRef, Outbound, Ref
from flows.queue import CaseCard, shared_summary
from flows.relay import (
    from_coach,
    from_youngster,
    media_from_coach,
    media_from_youngster,
    to_coach_tag,
)
from flows.state import Signal, Stat

MEDIA_NOTE = "[media]"  # what the case history keeps of a photo, voice note or file


def open_conversation(actor: Person, which: str, mine: Sequence[CaseFacts]) -> Outcome:
    """/open lists a coach's conversations; /open Sam-4821 (or a tap) picks one."""
    chosen = next((c for c in mine if which in (c.pseudonym.lower(), str(c.id))), None)
    if chosen is not None:
        outcome = reply(Outbound("open.now", {"pseudonym": chosen.pseudonym}))
        return Outcome(outcome.sends, (SetCurrent(actor.id, chosen.id),))
    if not mine:
        return reply(Outbound("open.none"))
    buttons = tuple((Button(Ref("raw", {"text": c.pseudonym}), f"open:{c.id}"),) for c in mine)
    return reply(Outbound("open.choose", buttons=buttons))


def write(
    actor: Person,
    case: CaseFacts | None,
    *,
    text: str,
    media: MediaRef | None,
    wrote_before: bool,
    now: datetime,
) -> Outcome:
    """A coach's message (or media) for the youngster of `case`: the case their reply
    answers, else their current one. Writing ends a pause; the first message carries the
    coach's intro, and ends a warm hand-over for the previous coach."""
    if case is None or actor.id not in case.holders or case.state not in WITH_COACH:
        return reply(Outbound("relay.which_case"))
    changes: list[Change] = []
    sends: list[Send] = []
    if case.state == PAUSED:
        changes.append(MoveCase(case.id, PAUSED, after(PAUSED, "resume")))
    if media is not None:
        messages = media_from_coach(case.id, actor.name, media)
        kept = MEDIA_NOTE
    else:
        first = not wrote_before
        kept = text
        messages = [from_coach(case.id, actor.name, actor.intro, text, first=first)]
        if first:
            # This coach's first words in the case: the funnel's "first coach message".
            changes.append(CountStat(case.journey, Stat("coach_first_message"), now))
        if first and case.previous_coach_id is not None and actor.id == case.coach_id:
            changes.append(EndHandover(case.id))
            done = Outbound("handover.done", {"colleague": actor.name, "pseudonym": case.pseudonym})
            sends.append(to_staff(case.previous_coach_id, done))
    changes += [
        NoteMessage(case.id, "coach", kept, now, staff_id=actor.id),
        SetCurrent(actor.id, case.id),
    ]
    sends.append(to_youngster(case.youngster_id, *messages))
    return Outcome(tuple(sends), tuple(changes))


def to_coach(
    case: CaseFacts | None,
    texts: Sequence[str],
    media: MediaRef | None,
    signal: Signal | None,
    now: datetime,
) -> Outcome:
    """What a youngster wrote (or sent) goes to the coach who has the case, with the crisis
    signal it carried; during a warm hand-over the previous coach reads along."""
    if case is None or case.coach_id is None:
        return Outcome()
    messages = [from_youngster(case.id, case.pseudonym, text, signal) for text in texts]
    changes: tuple[NoteMessage, ...] = ()
    if media is not None:
        messages += media_from_youngster(case.id, case.pseudonym, media)
        changes = (NoteMessage(case.id, "youngster", MEDIA_NOTE, now),)
    return Outcome(tuple(to_staff(s, *messages) for s in case.holders), changes)


def flood_started(case: CaseFacts | None) -> Outcome:
    """The youngster went over the flood limit: the coach hears once that their messages are
    kept and come together, instead of a ping for each (flows/flood.py)."""
    if case is None or case.coach_id is None:
        return Outcome()
    notice = Outbound("relay.flood_started", {"pseudonym": case.pseudonym})
    return Outcome(tuple(to_staff(s, notice) for s in case.holders))


def held(case: CaseFacts | None, texts: Sequence[str]) -> Outcome:
    """What the youngster wrote above the flood limit, in one message (a reply to it goes to
    the case)."""
    if case is None or case.coach_id is None or not texts:
        return Outcome()
    message = Outbound(
        "relay.held",
        {"pseudonym": case.pseudonym, "count": len(texts), "text": "\n\n".join(texts)},
        tag=to_coach_tag(case.id),
    )
    return Outcome(tuple(to_staff(s, message) for s in case.holders))


def answers_shared(
    case: CaseFacts | None, card: CaseCard | None, copies: Sequence[Outbound]
) -> Outcome:
    """The youngster checked the summary of a case a crisis queued: a coach who already has
    the case reads it now (with the media kept with the answers)."""
    if case is None or case.coach_id is None or card is None:
        return Outcome()
    messages = (shared_summary(card), *copies)
    return Outcome(tuple(to_staff(s, *messages) for s in sorted(set(case.holders))))


def undelivered(message: Outbound, case: CaseFacts | None) -> Outcome:
    """A relayed message will never arrive: tell whoever wrote it. A kept voice note or photo
    that cannot be copied (the youngster deleted it): tell the coach. `case`: the case the
    message's tag names (`undelivered_case`)."""
    if case is None or case.coach_id is None:
        return Outcome()
    if message.key == COPY:
        gone = Outbound("media.gone", {"pseudonym": case.pseudonym})
        return Outcome((to_staff(case.coach_id, gone),))
    if message.tag.startswith("case:"):  # it was on its way to the coach
        return Outcome((to_youngster(case.youngster_id, Outbound("relay.undelivered_to_coach")),))
    notice = Outbound("relay.undelivered_to_youngster", {"pseudonym": case.pseudonym})
    return Outcome((to_staff(case.coach_id, notice),))


def undelivered_case(message: Outbound) -> int | None:
    """The case a message that can never arrive was about, if its writer must hear of it."""
    head, _, rest = message.tag.partition(":")
    if not rest.isdigit():
        return None
    if message.key == COPY:
        return int(rest) if head == "case" else None
    if message.key.startswith("relay.") and head in ("case", "relay"):
        return int(rest)
    return None
