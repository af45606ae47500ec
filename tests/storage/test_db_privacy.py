"""No engine lets a statement's parameters (a youngster's words) into an error's text or the
log, whatever the caller asks for."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.process.logs import KeyValueFormatter
from storage.db import Database

SECRET = "mijn geheim is ZEBRA-42"


async def test_a_failed_statement_never_names_its_parameters_even_when_asked_to(
    database_url: str,
) -> None:
    db = Database(database_url, hide_parameters=False)
    with pytest.raises(DBAPIError) as failed:
        async with db.transaction() as session:
            await session.execute(text("INSERT INTO nowhere VALUES (:said)"), {"said": SECRET})
    await db.close()
    assert "nowhere" in str(failed.value)  # the statement is named: it holds no value
    assert "ZEBRA" not in str(failed.value)


async def test_statements_are_never_echoed_with_their_parameters(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    db = Database(database_url, echo="debug")
    async with db.transaction() as session:
        await session.execute(text("SELECT :said"), {"said": SECRET})
    await db.close()
    # (aiosqlite logs each call with its parameters at DEBUG: the log's filter drops every
    # library's line below WARNING, tests/bot/process/test_redaction.py)
    echoed = [r.getMessage() for r in caplog.records if r.name.startswith("sqlalchemy")]
    assert not any("ZEBRA" in line for line in echoed)


async def test_a_driver_error_that_quotes_the_value_is_logged_as_its_type_and_frames(
    db: Database,
) -> None:
    # PostgreSQL's driver names the refused value in its own message; SQLite's may too.
    with pytest.raises(DBAPIError) as failed:
        async with db.transaction() as session:
            await session.execute(
                text("SELECT CAST(:said AS INTEGER) + 1 FROM nowhere"), {"said": SECRET}
            )
    error = failed.value
    entry = logging.LogRecord(
        "bot.channels.telegram.handlers",
        logging.ERROR,
        __file__,
        1,
        "update 3 failed",
        None,
        (type(error), error, error.__traceback__),
    )
    line = KeyValueFormatter().format(entry)
    assert f"error={type(error).__name__}" in line
    assert "ZEBRA" not in line and "geheim" not in line
