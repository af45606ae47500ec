"""Which parameters the code fills in each text: the one list that both sides keep to.

Every `Outbound` and `Ref` is checked against it when it is built, so code that sends a text
with other parameters fails in the first test that builds it, and `klik check-content` checks
every text against it, so a "{deadline}" the code never fills is found before a youngster's
first message instead of as a KeyError during it. A text key that is not listed is sent
without parameters. A text is always sent with the same ones: a message that only sometimes
has a name to fill in is two texts.
"""

from __future__ import annotations

from collections.abc import Mapping

_OFFER = frozenset({"pseudonym", "since", "deadline", "lines", "why"})
_REMINDER = _OFFER | {"left"}
_SIGNAL = frozenset({"category", "level", "rule"})

PARAMETERS: Mapping[str, frozenset[str]] = {
    # the intake and the youngster's commands
    "welcome": frozenset({"promise", "not_us", "consent"}),
    # the dashboard: /dashboard in Telegram, and the web pages (bot/dashboard/)
    "dashboard.link": frozenset({"url", "minutes"}),
    "web.nav.sign_out": frozenset({"name"}),
    "web.queue.count": frozenset({"count"}),
    "web.queue.left": frozenset({"left"}),
    "web.queue.late": frozenset({"late"}),
    "web.staff.away_until": frozenset({"date"}),
    "web.staff.code": frozenset({"name", "code"}),
    "web.staff.refused": frozenset({"problem"}),
    # the web chat (bot/channels/web/)
    "chat.code_told": frozenset({"code"}),
    "chat.download": frozenset({"name"}),
    "help.text": frozenset({"promise"}),
    "promise.hours": frozenset({"hours"}),
    "promise.open_hours": frozenset({"hours"}),
    "age.too_young": frozenset({"min_age", "help_lines"}),
    "progress": frozenset({"n", "total"}),
    "intake.open": frozenset({"progress", "question"}),
    "intake.checkin": frozenset({"progress", "question"}),
    "intake.kept": frozenset({"question"}),
    "intake.answered": frozenset({"question", "answer"}),
    "raw": frozenset({"text"}),
    "summary.intro": frozenset({"lines", "pseudonym"}),
    "review.intro": frozenset({"lines", "pseudonym"}),
    "summary.line": frozenset({"label", "value"}),
    "summary.line_with_text": frozenset({"label", "value", "text"}),
    "summary.text_only": frozenset({"label", "text"}),
    "summary.remove": frozenset({"label"}),
    "summary.media": frozenset({"label", "media"}),
    "summary.media_under": frozenset({"media"}),
    "summary.media_caption": frozenset({"media", "caption"}),
    "media.kept": frozenset({"question"}),
    "media.numbered": frozenset({"kind", "n"}),
    "media.for_coach_at": frozenset({"pseudonym", "label"}),
    "media.for_coach_extra": frozenset({"pseudonym"}),
    "media.for_coach_waiting": frozenset({"pseudonym"}),
    "media.gone": frozenset({"pseudonym"}),
    "pref.region.value": frozenset({"area"}),
    "queued.confirm": frozenset({"deadline"}),
    "queued.outside_hours": frozenset({"back"}),
    "queued.confirm_closed": frozenset({"deadline", "back"}),
    "status.intake": frozenset({"progress"}),
    "status.queued": frozenset({"since", "deadline"}),
    "status.queued_late": frozenset({"since", "deadline"}),
    "status.queued_closed": frozenset({"since", "deadline", "back"}),
    "status.queued_late_closed": frozenset({"since", "deadline", "back"}),
    "status.with_coach": frozenset({"coach"}),
    "status.case_paused": frozenset({"coach"}),
    "status.case_closed": frozenset({"coach"}),
    "case.switching": frozenset({"coach"}),
    "forget.done_coach": frozenset({"coach"}),
    "mydata.text": frozenset({"sections"}),
    "mydata.pseudonym": frozenset({"pseudonym"}),
    "mydata.since": frozenset({"since", "language"}),
    "mydata.signal": frozenset({"category"}),
    "mydata.case_queued": frozenset({"since"}),
    "mydata.case_active": frozenset({"coach"}),
    "mydata.case_paused": frozenset({"coach"}),
    "mydata.case_closed": frozenset({"coach", "closed"}),
    "mydata.case_ended": frozenset({"closed"}),
    "mydata.messages_open": frozenset({"count", "days"}),
    "mydata.messages_closed": frozenset({"count", "until"}),
    "mydata.intake_until": frozenset({"until"}),
    "help_line.line": frozenset({"name", "contact", "text"}),
    # the crisis path
    "crisis.alert": frozenset({"help_lines"}),
    "crisis.friend": frozenset({"help_lines"}),
    "crisis.nobody_lines": frozenset({"help_lines"}),
    "crisis.worry": frozenset({"question", "help_lines"}),
    "crisis.told_coach": frozenset({"coach"}),
    "crisis.signal": _SIGNAL,
    "crisis.signal_friend": _SIGNAL,
    # the relay
    "relay.from_youngster": frozenset({"pseudonym", "text"}),
    "relay.flood_started": frozenset({"pseudonym"}),
    "block.done": frozenset({"pseudonym"}),
    "block.already": frozenset({"pseudonym"}),
    "block.not_blocked": frozenset({"pseudonym"}),
    "block.undone": frozenset({"pseudonym"}),
    "block.crisis": frozenset({"pseudonym", "signal"}),
    "block.crisis_alert": frozenset({"pseudonym"}),
    "block.notice": frozenset({"help_lines"}),
    "relay.held": frozenset({"pseudonym", "count", "text"}),
    "relay.from_youngster_signal": frozenset({"pseudonym", "signal", "text"}),
    "relay.from_coach": frozenset({"coach", "text"}),
    "relay.coach_hello": frozenset({"coach", "intro", "text"}),
    "relay.media_from_youngster": frozenset({"pseudonym"}),
    "relay.media_from_coach": frozenset({"coach"}),
    "relay.urgent": frozenset({"pseudonym", "signal"}),
    "relay.most_urgent": frozenset({"pseudonym", "answer", "signal"}),
    "relay.undelivered_to_youngster": frozenset({"pseudonym"}),
    # offers, claims and the guard
    "offer.new": _OFFER,
    "offer.urgent": _OFFER,
    "offer.most_urgent": _OFFER,
    "offer.reminder": _REMINDER,
    "offer.alert": _REMINDER,
    "offer.taken": frozenset({"pseudonym", "coach"}),
    "offer.yours": frozenset({"pseudonym"}),
    "offer.answers_pending": frozenset({"pseudonym"}),
    "claim.pending": frozenset({"pseudonym"}),
    "claim.notes": frozenset({"pseudonym", "notes"}),
    "claim.introduce": frozenset({"pseudonym"}),
    "claim.summary": frozenset({"pseudonym", "lines"}),
    "guard.late": frozenset({"help_lines"}),
    "queue.header": frozenset({"count"}),
    "match.speaks": frozenset({"language"}),
    "match.focus": frozenset({"domains"}),
    "match.domains.2": frozenset({"a", "b"}),
    "match.domains.3": frozenset({"a", "b", "c"}),
    "match.region": frozenset({"area"}),
    "match.places": frozenset({"used", "capacity"}),
    # a case's life, for the coach and the youngster
    "staff.linked": frozenset({"name"}),
    "open.now": frozenset({"pseudonym"}),
    "case.paused": frozenset({"coach"}),
    "case.paused_ok": frozenset({"pseudonym"}),
    "case.closed": frozenset({"coach"}),
    "case.closed_ok": frozenset({"pseudonym"}),
    "case.close_ask": frozenset({"pseudonym"}),
    "case.reopened": frozenset({"pseudonym"}),
    "case.switch_requested": frozenset({"pseudonym"}),
    "case.youngster_left": frozenset({"pseudonym"}),
    "case.youngster_erased": frozenset({"pseudonym"}),
    "case.handover": frozenset({"old", "new"}),
    "handover.choose": frozenset({"pseudonym"}),
    "handover.offer": frozenset({"coach", "pseudonym", "lines"}),
    "handover.asked": frozenset({"colleague", "pseudonym"}),
    "handover.accepted": frozenset({"colleague", "pseudonym"}),
    "handover.done": frozenset({"colleague", "pseudonym"}),
    # appointments (flows/appointments/)
    "appointment.what.video_link": frozenset({"link"}),
    "appointment.what.meet_place": frozenset({"place"}),
    "appointment.ics_summary": frozenset({"mode"}),
    "appointment.ics": frozenset({"calendar"}),
    "appointment.day.other": frozenset({"day"}),
    "appointment.hour": frozenset({"at"}),
    "appointment.ask_mode": frozenset({"pseudonym"}),
    "appointment.pick_day": frozenset({"pseudonym"}),
    "appointment.not_understood": frozenset({"pseudonym"}),
    "appointment.past": frozenset({"pseudonym"}),
    "appointment.pick_day_youngster": frozenset({"coach"}),
    "appointment.pick_hour": frozenset({"day"}),
    "appointment.sent": frozenset({"pseudonym", "when"}),
    "appointment.proposed": frozenset({"coach", "when", "what"}),
    "appointment.proposed_by_youngster": frozenset({"pseudonym", "when", "what"}),
    "appointment.asked": frozenset({"coach", "when"}),
    "appointment.other_asked": frozenset({"pseudonym"}),
    "appointment.coach_item": frozenset({"pseudonym", "when", "what", "state"}),
    "appointment.waiting": frozenset({"coach", "when", "what"}),
    "appointment.confirmed": frozenset({"coach", "when", "what"}),
    "appointment.confirmed_coach": frozenset({"pseudonym", "when", "what"}),
    "appointment.remind_set": frozenset({"choice"}),
    "appointment.yours": frozenset({"coach", "when", "what", "remind"}),
    "appointment.none_yours": frozenset({"coach"}),
    "appointment.cancelled_you": frozenset({"coach"}),
    "appointment.cancelled_by_youngster": frozenset({"pseudonym", "when"}),
    "appointment.cancelled_by_coach": frozenset({"coach", "when"}),
    "appointment.cancelled_ok": frozenset({"pseudonym", "when"}),
    "appointment.remind_evening": frozenset({"coach", "when", "what"}),
    "appointment.remind_hour": frozenset({"coach", "when", "what"}),
    "appointment.remind_coach": frozenset({"pseudonym", "when", "what"}),
    "appointment.check": frozenset({"pseudonym", "when"}),
    "appointment.missed_ok": frozenset({"pseudonym"}),
    "appointment.quiet": frozenset({"pseudonym", "days"}),
    "mydata.appointment": frozenset({"when", "what", "state"}),
}


def parameters(key: str) -> frozenset[str]:
    """The names the code fills in this text; none for a key that is not listed."""
    return PARAMETERS.get(key, frozenset())


def check_parameters(key: str, given: Mapping[str, object]) -> None:
    """Refuse a text sent with other parameters than the list above says, naming both."""
    declared = parameters(key)
    if set(given) != declared:
        raise ValueError(
            f"text {key!r} is sent with {sorted(given)} but flows/parameters.py lists "
            f"{sorted(declared)} for it: make them the same"
        )
