"""Choosing the alarms of `klik crisis-train` on out-of-fold scores."""

from __future__ import annotations

from bot.process.crisis_train import _alarms
from flows.crisis.evaluate import Example


def _example(crisis: bool, level: str | None = None) -> Example:
    return Example("en", crisis, "suicide" if crisis else None, level, "-", "x.tsv:1")


def test_messages_an_acute_rule_fired_on_get_their_own_lower_alarm() -> None:
    # Ten everyday messages score 0.5 without an acute rule: no false alarm fits the budget,
    # so the plain alarm stays above 0.5, at the highest step that still catches the worry
    # message. No everyday message has an acute rule, so the acute alarm goes down to the
    # acute messages' 0.3: the highest step that catches them.
    rows = [(_example(False), 0.5, False)] * 10
    rows += [(_example(True, "acute"), 0.3, True)] * 3
    rows += [(_example(True, "worry"), 0.9, False)]
    examples, scores, fired = zip(*rows, strict=True)
    assert _alarms(examples, scores, fired, "en") == (0.9, 0.3)


def test_without_acute_rules_the_alarm_keeps_false_alarms_under_the_budget() -> None:
    # Forty everyday messages, one of them at 0.6: a budget of 9.5 % allows it.
    rows = [(_example(False), 0.2, False)] * 39 + [(_example(False), 0.6, False)]
    rows += [(_example(True, "worry"), 0.6, False)]
    examples, scores, fired = zip(*rows, strict=True)
    plain, _ = _alarms(examples, scores, fired, "en")
    assert plain == 0.6


def test_an_alarm_that_would_let_one_everyday_message_in_ten_through_is_refused() -> None:
    # One in ten is 10 %, over the 9.5 % budget: the alarm stays above that message's 0.6.
    rows = [(_example(False), 0.2, False)] * 9 + [(_example(False), 0.6, False)]
    rows += [(_example(True, "worry"), 0.6, False)]
    examples, scores, fired = zip(*rows, strict=True)
    plain, _ = _alarms(examples, scores, fired, "en")
    assert plain > 0.6
