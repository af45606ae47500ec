"""What a coach will see of an intake: the summary the youngster checks (and trims) before
sending, and the lines that travel with the case."""

from __future__ import annotations

from flows.content import Questionnaire
from flows.messages import Button, Outbound, Param, Ref
from flows.questions import talk_row
from flows.state import Intake, MediaNote, Stat

EXTRA = "extra"  # free text written outside a question: kept for the coach all the same
WAITING = "waiting"  # media sent while in the queue: for the coach who claims, not a summary line
MEDIA = "media."  # a kept voice note, photo or file on the summary: "media.<ref>"
SHORT = 300  # characters of a free text shown in a summary; the coach who claims gets it all


def group_of(questionnaire: Questionnaire, note: MediaNote) -> str:
    """The summary line a kept voice note or photo sits under: its question, else "extra"."""
    return note.question if questionnaire.question(note.question) else EXTRA


def label_of(questionnaire: Questionnaire, answer_id: str) -> Ref:
    """The label of an answer on the summary: "Gezondheid", "Wat je nog schreef", ..."""
    if answer_id == "age":
        return Ref("summary.age")
    if answer_id == EXTRA:
        return Ref("summary.extra")
    if questionnaire.question(answer_id):
        return Ref(f"q.{answer_id}.label")
    return Ref(f"pref.{answer_id}.label")


def shown_answers(questionnaire: Questionnaire, intake: Intake) -> list[tuple[str, Ref]]:
    """The answers the coach will see, in intake order, each with its label; kept media follow
    the answer of their question, as "🎤 spraakbericht", "🎤 spraakbericht 2", "📷 foto"."""
    shown: list[tuple[str, Ref]] = []
    if intake.age_band:
        shown.append(("age", label_of(questionnaire, "age")))
    order = [q.id for q in questionnaire.questions] + [p.id for p in questionnaire.preferences]
    counted: dict[str, int] = {}
    for answer_id in [*order, EXTRA]:
        answer = intake.answers.get(answer_id)
        if answer is not None and (answer.choice not in (None, "skip") or answer.text):
            shown.append((answer_id, label_of(questionnaire, answer_id)))
        for note in intake.media:
            if note.question == WAITING or group_of(questionnaire, note) != answer_id:
                continue
            counted[note.kind] = counted.get(note.kind, 0) + 1
            kind = Ref(f"media.kind.{note.kind}")
            n = counted[note.kind]
            shown.append(
                (
                    MEDIA + note.ref,
                    kind if n == 1 else Ref("media.numbered", {"kind": kind, "n": n}),
                )
            )
    return shown


def media_note(intake: Intake, answer_id: str) -> MediaNote | None:
    """The kept medium a summary line stands for, if it is one."""
    if not answer_id.startswith(MEDIA):
        return None
    return next((n for n in intake.media if MEDIA + n.ref == answer_id), None)


def remove_shown(intake: Intake, removed: str) -> Stat:
    """Take one line off the summary: the age band, an answer with its words, or a kept voice
    note or photo (the coach will not get it). Returns the anonymous count of what went."""
    note = media_note(intake, removed)
    if note is not None:
        intake.media.remove(note)
        return Stat("removed", "media", note.kind)
    if removed == "age":
        intake.age_band = None
    else:
        del intake.answers[removed]
    return Stat("removed", removed)


def summary_line(
    questionnaire: Questionnaire,
    intake: Intake,
    answer_id: str,
    label: Ref,
    *,
    limit: int | None = SHORT,
) -> Ref:
    """One answer as a line: label, the tapped choice in words, and the youngster's words."""
    if answer_id == "age":
        return Ref("summary.line", {"label": label, "value": Ref(f"age.{intake.age_band}")})
    answer = intake.answers[answer_id]
    value: Ref | None = None
    if answer.choice not in (None, "skip"):
        if questionnaire.question(answer_id):
            value = Ref(f"scale.{answer.choice}")
        elif answer_id == "region":
            value = Ref("pref.region.value", {"area": answer.choice or ""})
        else:
            value = Ref(f"opt.{answer_id}.{answer.choice}")
    text = _cut(answer.text, limit)
    if value is None:
        return Ref("summary.text_only", {"label": label, "text": text})
    if answer.text:
        return Ref("summary.line_with_text", {"label": label, "value": value, "text": text})
    return Ref("summary.line", {"label": label, "value": value})


def summary_lines(
    questionnaire: Questionnaire, intake: Intake, *, limit: int | None = SHORT
) -> tuple[Ref, ...]:
    """Every answer the youngster kept, one line each; a kept medium right under the answer of
    its question, or with the question's label when it is all there is."""
    lines: list[Ref] = []
    above = ""  # the answer (or group of media) of the line above
    for answer_id, label in shown_answers(questionnaire, intake):
        note = media_note(intake, answer_id)
        if note is None:
            lines.append(summary_line(questionnaire, intake, answer_id, label, limit=limit))
            above = answer_id
            continue
        group = group_of(questionnaire, note)
        media: Ref = label
        if note.caption:
            caption = _cut(note.caption, limit)
            media = Ref("summary.media_caption", {"media": label, "caption": caption})
        if group == above:
            lines.append(Ref("summary.media_under", {"media": media}))
        else:
            lines.append(
                Ref("summary.media", {"label": label_of(questionnaire, group), "media": media})
            )
        above = group
    return tuple(lines)


def _cut(text: str, limit: int | None) -> str:
    return text[:limit] + "…" if limit is not None and len(text) > limit else text


def _removable_rows(
    questionnaire: Questionnaire, intake: Intake, head: str
) -> list[tuple[Button, ...]]:
    removable = [
        Button(Ref("summary.remove", {"label": label}), f"{head}:rm.{answer_id}")
        for answer_id, label in shown_answers(questionnaire, intake)
    ]
    return [tuple(removable[i : i + 2]) for i in range(0, len(removable), 2)]


def _body(questionnaire: Questionnaire, intake: Intake) -> Param:
    lines = list(summary_lines(questionnaire, intake))
    return lines if lines else [Ref("summary.empty")]


def summary_message(questionnaire: Questionnaire, intake: Intake) -> Outbound:
    """The summary the youngster sees before sending, with a 🗑 button per answer; the talk
    button too, like every screen of the intake (it sends what is kept, as ✅ does)."""
    return Outbound(
        "summary.intro",
        {"lines": _body(questionnaire, intake), "pseudonym": intake.pseudonym},
        (
            *_removable_rows(questionnaire, intake, "summary"),
            (Button(Ref("summary.preferences"), "summary:prefs"),),
            (Button(Ref("summary.send"), "summary:send"),),
            talk_row(),
        ),
    )


def review_message(questionnaire: Questionnaire, intake: Intake) -> Outbound:
    """The same summary after a crisis put the youngster in the queue before they saw it: the
    coach reads the answers only once the youngster tapped ✅, and not what they took away."""
    return Outbound(
        "review.intro",
        {"lines": _body(questionnaire, intake), "pseudonym": intake.pseudonym},
        (
            *_removable_rows(questionnaire, intake, "review"),
            (Button(Ref("review.send"), "review:send"),),
        ),
    )
