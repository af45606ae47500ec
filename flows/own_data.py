"""/mijngegevens: everything Klik keeps about a youngster, in their own language, as a message
and as a file to download (the same text). Pure: the service reads the facts (`Kept`) and the
intake, this says them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flows.appointments.facts import Appointment
from flows.appointments.machine import DRAFT
from flows.appointments.says import what, when
from flows.case import ACTIVE, CLOSED, PAUSED, QUEUED
from flows.content import Questionnaire
from flows.messages import Outbound, Param, Ref, When
from flows.state import Intake, Rules
from flows.summary import summary_lines

BLANK = Ref("raw", {"text": ""})


@dataclass(frozen=True)
class Kept:
    """What the intake does not hold but /mijngegevens tells: since when the youngster is
    known, how many messages their conversations keep, and when the last one ended (None:
    one is still open, or there never was one)."""

    since: datetime
    messages: int
    ended: datetime | None
    appointments: tuple[Appointment, ...] = ()  # every one of their cases', drafts left out


def overview(
    questionnaire: Questionnaire, rules: Rules, intake: Intake, kept: Kept
) -> list[Outbound]:
    """The message and the file: who they are to Klik, their answers (every word), who may
    read them, their conversation, how many messages are kept and until when."""
    sections: list[Ref] = [
        Ref("mydata.pseudonym", {"pseudonym": intake.pseudonym}),
        Ref("mydata.chat"),
        Ref(
            "mydata.since",
            {
                "since": When(kept.since, "date"),
                "language": Ref("language.name", language=intake.language),
            },
        ),
        BLANK,
        *_answers(questionnaire, intake),
        BLANK,
        _case(intake, kept),
        *_appointments(kept),
    ]
    signal = intake.case.signal if intake.case and intake.case.signal else intake.signal
    if signal is not None:
        sections.append(
            Ref("mydata.signal", {"category": Ref(f"crisis.category.{signal.category}")})
        )
    sections += _retention(rules, intake, kept)
    if intake.case is not None:  # "klikte het?" is asked when a case closes
        sections.append(Ref("mydata.feedback"))
    sections.append(Ref("mydata.stats"))
    params: dict[str, Param] = {"sections": sections}
    return [
        Outbound("mydata.text", params),
        Outbound("mydata.text", params, document="mydata.file"),
    ]


def _answers(questionnaire: Questionnaire, intake: Intake) -> list[Ref]:
    """Every answer in full (not cut short as on the summary), then who may read them."""
    lines = list(summary_lines(questionnaire, intake, limit=None))
    # The reach answers (flows/reach.py) are for the statistics, not on the coach's summary,
    # but kept all the same: the youngster sees them here.
    lines += [
        Ref(
            "summary.line",
            {"label": Ref(f"reach.{r.id}.label"), "value": Ref(f"opt.{r.id}.{answer.choice}")},
        )
        for r in questionnaire.reach
        if (answer := intake.answers.get(r.id)) is not None and answer.choice
    ]
    case = intake.case
    if case is None:
        seen = Ref("mydata.seen_none")
    elif not case.shared:
        seen = Ref("mydata.seen_pending")
    else:
        seen = Ref("mydata.seen_shared")
    if not lines:
        return [Ref("mydata.no_answers"), BLANK, seen]
    return [Ref("mydata.answers"), *lines, BLANK, seen]


def _case(intake: Intake, kept: Kept) -> Ref:
    """Where their conversation stands, with their coach's first name."""
    case = intake.case
    if case is None:
        return Ref("mydata.case_none")
    coach = case.coach
    if case.state == QUEUED:
        return Ref("mydata.case_queued", {"since": When(case.queued_at, "date")})
    if case.state == ACTIVE and coach:
        return Ref("mydata.case_active", {"coach": coach})
    if case.state == PAUSED and coach:
        return Ref("mydata.case_paused", {"coach": coach})
    closed = When(kept.ended or case.queued_at, "date")
    if case.state == CLOSED and coach:
        return Ref("mydata.case_closed", {"coach": coach, "closed": closed})
    return Ref("mydata.case_ended", {"closed": closed})


def _appointments(kept: Kept) -> list[Ref]:
    """Each appointment: when, what kind (with its link or place) and how it stands."""
    return [
        Ref(
            "mydata.appointment",
            {
                "when": when(appointment),
                "what": what(appointment),
                "state": Ref(f"appointment.state.{appointment.state}"),
            },
        )
        for appointment in kept.appointments
        if appointment.starts_at is not None and appointment.state != DRAFT
    ]


def _retention(rules: Rules, intake: Intake, kept: Kept) -> list[Ref]:
    """How long what they wrote stays: an intake nobody finished goes after
    RETENTION_INTAKE_DAYS without a message, a closed case's messages RETENTION_CLOSED_CASE_DAYS
    after it closed (also a case they left the queue of, while they pause)."""
    closed: list[Ref] = []
    if kept.ended is not None and kept.messages:
        until = When(kept.ended + timedelta(days=rules.retention.closed_case_days), "date")
        closed = [Ref("mydata.messages_closed", {"count": kept.messages, "until": until})]
    if intake.case is None:
        last = intake.last_seen or kept.since
        until = When(last + timedelta(days=rules.retention.intake_days), "date")
        return [Ref("mydata.intake_until", {"until": until}), *closed]
    if intake.case.state in (QUEUED, ACTIVE, PAUSED) or kept.ended is None:
        return [
            Ref(
                "mydata.messages_open",
                {"count": kept.messages, "days": rules.retention.closed_case_days},
            )
        ]
    until = When(kept.ended + timedelta(days=rules.retention.closed_case_days), "date")
    return [Ref("mydata.messages_closed", {"count": kept.messages, "until": until})]
