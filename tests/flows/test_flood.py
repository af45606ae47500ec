"""The flood limit's rule: counted per minute, above it held and hushed, a crisis never."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flows.flood import Flood, Window, calm_again, counted, counted_early, hushed
from flows.messages import Outbound

NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


def _after(messages: int, *, crisis_at: int = -1) -> Flood:
    flood = Flood(Window())
    for n in range(messages):
        flood = counted(flood.window, kind="text", now=NOW, limit=20, crisis=n == crisis_at)
    return flood


def test_the_twentieth_message_in_a_minute_is_handled_as_always() -> None:
    assert not _after(20).over


def test_the_twenty_first_message_is_over_the_limit_and_the_first_held() -> None:
    flood = _after(21)
    assert flood.over and flood.first


def test_the_twenty_second_is_held_without_a_second_kind_word() -> None:
    flood = _after(22)
    assert flood.over and not flood.first and flood.window.held == 2


def test_a_crisis_message_above_the_limit_is_neither_held_nor_hushed() -> None:
    flood = _after(25, crisis_at=24)
    assert not flood.over and not flood.release
    assert hushed([Outbound("crisis.alert", {"help_lines": ""})], flood, kept=True) != []


def test_a_tap_is_not_counted() -> None:
    window = Window(NOW, 20, 0)
    assert counted(window, kind="choice", now=NOW, limit=20, crisis=False).window == window


def test_a_message_a_minute_later_starts_a_new_count_and_releases_what_was_held() -> None:
    held = _after(23).window
    flood = counted(held, kind="text", now=NOW + timedelta(seconds=60), limit=20, crisis=False)
    assert flood.release and flood.window == Window(NOW + timedelta(seconds=60), 1, 0)


def test_held_messages_are_due_once_their_minute_is_over() -> None:
    held = _after(23).window
    assert not calm_again(held, NOW + timedelta(seconds=59))
    assert calm_again(held, NOW + timedelta(seconds=60))


def test_above_the_limit_the_replies_are_one_kind_word_then_nothing() -> None:
    replies = [Outbound("help.short")]
    assert [m.key for m in hushed(replies, _after(21), kept=True)] == ["flood.slow_down"]
    assert hushed(replies, _after(22), kept=True) == []


def test_a_command_above_the_limit_is_still_answered() -> None:
    window = _after(25).window
    flood = counted(window, kind="command", now=NOW, limit=20, crisis=False)
    assert not flood.over and flood.window.count == 26


def test_before_consent_a_command_above_the_limit_is_still_answered() -> None:
    assert not counted_early("command", 26, limit=20, crisis=False).over
    assert counted_early("text", 26, limit=20, crisis=False).over


def test_a_command_above_the_limit_leaves_the_held_messages_for_the_calmer_minute() -> None:
    window = _after(25).window
    flood = counted(window, kind="command", now=NOW, limit=20, crisis=False)
    assert not flood.release and flood.window.held == 5


def _paste(window: Window, parts: int) -> list[Flood]:
    """One long text cut in `parts`: the first part as any message, the rest continued."""
    floods = [counted(window, kind="text", now=NOW, limit=20, crisis=False)]
    for _ in range(parts - 1):
        last = floods[-1].window
        floods.append(counted(last, kind="text", now=NOW, limit=20, crisis=False, continued=True))
    return floods


def test_a_paste_of_thirty_parts_counts_as_one_message() -> None:
    floods = _paste(_after(19).window, 30)
    assert [flood.over for flood in floods] == [False] * 30
    assert floods[-1].window.count == 20


def test_the_parts_of_a_paste_above_the_limit_are_held_with_one_kind_word() -> None:
    floods = _paste(_after(20).window, 3)
    assert [(flood.over, flood.first) for flood in floods] == [
        (True, True),
        (True, False),
        (True, False),
    ]
    assert floods[-1].window.held == 3


def test_before_consent_the_parts_of_a_paste_get_one_kind_word() -> None:
    first = counted_early("text", 21, limit=20, crisis=False)
    later = counted_early("text", 21, limit=20, crisis=False, continued=True)
    assert (first.over, first.first) == (True, True)
    assert (later.over, later.first) == (True, False)
