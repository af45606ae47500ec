"""Reading a getUpdates batch update by update."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from telegram import Update

from bot.channels.telegram.app import build_application
from bot.channels.telegram.polling import Reader, poll
from bot.process.metrics import Metrics
from tests.bot.channels.telegram.botapi_request import BotApiRequest


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


class AnswersOnce(BotApiRequest):
    """Sets `stop` at the first getUpdates it answers, so polling ends after the failures."""

    def __init__(self, stop: asyncio.Event) -> None:
        super().__init__()
        self.stop = stop

    def _answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getUpdates":
            self.stop.set()
        return super()._answer(name, params)


async def test_a_429_and_a_timeout_on_get_updates_are_counted_as_poll_errors() -> None:
    stop = asyncio.Event()
    request = AnswersOnce(stop)
    application = build_application("123456:TESTTOKEN", "http://127.0.0.1:1/bot", request=request)
    request.fail("getUpdates", status=429, retry_after=1)
    request.fail("getUpdates", timeout=True)
    metrics = Metrics()

    async def handle(_: Update) -> bool:
        return True

    async with application:
        await poll(application.bot, handle, stop=stop, long_poll=0, max_pause=0, observer=metrics)

    def counted(kind: str) -> float | None:
        labels = {"call": "poll", "kind": kind}
        return metrics.registry.get_sample_value("klik_telegram_errors_total", labels)

    assert counted("429") == 1 and counted("timeout") == 1 and counted("network") == 0
