"""The intake's value types: what storage loads and saves, and what one event's step returns.

Kept apart from the rules (flows/intake.py, flows/safety.py) so both can use them, and so
storage depends on plain data only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from flows.hours import ServiceHours
from flows.messages import MediaRef, Outbound, Param, Ref
from flows.retention import Retention

CONSENT, AGE, SUMMARY, QUEUED = "consent", "age", "summary", "queued"
RESUME_AFTER = timedelta(hours=6)  # after this long away, say "welcome back" and re-ask

# The rule ids a crisis signal can carry (texts: crisis.rule.<id>): the rules of
# content/crisis.yaml, `model` (only the model beside the rules heard it) and `confirmed` (the
# youngster answered "Ja" or "Weet ik niet" to the worry question). `klik check-content` asks
# for the words of every rule in crisis.yaml; an id not listed here is still shown to the coach
# as `other`, so a rule added later can never break a message.
SIGNAL_RULES: tuple[str, ...] = (
    "means_intent",
    "place_intent",
    "act_now",
    "act_done",
    "plan",
    "wish",
    "ideation",
    "hopeless",
    "burden",
    "self_harm",
    "hurt_by_someone",
    "sexual",
    "secrecy",
    "neglect",
    "forced",
    "locked_in",
    "threat",
    "weapon",
    "no_place_tonight",
    "thrown_out",
    "losing_home",
    "word",
    "model",
    "confirmed",
    "other",
)
ACUTE, WORRY = "acute", "worry"


@dataclass(frozen=True)
class Signal:
    """What a crisis hit found, as the coach sees it: category, level and the rule that fired.

    Never the youngster's words. `about` is "self" or "friend" (somebody the youngster worries
    about); it is shown with the message that raised it but not kept on the case.
    """

    category: str
    level: str
    rule: str
    about: str = "self"

    @property
    def acute(self) -> bool:
        return self.level == ACUTE

    @property
    def stored(self) -> str:
        """The form kept on a case: "suicide:acute:means_intent"."""
        return f"{self.category}:{self.level}:{self.rule}"

    @classmethod
    def parse(cls, stored: str | None) -> Signal | None:
        """Read back `stored`; None for nothing or for a value that is not three parts."""
        parts = (stored or "").split(":")
        return cls(parts[0], parts[1], parts[2]) if len(parts) == 3 and all(parts) else None

    def words(self) -> Ref:
        """The signal in the coach's words: "signaal: zelfdoding, acuut: middel + voornemen"."""
        rule = self.rule if self.rule in SIGNAL_RULES else "other"
        params: dict[str, Param] = {
            "category": Ref(f"crisis.category.{self.category}"),
            "level": Ref(f"crisis.level.{self.level}"),
            "rule": Ref(f"crisis.rule.{rule}"),
        }
        return Ref("crisis.signal_friend" if self.about != "self" else "crisis.signal", params)


@dataclass(frozen=True)
class Alert:
    """The team must hear about this youngster now. With `safety` "no" or "unsure" (the
    answer to "Ben je nu veilig?") it is the most urgent alert there is."""

    signal: Signal | None
    safety: str | None = None

    @property
    def most_urgent(self) -> bool:
        return self.safety in ("no", "unsure")


@dataclass
class Answer:
    """What the youngster answered at one step: a tapped choice and/or their own words."""

    choice: str | None = None
    text: str = ""


@dataclass(frozen=True)
class MediaNote:
    """A voice note, photo, video or file the youngster sent for their coach: which kind, where
    it belongs and its caption. Klik keeps a way to copy it, never the file; what the channel
    needs for that stays in storage and bot/."""

    ref: str  # the channel's id of the message: names the item (in the summary's 🗑 buttons)
    kind: str  # voice, photo, video, video_note, audio, document (flows/media.py KEPT)
    question: str  # the question it was sent at, "extra" or "waiting" (flows/summary.py)
    caption: str = ""  # the words under it, kept with it


@dataclass(frozen=True)
class KeptMedia:
    """A kept medium with the reference a channel copies it by (`Outbound.copy`), as storage
    hands it to the coach's side."""

    note: MediaNote
    source: MediaRef


@dataclass(frozen=True)
class CaseView:
    """The youngster's place in the queue, as the intake needs to know it."""

    queued_at: datetime
    deadline: datetime
    urgent: bool = False
    coach: str | None = None  # the coach's first name, once one has taken the case
    state: str = "queued"  # see flows/case.py
    signal: Signal | None = None  # the latest crisis signal, for the coach
    shared: bool = True  # False: queued in a crisis before the youngster checked the summary
    # The coach is still active: only then is a youngster told "ik heb {coach} gevraagd ...";
    # a deactivated coach's case goes back to the queue, and the words stay general.
    coach_reachable: bool = True


@dataclass
class Intake:
    """The light model the shared machine drives; storage saves and loads it."""

    state: str
    language: str
    pseudonym: str = ""
    source: str | None = None
    age_band: str | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    paused: bool = False
    safety: str | None = None
    last_seen: datetime | None = None
    case: CaseView | None = None
    signal: Signal | None = None  # a signal seen before there was a case; moves to the case
    media: list[MediaNote] = field(default_factory=list)  # kept for the coach, oldest first
    # "Klikte het?" after a close (flows/feedback.py): "asked" (the buttons wait), "line"
    # (their own words may follow), None. Only that it waits; never what they answered.
    feedback: str | None = None
    # Klik's own crisis question that waits for an answer, for one message (flows/safety.py):
    # "worry:<category>" or "safe". A typed "ja" or "nee" then answers it, as a tap would.
    asked: str | None = None

    def copy(self) -> Intake:
        """A copy a rule may change without touching the one it was given."""
        answers = {k: Answer(v.choice, v.text) for k, v in self.answers.items()}
        return replace(self, answers=answers, media=list(self.media))


@dataclass(frozen=True)
class Rules:
    """The service's settings that change what the intake does."""

    promise_hours: int
    min_age: int
    timezone: ZoneInfo
    service_hours: ServiceHours
    # How long what is kept is kept: one set of limits, the same the purge keeps, so what
    # /mijngegevens promises is what the purge does.
    retention: Retention = field(default_factory=Retention)


@dataclass(frozen=True)
class Stat:
    """An anonymous statistics event: what happened, at which step, in which category."""

    kind: str
    step: str | None = None
    value: str | None = None


# answered: show the answer on the question; closed: remove the keyboard; quiet: just answer
# the tap; stale, unknown, taken, full: answer with the matching tap.<kind> text.
TapKind = Literal["answered", "closed", "quiet", "stale", "unknown", "taken", "full"]


@dataclass(frozen=True)
class Tap:
    """How the channel should treat a tapped keyboard: show the answer, close it, or refuse."""

    kind: TapKind
    label: Ref | None = None


# share: the youngster checked the summary of a case queued in a crisis; the coach may see it.
CaseChange = Literal["open", "urgent", "withdraw", "reopen", "switch", "share"]


@dataclass
class Step:
    """The outcome of one event: the new intake (None: nothing is kept) and what follows."""

    intake: Intake | None
    language: str
    outbound: list[Outbound] = field(default_factory=list)
    stats: list[Stat] = field(default_factory=list)
    case_change: CaseChange | None = None
    notes_for_coach: list[str] = field(default_factory=list)
    tap: Tap | None = None
    forget: bool = False  # erase everything kept about this youngster
    own_data: bool = False  # /mijngegevens: tell them everything kept (flows/own_data.py)
    media_for_coach: bool = False  # relay the photo, voice note or file to the coach
    signal: Signal | None = None  # a crisis signal in what was written: kept on the open case
    # A crisis signal this event raised (found in the text, or a worry the youngster
    # confirmed), wherever it is kept: for the counts in the metrics, never shown.
    raised: Signal | None = None
    alert: Alert | None = None  # alert the team now (urgent)
    feedback: Feedback | None = None  # "klikte het?" answered: kept apart from who said it
    # The crisis question this event asked ("worry:<category>" or "safe"): with the intake as
    # Intake.asked; of somebody not known yet (before consent) the service remembers it, in
    # memory only, for their next message.
    asked: str | None = None


@dataclass(frozen=True)
class Feedback:
    """An answer to "klikte het?" as it is kept: the answer (good, okay, bad) or the
    youngster's own line, the week (its Monday, in the service's zone) and the language;
    nothing that leads back to them, their case or their coach."""

    week: date
    language: str
    answer: str | None = None
    line: str | None = None


def keep_text(intake: Intake, answer_id: str, text: str) -> None:
    """Keep the youngster's own words with an answer, after what they wrote before."""
    answer = intake.answers.setdefault(answer_id, Answer())
    answer.text = f"{answer.text}\n{text}" if answer.text else text
