"""Fixtures for tests of the running service: a team of staff around a real service, the
staff commands (`klik coach ...`) run on the same test database, and the process application
started in-process."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.process.cli import main
from bot.services.conversation import ConversationService
from bot.services.matchteam import Matchteam
from flows.content import Content
from flows.intake import IntakeFlow, Rules
from storage.db import Database
from tests.bot.served import Serve
from tests.bot.team import AHMED, BRAM, LOTTE, Team, add
from tests.conftest import Clock


@pytest.fixture
async def team(db: Database, flow: IntakeFlow, rules: Rules, clock: Clock) -> Team:
    ids = {
        LOTTE: await add(
            db,
            clock,
            LOTTE,
            role="coach",
            name="Lotte",
            languages="nl,en",
            focus="money,home",
            capacity=8,
            intro="Ik werk bij het JAC in Gent.",
        ),
        BRAM: await add(
            db,
            clock,
            BRAM,
            role="coach",
            name="Bram",
            languages="nl",
            focus="health",
            capacity=2,
            intro="Ik ben Bram.",
        ),
        AHMED: await add(db, clock, AHMED, role="teamlead", name="Ahmed", languages="nl"),
    }
    service = ConversationService(db, flow, clock=clock, matchteam=Matchteam(flow, rules))
    return Team(service, db, clock, ids)


@dataclass(frozen=True)
class Said:
    """What a `klik` command did: its exit status and what it printed."""

    code: int
    out: str
    err: str


StaffCli = Callable[..., Awaitable[Said]]


@pytest.fixture
def staff_cli(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> StaffCli:
    """`klik coach ...` and `klik teamlead ...` in this process, on the test database (SQLite
    and PostgreSQL), with the wall clock as an operator has it. The command runs in a thread
    because it starts its own event loop, as from the terminal."""
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name in ("TELEGRAM_TOKEN", "CONTENT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(args: tuple[str, ...]) -> int:
        try:
            return main(list(args))
        except SystemExit as stop:  # argparse's refusals
            return int(stop.code or 0)

    async def klik(*args: str) -> Said:
        capsys.readouterr()
        code = await asyncio.to_thread(run, args)
        printed = capsys.readouterr()
        return Said(code, printed.out, printed.err)

    return klik


@pytest.fixture
def serve(database_url: str, clock: Clock, content: Content) -> Serve:
    """Starts the process application in-process: `async with serve(**settings) as it:`."""
    return Serve(database_url, clock, content)
