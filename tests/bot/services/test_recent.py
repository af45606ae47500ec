"""What a worker remembers of chats in memory only (bot/services/recent.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services.recent import RecentValues

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_a_value_is_kept_within_its_window_and_forgotten_after() -> None:
    kept = RecentValues(timedelta(minutes=30))
    kept.put("telegram:1", "worry:suicide", NOW)
    assert kept.get("telegram:1", NOW + timedelta(minutes=29)) == "worry:suicide"
    assert kept.get("telegram:1", NOW + timedelta(minutes=30)) is None


def test_none_forgets_a_key() -> None:
    kept = RecentValues(timedelta(minutes=30))
    kept.put("telegram:1", "safe", NOW)
    kept.put("telegram:1", None, NOW)
    assert kept.get("telegram:1", NOW) is None


def test_memory_stays_bounded_however_many_chats_write() -> None:
    kept = RecentValues(timedelta(minutes=30), most_keys=3)
    for n in range(10):
        kept.put(f"telegram:{n}", "safe", NOW + timedelta(seconds=n))
    assert len(kept._values) == 3
    assert kept.get("telegram:9", NOW + timedelta(seconds=9)) == "safe"  # the newest stay
    assert kept.get("telegram:0", NOW + timedelta(seconds=9)) is None
