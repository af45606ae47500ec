"""A coach proposes: `/afspraak [mode] [moment] [link] [@ place]` on their current
conversation, or the quick picks. Two steps, like a claim: `start` reads what was asked (a
`Draft`, or an answer when there is nothing to draft), the service stores the draft, and
`drafted` proposes the moment or offers the picks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from flows.appointments.facts import COACH, MODES, Appointment, AppointmentRules, Draft, Parties
from flows.appointments.moments import parse_moment, read_local
from flows.appointments.pick import moment_picked
from flows.appointments.says import day_buttons, mode_buttons
from flows.case import WITH_COACH
from flows.coaching.effects import Outcome, refused, to_staff
from flows.coaching.facts import CaseFacts, Person
from flows.messages import Outbound, Ref
from flows.state import Tap

_URL = re.compile(r"https?://\S+")
LONGEST = 300  # characters of a link or a place typed in the dashboard's form


def mode_words(texts: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Every language's words for each mode (`appointment.words.<mode>`), and the mode's own
    name: any of them works for anyone."""
    found = {mode: mode for mode in MODES}
    for flat in texts.values():
        for mode in MODES:
            for word in flat.get(f"appointment.words.{mode}", "").split():
                found[word.lower()] = mode
    return found


def start(
    actor: Person,
    case: CaseFacts | None,
    argument: str,
    mode_words: Mapping[str, str],
    now: datetime,
    rules: AppointmentRules,
) -> Outcome | Draft:
    """/afspraak on the current conversation (`case`, checked by life.current). Without
    words: which kind of meeting (buttons). A link makes it a video call, words after "@" a
    place; the first word may name the mode ("video", "bellen", "meet", ...)."""
    if case is None:
        return Outcome((to_staff(actor.id, Outbound("open.none_current")),))
    text = argument.strip()
    if not text:
        ask = Outbound("appointment.ask_mode", {"pseudonym": case.pseudonym}, mode_buttons(case.id))
        return Outcome((to_staff(actor.id, ask),))
    text, _, place = text.partition("@")
    link = ""
    if found := _URL.search(text):
        link, text = found.group(0), (text[: found.start()] + text[found.end() :])
    words = text.split()
    mode = mode_words.get(words[0].lower()) if words else None
    if mode is not None:
        words = words[1:]
    else:
        mode = "video" if link else ("meet" if place.strip() else "chat")
    typed = " ".join(words)
    starts_at = parse_moment(typed, now, rules.timezone) if typed else None
    return Draft(case.id, mode, link, place.strip(), starts_at, typed)


def planned(
    actor: Person,
    case: CaseFacts | None,
    asked: Mapping[str, str],
    now: datetime,
    rules: AppointmentRules,
) -> Draft | str:
    """A proposal filled in at once (the dashboard's form: `mode`, `at` from a date-time
    field or `words` typed as after /afspraak, `link`, `place`), or why not: "unknown",
    "stale", "not_understood" (no moment in it) or "past". Nothing is drafted without a
    moment still to come, so the coach fixes the form instead of picking in Telegram."""
    if case is None or case.coach_id != actor.id:
        return "unknown"
    if case.state not in WITH_COACH:
        return "stale"
    mode = asked.get("mode", "")
    if mode not in MODES:
        return "unknown"
    starts_at = moment_asked(asked, now, rules)
    if starts_at is None:
        return "not_understood"
    if starts_at <= now:
        return "past"
    link = asked.get("link", "").strip() if mode == "video" else ""
    place = asked.get("place", "").strip() if mode == "meet" else ""
    if link and not _URL.fullmatch(link):
        return "link"
    return Draft(case.id, mode, link[:LONGEST], place[:LONGEST], starts_at)


def moment_asked(
    asked: Mapping[str, str], now: datetime, rules: AppointmentRules
) -> datetime | None:
    """The moment a form names: its date-time field, else its typed words (as /afspraak
    reads them), in UTC."""
    if at := asked.get("at", "").strip():
        return read_local(at, rules.timezone)
    typed = asked.get("words", "").strip()
    return parse_moment(typed, now, rules.timezone) if typed else None


def new(actor: Person, case: CaseFacts | None, mode: str) -> Outcome | Draft:
    """A tap on a mode (after /afspraak, or "📅 Nieuw voorstel"): a draft, picked next."""
    if case is None or case.coach_id != actor.id:
        return refused("unknown")
    if case.state not in WITH_COACH:
        return refused("stale")
    return Draft(case.id, mode)


def drafted(
    parties: Parties, appointment: Appointment, draft: Draft, now: datetime, rules: AppointmentRules
) -> Outcome:
    """The draft is stored: propose the moment typed, or offer the days to pick from (saying
    why when the words were no moment, or one already past)."""
    case = parties.case
    assert case.coach_id is not None
    if draft.starts_at is not None and draft.starts_at > now:
        return moment_picked(COACH, parties, appointment, draft.starts_at, now, rules)
    if draft.starts_at is not None:
        key = "appointment.past"
    elif draft.typed:
        key = "appointment.not_understood"
    else:
        key = "appointment.pick_day"
    ask = Outbound(key, {"pseudonym": case.pseudonym}, day_buttons(appointment.id, now, rules))
    return Outcome(
        (to_staff(case.coach_id, ask),),
        tap=Tap("answered", Ref(f"appointment.mode.{draft.mode}")),
    )
