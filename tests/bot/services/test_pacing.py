"""The pacing rules on their own: a gap per chat, a ceiling per second for the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.channels.telegram.transport import LIMITS
from bot.services.pacing import Limits, Pacer

T0 = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_chat_may_get_its_next_message_a_second_after_the_last() -> None:
    pacer = Pacer(Limits(per_second=30))
    pacer.take("1", at(0))
    assert pacer.free_at("1", at(0.5)) == at(1)
    assert pacer.free_at("2", at(0.5)) == at(0.5)


def test_the_thirty_first_message_waits_until_the_first_is_a_second_old() -> None:
    pacer = Pacer(Limits(per_second=30))
    for n in range(30):
        pacer.take(str(n), at(n / 100))
    assert pacer.next_slot(at(0.5)) == at(1)
    assert pacer.next_slot(at(1)) == at(1)


def test_a_chat_that_got_a_message_a_moment_ago_is_busy_until_its_gap_ends() -> None:
    pacer = Pacer(Limits(per_second=30))
    pacer.take("1", at(0))
    pacer.take("2", at(0.4))
    assert pacer.busy(at(0.5)) == ["1", "2"]
    assert pacer.soonest_free(at(0.5)) == at(1)
    assert pacer.busy(at(1.2)) == ["2"]


def test_telegram_groups_get_one_message_in_three_seconds() -> None:
    pacer = Pacer(LIMITS)
    pacer.take("-100200", at(0))
    pacer.take("200", at(0))
    assert pacer.free_at("-100200", at(0)) == at(3) + LIMITS.margin
    assert pacer.free_at("200", at(0)) == at(1) + LIMITS.margin


def test_a_message_that_left_late_is_counted_from_when_it_left() -> None:
    pacer = Pacer(Limits(per_second=1))
    pacer.take("1", at(0))
    pacer.went("1", at(0), at(0.2))
    assert pacer.next_slot(at(1)) == at(1.2)
    assert pacer.free_at("1", at(1)) == at(1.2)
