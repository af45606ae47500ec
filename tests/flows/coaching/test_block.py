"""The block list's rules: who may block and undo, and what a blocked youngster hears."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.coaching.audit import entries
from flows.coaching.block import Target, answer_once, block, ignored, unblock
from flows.coaching.effects import BlockYoungster, Reply, ToStaff, UnblockYoungster
from flows.coaching.facts import CaseFacts, Person
from flows.staff import StaffMember

NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
LOTTE = Person(StaffMember(id=1, role="coach", name="Lotte", languages=("nl",)))
BRAM = Person(StaffMember(id=2, role="coach", name="Bram", languages=("nl",)))
AHMED = Person(StaffMember(id=3, role="teamlead", name="Ahmed", languages=("nl",)))
CASE = CaseFacts(
    id=7, youngster_id="y1", pseudonym="Sam-4821", journey="j", state="active", coach_id=1
)
SAM = Target("y1", "Sam-4821", blocked=False)
SAM_BLOCKED = Target("y1", "Sam-4821", blocked=True, blocked_by=1)


def _keys(outcome: object) -> list[str]:
    sends = outcome.sends  # type: ignore[attr-defined]
    return [m.key for s in sends for m in s.messages]


def test_the_case_s_coach_blocks_with_a_reason() -> None:
    outcome = block(LOTTE, CASE, SAM, "  scheldt  ", NOW)
    assert outcome.changes == (BlockYoungster("y1", 1, "scheldt", NOW),)
    assert _keys(outcome) == ["block.done"]


def test_another_coach_cannot_block_a_case_that_is_not_theirs() -> None:
    outcome = block(BRAM, CASE, SAM, "scheldt", NOW)
    assert outcome.changes == () and _keys(outcome) == ["block.which_case"]


def test_a_block_without_a_reason_changes_nothing() -> None:
    outcome = block(LOTTE, CASE, SAM, " ", NOW)
    assert outcome.changes == () and _keys(outcome) == ["block.needs_reason"]


def test_a_long_reason_is_cut_to_what_is_kept() -> None:
    (change,) = block(LOTTE, CASE, SAM, "x" * 500, NOW).changes
    assert isinstance(change, BlockYoungster) and len(change.reason) == 200


def test_only_a_team_lead_undoes_a_block_and_the_coach_who_blocked_hears_it() -> None:
    assert unblock(LOTTE, SAM_BLOCKED).changes == ()
    outcome = unblock(AHMED, SAM_BLOCKED)
    assert outcome.changes == (UnblockYoungster("y1"),)
    assert [type(s) for s in outcome.sends] == [ToStaff, ToStaff]
    assert [s.staff_id for s in outcome.sends if isinstance(s, ToStaff)] == [3, 1]


def test_undoing_an_unknown_youngster_says_how_to_name_one() -> None:
    outcome = unblock(AHMED, None)
    assert isinstance(outcome.sends[0], Reply) and _keys(outcome) == ["block.unknown"]


def test_a_blocked_youngster_s_words_are_ignored_but_a_crisis_and_commands_are_not() -> None:
    assert ignored("text", crisis=False) and ignored("media", crisis=False)
    assert not ignored("text", crisis=True)
    assert not ignored("command", crisis=False) and not ignored("choice", crisis=False)


def test_a_blocked_youngster_is_answered_once() -> None:
    assert [m.key for m in answer_once(False)] == ["block.notice"]
    assert answer_once(True) == []


def test_a_blocked_youngster_cannot_ask_for_another_coach_or_start_over() -> None:
    assert ignored("command", crisis=False, action="other_coach")
    assert ignored("command", crisis=False, action="restart")
    assert not ignored("command", crisis=False, action="stop")


def test_a_block_and_its_undoing_are_audited_without_the_reason_or_the_pseudonym() -> None:
    blocked = entries(block(LOTTE, CASE, SAM, "scheldt", NOW))
    undone = entries(unblock(AHMED, SAM_BLOCKED))
    assert [entry.action for entry in blocked + undone] == ["block", "unblock"]
    assert "scheldt" not in repr(blocked) and "Sam-4821" not in repr(blocked + undone)
