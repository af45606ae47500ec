"""The matchteam: who is told about a waiting youngster, what they see, and claiming.

Pure rules. Coaches choose whom they pick up (PRODUCT.md principle 8), helped by the
suggestions of flows/matching.py; an urgent case goes to every available coach and the team
leads at once. A coach sees the pseudonym and what the youngster agreed to share, nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flows.intake import Intake
from flows.matching import CoachProfile, WaitingCase, suggest
from flows.messages import Button, Duration, Joined, Outbound, Param, Ref, When

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


def offer(card: CaseCard, reasons: tuple[Ref, ...] = ()) -> Outbound:
    """The message offering a case, with the button to claim it."""
    params: dict[str, Param] = {
        "pseudonym": card.pseudonym,
        "since": When(card.queued_at),
        "deadline": When(card.deadline),
        "lines": list(card.lines) if card.lines else [Ref("offer.nothing_shared")],
        "why": Joined(reasons) if reasons else Ref("offer.no_reasons"),
    }
    if card.safety in ("no", "unsure"):
        params["lines"] = [Ref(f"offer.safety_{card.safety}"), *card.lines]
    return Outbound(
        "offer.urgent" if card.urgent else "offer.new",
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


def claimed(card: CaseCard, notes: Sequence[str]) -> list[Outbound]:
    """What the coach who claimed gets: the case is theirs, what was written, say hello."""
    messages = [
        Outbound("offer.yours", {"pseudonym": card.pseudonym}, edit=f"offer:{card.case_id}"),
    ]
    if card.full_lines and card.full_lines != card.lines:
        # The offer cut long texts short; whoever takes the case reads every word.
        messages.append(
            Outbound("claim.summary", {"pseudonym": card.pseudonym, "lines": list(card.full_lines)})
        )
    if notes:
        messages.append(
            Outbound(
                "claim.notes",
                {"pseudonym": card.pseudonym, "notes": [Ref("raw", {"text": n}) for n in notes]},
            )
        )
    messages.append(Outbound("claim.introduce", {"pseudonym": card.pseudonym}))
    return messages


def may_claim(role: str, capacity: int, active_cases: int) -> bool:
    """Caseloads stay manageable: a coach claims only below their capacity; a team lead always
    may (an urgent youngster must never wait for a free place)."""
    return role != "coach" or active_cases < capacity


def claim_target(data: str) -> int | None:
    """The case id in a claim button's data, or None for anything else."""
    head, _, rest = data.partition(":")
    return int(rest) if head == CLAIM and rest.isdigit() and len(rest) < 12 else None
