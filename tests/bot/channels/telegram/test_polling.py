"""Reading a getUpdates batch update by update."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.channels.telegram.polling import Reader


def text(update_id: int, words: str, **extra: Any) -> dict[str, Any]:
    message = {
        "message_id": update_id,
        "date": 0,
        "text": words,
        "chat": {"id": 5, "type": "private"},
        **extra,
    }
    return {"update_id": update_id, "message": message}


def test_an_unreadable_update_is_left_out_and_the_newest_id_still_counts() -> None:
    batch = [text(7, "een"), text(8, "geheim", entities=[{"type": "bold"}]), text(9, "drie")]

    updates, newest = Reader(None).read(batch)  # type: ignore[arg-type]

    assert [u.update_id for u in updates] == [7, 9]
    assert newest == 9


def test_an_unreadable_update_is_logged_once_by_id_and_kind_without_its_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reader = Reader(None)  # type: ignore[arg-type]
    batch = [text(8, "geheim", entities=[{"type": "bold"}])]

    with caplog.at_level(logging.WARNING):
        reader.read(batch)
        reader.read(batch)  # fetched again while an older update failed

    assert caplog.messages == ["update 8 (message) cannot be read; skipped"]
