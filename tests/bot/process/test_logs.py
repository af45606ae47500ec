"""`klik`'s log lines: one key=value line per event, never a text, chat id, name or an error's
message."""

from __future__ import annotations

import logging
import random
import sys

import pytest
from sqlalchemy import select

from bot.process.logs import KeyValueFormatter, quoted
from bot.services.conversation import ConversationService
from bot.services.staff import StaffService
from flows.intake import IntakeFlow, Rules
from flows.messages import Inbound
from storage.db import Database
from storage.models import Youngster
from tests.conftest import Clock

CHAT = "5550001"
SECRET = "mijn geheim is ZEBRA-42"
ACUTE = "ik sta op de brug en ik ga springen"


def record(message: str, *args: object, error: BaseException | None = None) -> str:
    exc_info = (type(error), error, error.__traceback__) if error is not None else None
    entry = logging.LogRecord(
        "bot.services.conversation", logging.INFO, __file__, 1, message, args, exc_info
    )
    entry.created = 1795438800.25  # 2026-11-23 13:00:00.250 UTC
    return KeyValueFormatter().format(entry)


def test_an_event_is_one_line_of_key_value_pairs_after_time_level_and_logger() -> None:
    line = record("event=update_handled kind=%s ms=%.1f", "tap", 3.14)
    assert line == (
        "ts=2026-11-23T13:00:00.250Z level=INFO logger=bot.services.conversation "
        "event=update_handled kind=tap ms=3.1"
    )


def test_any_other_message_is_one_quoted_value_with_its_line_breaks_escaped() -> None:
    line = record('update %d failed: "%s"\n  File x', 7, "KeyError")
    assert line.endswith(r'msg="update 7 failed: \"KeyError\"\n  File x"')
    assert "\n" not in line


def test_a_value_without_spaces_or_quotes_stays_bare() -> None:
    assert quoted("telegram") == "telegram"
    assert quoted("") == '""'
    assert quoted("a=b") == '"a=b"'


def test_an_error_is_logged_as_its_type_and_where_it_happened_never_its_message() -> None:
    try:
        {}[SECRET]
    except KeyError:
        error = sys.exc_info()[1]
    assert error is not None
    line = record("sending message id 3 failed", error=error)
    assert "error=KeyError" in line
    assert 'traceback="Traceback (most recent call last):\\n  File ' in line
    assert "test_logs.py" in line
    assert "ZEBRA" not in line and "\n" not in line


async def test_the_log_of_handled_updates_holds_no_text_chat_id_or_pseudonym(
    db: Database, flow: IntakeFlow, rules: Rules, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    service = ConversationService(
        db, flow, clock=clock, rng=random.Random(3), matchteam=StaffService(flow, rules)
    )
    caplog.set_level(logging.INFO)
    events = [
        Inbound("start", argument="insta"),
        Inbound("choice", choice="consent:yes:nl:insta"),
        Inbound("choice", choice="age:16_17"),
        Inbound("text", text=SECRET),
        Inbound("text", text=ACUTE),
    ]
    for event in events:
        await service.handle(channel="telegram", address=CHAT, event=event)
    log = "\n".join(KeyValueFormatter().format(r) for r in caplog.records)
    handled = [line for line in log.splitlines() if "event=update_handled" in line]
    assert len(handled) == len(events)
    assert "kind=message side=youngster" in handled[3]
    assert "signal=suicide:acute" in handled[4]
    async with db.transaction() as session:
        youngster = (await session.execute(select(Youngster))).scalar_one()
    for secret in (CHAT, "ZEBRA", "geheim", "brug", "springen", youngster.pseudonym):
        assert secret not in log
    assert youngster.id not in log
