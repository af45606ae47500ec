"""Voice notes, photos and files count as words.

A youngster who cannot write it down sends a voice note. During the intake and while waiting,
a voice note, photo, video, video note, audio or file is kept for the coach as part of the free
text of the question on screen ("Bewaard voor je coach"): as a reference to copy it by, never
the file. The summary lists it under its question, where the youngster can take it off like any
answer; the coach who claims the case gets a copy of each (copyMessage: never who sent it).
A sticker or a GIF is not words: it gets a kind reply that says what does work.
Once a coach has the case, media goes straight to them (flows/relay.py). Pure, like the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from flows.case import CLOSED
from flows.content import Questionnaire
from flows.messages import Inbound, Outbound, Param, Ref
from flows.relay import to_coach_tag
from flows.state import QUEUED, RESUME_AFTER, Intake, KeptMedia, MediaNote, Stat, Step
from flows.summary import EXTRA, WAITING

if TYPE_CHECKING:
    from flows.intake import IntakeFlow

# What Klik keeps for the coach. A sticker, a GIF (Telegram's "animation"), a location or a
# contact is not something the youngster says: they get `media.not_kept`.
KEPT = ("voice", "photo", "video", "video_note", "audio", "document")
COPY = "media.copy"  # a kept medium copied to a coach; when it cannot be, the coach is told


class MediaDesk:
    """What happens when a youngster sends a voice note, photo or file, wherever they are."""

    def __init__(self, flow: IntakeFlow) -> None:
        self.flow = flow

    def keep(self, step: Step, event: Inbound, now: datetime, *, caption: bool = True) -> bool:
        """Keep a reference where it belongs, or pass it to the coach who has the case; no
        reply. False when there is nothing to keep (before consent, a sticker). Without
        `caption` the words under it are kept elsewhere (a crisis signal set them apart)."""
        intake = step.intake
        if intake is None:
            return False
        case = intake.case
        if case is not None and case.coach:
            step.media_for_coach = True
            if case.state == CLOSED:
                step.case_change = "reopen"  # coming back after a close: the same coach
            return True
        if event.media not in KEPT or not event.message_id:
            return False
        note = MediaNote(
            ref=event.message_id,
            kind=event.media,
            question=self._belongs_to(intake, now),
            caption=event.caption.strip() if caption else "",
        )
        intake.media.append(note)
        step.stats.append(Stat("media", note.question, note.kind))
        return True

    def received(self, step: Step, event: Inbound, now: datetime) -> None:
        """A voice note, photo or file without crisis words in its caption: kept and
        acknowledged with the question again, or relayed to the coach; a sticker gets a kind
        "that is not words" reply and changes nothing."""
        intake = step.intake
        assert intake is not None
        returning = self._returning(intake, now)
        if not self.keep(step, event, now):
            step.outbound.append(Outbound("media.not_kept"))
            return
        if step.media_for_coach:
            return
        if intake.state == QUEUED:
            step.outbound.append(Outbound("queued.note_kept"))
            return
        intake.paused = False
        if returning:
            step.outbound += [Outbound("media.saved"), Outbound("resume.welcome_back")]
            self.flow.ask(step)
            return
        question = self.flow.question_at(intake.state)
        if question is not None and question.kind == "open":
            # Said instead of typed: the open question is answered, as a typed text would be.
            step.stats.append(Stat("answered", question.id, "media"))
            self.flow.move(intake, "next")
        self.flow.ask(step)
        asked = step.outbound.pop()
        saved: dict[str, Param] = {"question": Ref(asked.key, asked.params)}
        step.outbound.append(Outbound("media.kept", saved, asked.buttons, tag=asked.tag))

    def _belongs_to(self, intake: Intake, now: datetime) -> str:
        """The question on screen; "waiting" in the queue; "extra" outside a question, or for
        somebody back after a while (it may not answer the question they left at)."""
        if intake.state == QUEUED:
            return WAITING
        question = self.flow.question_at(intake.state)
        if question is None or self._returning(intake, now):
            return EXTRA
        return question.id

    @staticmethod
    def _returning(intake: Intake, now: datetime) -> bool:
        last = intake.last_seen
        return intake.paused or (last is not None and now - last >= RESUME_AFTER)


def leave_queue(intake: Intake) -> None:
    """Out of the queue with the answers kept: what was sent while waiting joins "Wat je nog
    schreef" on the summary, where the youngster sees it and can take it off again."""
    intake.media = [
        MediaNote(n.ref, n.kind, EXTRA, n.caption) if n.question == WAITING else n
        for n in intake.media
    ]


def for_coach(
    questionnaire: Questionnaire,
    case_id: int,
    pseudonym: str,
    kept: Sequence[KeptMedia],
    *,
    answers: bool,
    waiting: bool,
) -> list[Outbound]:
    """Copies of kept media for the coach who has the case, each after a line saying where it
    belongs. `answers`: those sent with the answers (only once the youngster shares them);
    `waiting`: those sent while waiting (always, like what was written then)."""
    tag = to_coach_tag(case_id)
    messages: list[Outbound] = []
    for item in kept:
        question = item.note.question
        if question == WAITING:
            if not waiting:
                continue
            label = Outbound("media.for_coach_waiting", {"pseudonym": pseudonym}, tag=tag)
        elif not answers:
            continue
        elif questionnaire.question(question):
            where = Ref(f"q.{question}.label")
            label = Outbound(
                "media.for_coach_at", {"pseudonym": pseudonym, "label": where}, tag=tag
            )
        else:
            label = Outbound("media.for_coach_extra", {"pseudonym": pseudonym}, tag=tag)
        messages += [label, Outbound(COPY, copy=item.source, tag=tag)]
    return messages
