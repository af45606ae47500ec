"""The matchteam: who is told about a waiting youngster, what they see, and claiming.

Pure rules. Coaches choose whom they pick up (PRODUCT.md principle 8), helped by the
suggestions of flows/matching.py; an urgent case goes to every available coach and the team
leads at once. A coach sees the pseudonym and what the youngster agreed to share, nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flows.matching import CoachProfile, WaitingCase, suggest
from flows.messages import Button, Duration, Joined, Outbound, Param, Ref, When
from flows.state import Intake, Signal

SUGGESTED = 3  # coaches told about an ordinary case; the rest see it with /wachtrij
CLAIM = "claim"


@dataclass(frozen=True)
class CaseCard:
    """A waiting case as a coach sees it."""

    case_id: int
    pseudonym: str
    urgent: bool
    queued_at: datetime
    deadline: datetime
    lines: tuple[Ref, ...]  # the summary the youngster agreed to share, long texts cut short
    safety: str | None = None
    full_lines: tuple[Ref, ...] = ()  # the same, with every word: for the coach who claims
    signal: Signal | None = None  # the latest crisis signal: what fired, never the words
    shared: bool = True  # False: the youngster is still checking what the coach may read


@dataclass(frozen=True)
class Notice:
    """One staff member to tell about a case, and why them."""

    staff_id: int
    reasons: tuple[Ref, ...] = ()


def waiting_case(case_id: int, intake: Intake, *, priority: bool = False) -> WaitingCase:
    """The matching view of a youngster's intake and case."""
    assert intake.case is not None
    checkins = {
        question: int(answer.choice)
        for question, answer in intake.answers.items()
        if answer.choice is not None and answer.choice.isdigit() and len(answer.choice) == 1
    }

    def chosen(preference: str) -> str | None:
        answer = intake.answers.get(preference)
        return answer.choice if answer is not None else None

    return WaitingCase(
        case_id=case_id,
        urgent=intake.case.urgent,
        priority=priority,
        queued_at=intake.case.queued_at,
        deadline=intake.case.deadline,
        language=intake.language,
        checkins=checkins,
        coach_gender=chosen("coach_gender"),
        coach_language=chosen("coach_language"),
        contact_mode=chosen("contact_mode"),
        region=chosen("region"),
    )


def who_to_tell(
    case: WaitingCase,
    coaches: Sequence[CoachProfile],
    team_leads: Sequence[int],
    *,
    already_told: frozenset[int] = frozenset(),
) -> list[Notice]:
    """The best-matching available coaches; for an urgent case every one, and the team leads."""
    limit = len(coaches) if case.urgent else SUGGESTED
    notices = [Notice(s.coach_id, s.reasons) for s in suggest(case, coaches, limit=limit)]
    if case.urgent:
        notices += [Notice(lead) for lead in team_leads]
    return [notice for notice in notices if notice.staff_id not in already_told]


def who_to_alert(
    case: WaitingCase,
    coaches: Sequence[CoachProfile],
    team_leads: Sequence[int],
    *,
    offered: frozenset[int],
) -> list[Notice]:
    """A crisis: every available coach with room (best match first), every team lead, and
    whoever was offered the case before, told again (they may be about to pick it up)."""
    notices = [Notice(s.coach_id, s.reasons) for s in suggest(case, coaches, limit=len(coaches))]
    notices += [Notice(lead) for lead in team_leads]
    known = {coach.coach_id for coach in coaches} | set(team_leads)
    told = {notice.staff_id for notice in notices}
    notices += [Notice(staff_id) for staff_id in sorted(offered - told) if staff_id in known]
    return notices


def card_lines(card: CaseCard) -> list[Ref]:
    """What a coach reads of a waiting case: the signal and the safety answer first, then the
    answers the youngster shares (or that they are still checking them)."""
    first: list[Ref] = []
    if card.signal is not None:
        first.append(card.signal.words())
    if card.safety in ("no", "unsure"):
        first.append(Ref(f"offer.safety_{card.safety}"))
    if not card.shared:
        return [*first, Ref("offer.answers_pending", {"pseudonym": card.pseudonym})]
    if card.lines:
        return [*first, *card.lines]
    return first or [Ref("offer.nothing_shared")]


def offer(card: CaseCard, reasons: tuple[Ref, ...] = (), *, most_urgent: bool = False) -> Outbound:
    """The message offering a case, with the button to claim it. `most_urgent`: the youngster
    said they are not safe, or do not know."""
    params: dict[str, Param] = {
        "pseudonym": card.pseudonym,
        "since": When(card.queued_at),
        "deadline": When(card.deadline),
        "lines": card_lines(card),
        "why": Joined(reasons) if reasons else Ref("offer.no_reasons"),
    }
    key = "offer.urgent" if card.urgent else "offer.new"
    return Outbound(
        "offer.most_urgent" if most_urgent else key,
        params,
        ((Button(Ref("offer.claim"), f"{CLAIM}:{card.case_id}"),),),
        tag=f"offer:{card.case_id}",
    )


def reminder(card: CaseCard, reasons: tuple[Ref, ...], left: Duration, *, lead: bool) -> Outbound:
    """An offer again, now saying how little time is left (to team leads: an alert)."""
    first = offer(card, reasons)
    params = {**first.params, "left": left}
    return Outbound(
        "offer.alert" if lead else "offer.reminder", params, first.buttons, tag=first.tag
    )


def taken(card: CaseCard, coach_name: str) -> Outbound:
    """What an offer becomes once somebody else claimed the case."""
    return Outbound(
        "offer.taken",
        {"pseudonym": card.pseudonym, "coach": coach_name},
        edit=f"offer:{card.case_id}",
    )


def claimed(
    card: CaseCard, notes: Sequence[str], copies: Sequence[Outbound] = ()
) -> list[Outbound]:
    """What the coach who claimed gets: the case is theirs, what was written, copies of the
    voice notes, photos and files kept for them (flows/media.py), say hello."""
    messages = [
        Outbound("offer.yours", {"pseudonym": card.pseudonym}, edit=f"offer:{card.case_id}"),
    ]
    if not card.shared:
        messages.append(Outbound("claim.pending", {"pseudonym": card.pseudonym}))
    elif card.full_lines and (card.full_lines != card.lines or card.urgent):
        # The offer cut long texts short, or (urgent) was an alert without the answers:
        # whoever takes the case reads every word.
        messages.append(shared_summary(card))
    if notes:
        messages.append(
            Outbound(
                "claim.notes",
                {"pseudonym": card.pseudonym, "notes": [Ref("raw", {"text": n}) for n in notes]},
            )
        )
    messages += copies
    messages.append(Outbound("claim.introduce", {"pseudonym": card.pseudonym}))
    return messages


def shared_summary(card: CaseCard) -> Outbound:
    """Every word the youngster shares, for the coach who has the case."""
    return Outbound("claim.summary", {"pseudonym": card.pseudonym, "lines": list(card.full_lines)})


def may_claim(role: str, capacity: int, active_cases: int) -> bool:
    """Caseloads stay manageable: a coach claims only below their capacity; a team lead always
    may (an urgent youngster must never wait for a free place)."""
    return role != "coach" or active_cases < capacity


def claim_target(data: str) -> int | None:
    """The case id in a claim button's data, or None for anything else."""
    head, _, rest = data.partition(":")
    return int(rest) if head == CLAIM and rest.isdigit() and len(rest) < 12 else None
