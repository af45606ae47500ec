"""The youngster's commands, at every step: /status, /stop (pause or erase), /opnieuw,
/andere_coach, /mijngegevens (what Klik keeps), /vergeet (erase everything, once confirmed)
and /help. Pure, like the rest of the intake."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flows.case import CLOSED, PAUSED, WITH_COACH, WITHDRAWN
from flows.media import leave_queue
from flows.messages import Button, Outbound, Param, Ref, When
from flows.sla import promised_within
from flows.state import AGE, QUEUED, CaseView, Intake, Rules, Stat, Step, Tap

if TYPE_CHECKING:
    from flows.intake import IntakeFlow


def coaches_back(rules: Rules, now: datetime) -> When | None:
    """Outside service hours: when coaches are back, in words near to now ("morgen om
    09:00"); None while they are around."""
    local = now.astimezone(rules.timezone)
    back = None if rules.service_hours.is_open(local) else rules.service_hours.next_opening(local)
    if back is None:
        return None
    style = {0: "today", 1: "tomorrow"}.get((back.date() - local.date()).days, "back")
    return When(back, style)


def queued_confirm(rules: Rules, now: datetime, deadline: datetime) -> Outbound:
    """The "you are in the queue" message with the deadline; outside service hours it also says
    when coaches are back, so the two cannot contradict each other (both count open hours)."""
    back = coaches_back(rules, now)
    if back is None:
        return Outbound("queued.confirm", {"deadline": When(deadline)})
    return Outbound("queued.confirm_closed", {"deadline": When(deadline), "back": back})


def when_back(rules: Rules, now: datetime) -> list[Outbound]:
    """Outside service hours: a message saying when coaches are back."""
    back = coaches_back(rules, now)
    return [] if back is None else [Outbound("queued.outside_hours", {"back": back})]


def erase(step: Step, intake: Intake) -> None:
    """Erase everything kept (the service deletes the rows and tells the coaches who read
    along). Said honestly: what was already delivered to a coach's own Telegram chat Klik
    cannot delete; the coach is asked to."""
    step.stats.append(Stat("erased", intake.state))
    step.intake, step.forget = None, True
    case = intake.case
    if case is not None and case.coach and case.state != WITHDRAWN and case.coach_reachable:
        step.outbound.append(Outbound("forget.done_coach", {"coach": case.coach}, erasure=True))
    elif case is not None and case.coach and case.state != WITHDRAWN:  # the coach has left
        step.outbound.append(Outbound("forget.done_coach_gone", erasure=True))
    elif case is not None and case.state == QUEUED:  # offered to coaches already
        step.outbound.append(Outbound("forget.done_queued", erasure=True))
    else:
        step.outbound.append(Outbound("forget.done", erasure=True))


class Commands:
    """What each command does for a youngster, wherever they are."""

    def __init__(self, flow: IntakeFlow) -> None:
        self.flow = flow

    def command(self, step: Step, command: str, now: datetime) -> None:
        """Run a typed command (its word from content/texts, any language); unknown ones get
        the help."""
        command = self.flow.words.action(command) or ""
        if command == "status":
            self.status(step, now)
        elif command == "stop":
            self._stop(step)
        elif command == "restart":
            self._restart(step)
        elif command == "other_coach":
            self._other_coach(step)
        elif command == "mydata":
            if step.intake is None:
                step.outbound.append(Outbound("mydata.nothing"))  # nothing kept before consent
            else:
                step.own_data = True  # the service reads what is kept and calls flows/own_data
        elif command == "forget":
            self._forget(step)
        else:  # help, and any command we do not know
            within = promised_within(self.flow.rules)
            step.outbound.append(Outbound("help.text", {"promise": within}))

    def _other_coach(self, step: Step) -> None:
        """/andere_coach: back in the queue with priority; the coach is told."""
        intake = step.intake
        if intake is None:
            step.outbound.append(Outbound("status.new"))  # nothing kept: the way in is /start
            return
        case = intake.case
        if case is None or not case.coach or case.state not in WITH_COACH:
            step.outbound.append(Outbound("case.no_coach_yet"))
            return
        step.case_change = "switch"
        step.stats.append(Stat("coach_switch"))
        step.outbound.append(Outbound("case.switching", {"coach": case.coach}))

    def status(self, step: Step, now: datetime) -> None:
        """/status: where the youngster stands, in words."""
        intake = step.intake
        if intake is None:
            step.outbound.append(Outbound("status.new"))
        elif intake.state == QUEUED and intake.case is not None and intake.case.coach:
            key = {PAUSED: "status.case_paused", CLOSED: "status.case_closed"}.get(
                intake.case.state, "status.with_coach"
            )
            step.outbound.append(Outbound(key, {"coach": intake.case.coach}))
        elif intake.state == QUEUED and intake.case is not None:
            step.outbound.append(self._queued_status(intake.case, now))
        elif intake.paused:
            step.outbound.append(Outbound("status.paused"))
        elif intake.state == AGE:
            step.outbound.append(Outbound("status.age"))
        elif (question := self.flow.question_at(intake.state)) is not None:
            progress = self.flow.progress(question)
            step.outbound.append(Outbound("status.intake", {"progress": progress}))
        else:
            step.outbound.append(Outbound("status.summary"))

    def _queued_status(self, case: CaseView, now: datetime) -> Outbound:
        """Waiting: since when and the deadline that was told, or that it is late; outside
        service hours also when coaches are back, in the same message."""
        key = "status.queued_late" if now >= case.deadline else "status.queued"
        params: dict[str, Param] = {"since": When(case.queued_at), "deadline": When(case.deadline)}
        back = coaches_back(self.flow.rules, now)
        if back is not None:
            key, params["back"] = f"{key}_closed", back
        return Outbound(key, params)

    def _stop(self, step: Step) -> None:
        intake = step.intake
        if intake is None:
            step.outbound.append(Outbound("stop.nothing"))
            return
        key = "stop.ask_queued" if intake.state == QUEUED else "stop.ask"
        step.outbound.append(
            Outbound(
                key,
                buttons=(
                    (Button(Ref("stop.keep"), "stop:keep"),),
                    (Button(Ref("stop.delete"), "stop:delete"),),
                    (Button(Ref("stop.cancel"), "stop:cancel"),),
                ),
            )
        )

    def tapped(self, step: Step, head: str, value: str, now: datetime) -> None:
        """A tap on /stop's or /vergeet's question."""
        if head == "forget":
            self.forget_choice(step, value)
        else:
            self.stop_choice(step, value, now)

    def stop_choice(self, step: Step, value: str, now: datetime) -> None:
        """A tap on /stop's question: keep and pause, erase everything, or carry on."""
        intake = step.intake
        assert intake is not None
        if value == "keep":
            step.tap = Tap("answered", Ref("stop.keep"))
            if intake.state == QUEUED:
                self.flow.move(intake, "withdraw")
                intake.case = None
                leave_queue(intake)
                step.case_change = "withdraw"
                step.outbound.append(Outbound("stop.left_queue"))
            else:
                step.outbound.append(Outbound("stop.kept"))
            intake.paused = True
            step.stats.append(Stat("paused", intake.state))
        elif value == "delete":
            step.tap = Tap("answered", Ref("stop.delete"))
            erase(step, intake)
        elif value == "cancel":
            step.tap = Tap("answered", Ref("stop.cancel"))
            intake.paused = False
            step.outbound.append(Outbound("stop.cancelled"))
            if intake.state == QUEUED:
                self.status(step, now)
            else:
                self.flow.ask(step)
        else:
            step.tap = Tap("unknown")

    def _forget(self, step: Step) -> None:
        """/vergeet: erase everything, but only after a plain yes (nothing can bring it back)."""
        if step.intake is None:
            step.outbound.append(Outbound("stop.nothing"))
            return
        step.outbound.append(
            Outbound(
                "forget.ask",
                buttons=(
                    (Button(Ref("forget.yes"), "forget:yes"),),
                    (Button(Ref("forget.no"), "forget:no"),),
                ),
            )
        )

    def forget_choice(self, step: Step, value: str) -> None:
        """A tap on /vergeet's question: erase everything, or keep it all."""
        intake = step.intake
        assert intake is not None
        if value == "yes":
            step.tap = Tap("answered", Ref("forget.yes"))
            erase(step, intake)
        elif value == "no":
            step.tap = Tap("answered", Ref("forget.no"))
            step.outbound.append(Outbound("forget.kept"))
        else:
            step.tap = Tap("unknown")

    def _restart(self, step: Step) -> None:
        intake = step.intake
        if intake is None:
            self.flow.doorway.welcome(step, step.language, "")
            return
        if not self.flow.can(intake, "restart"):
            step.outbound.append(Outbound("restart.queued"))
            return
        self.flow.move(intake, "restart")
        intake.answers.clear()
        intake.media.clear()
        intake.age_band = None
        intake.paused = False
        step.stats.append(Stat("restarted"))
        step.outbound.append(Outbound("restart.done"))
        self.flow.ask(step)
