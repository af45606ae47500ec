"""Klik tried without a Telegram token, as somebody new meets it: the real `klik run` (and
`make run` from a fresh clone) on a fresh data folder, no .env, no token. It prints the chat's
address and a sign-in link for the demo coach and team lead; a browser (here aiohttp) follows
them; SIGTERM stops it cleanly."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import aiohttp
import pytest

from tests.e2e.test_intake_e2e import free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CHAT = re.compile(r"^  Chat as a youngster:\s+(\S+)$", re.MULTILINE)
SIGN_IN = re.compile(r"^  Dashboard as (.+?):\s+(\S+)$", re.MULTILINE)
# Settings a developer's shell may hold; somebody trying Klik has none of them.
NOT_SET = ("TELEGRAM_", "DATABASE_", "DATA_KEY", "KLIK_", "HTTP_", "PUBLIC_URL", "PYTHON")


@dataclass(frozen=True)
class Printed:
    """What local mode printed: the chat's address and each demo account's sign-in link."""

    chat: str
    sign_ins: dict[str, str]


class LocalKlik:
    """A command that ends in `klik run`, as a subprocess in its own process group; what it
    prints kept in a file."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], log: Path) -> None:
        self.command, self.cwd, self.env, self.log_path = command, cwd, env, log
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._started_at = 0  # where this start's output begins in the log

    def start(self) -> None:
        self._started_at = len(self.log()) if self.log_path.exists() else 0
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # `make run` and the klik it starts stop together
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def printed(self, timeout: float) -> Printed:
        """The links of the latest start, once printed; fails with the log if they never are."""
        deadline = time.monotonic() + timeout
        assert self.process is not None
        while time.monotonic() < deadline and self.process.poll() is None:
            latest = self.log()[self._started_at :].rsplit("klik: local mode:", 1)
            if len(latest) == 2 and "To connect Telegram later" in latest[1]:
                chat = CHAT.search(latest[1])
                assert chat is not None, self.log()
                return Printed(chat.group(1), dict(SIGN_IN.findall(latest[1])))
            time.sleep(0.2)
        raise AssertionError(f"no links printed within {timeout} s:\n{self.log()}")

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        if self._log is not None:
            self._log.close()
        return self.process.returncode


def newcomer_env(port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_SET)}
    env["HTTP_PORT"] = str(port)
    return env


@dataclass(frozen=True)
class Fresh:
    """A fresh data folder and a folder with no .env to start in."""

    data: Path
    cwd: Path
    port: int

    @property
    def env(self) -> dict[str, str]:
        return {
            **newcomer_env(self.port),
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"sqlite:///{self.data / 'klik.db'}",
        }

    def klik(self) -> LocalKlik:
        subprocess.run(
            [sys.executable, "-m", "bot.process.cli", "migrate"],
            cwd=self.cwd,
            env=self.env,
            check=True,
            capture_output=True,
        )
        command = [sys.executable, "-m", "bot.process.cli", "run"]
        return LocalKlik(command, self.cwd, self.env, self.cwd / "klik.log")


@pytest.fixture
def fresh(tmp_path: Path) -> Fresh:
    (tmp_path / "data").mkdir()
    (tmp_path / "here").mkdir()
    return Fresh(tmp_path / "data", tmp_path / "here", free_port())


@pytest.fixture
def local(fresh: Fresh) -> Iterator[LocalKlik]:
    klik = fresh.klik()
    klik.start()
    yield klik
    klik.stop()


def demo_staff(fresh: Fresh) -> list[tuple[str, str]]:
    with sqlite3.connect(fresh.data / "klik.db") as connection:
        return connection.execute("SELECT name, role FROM staff ORDER BY id").fetchall()


async def sign_in(url: str) -> tuple[int, str]:
    """Open a sign-in link as a browser does (a cookie for 127.0.0.1 kept), press its button:
    where the dashboard lands and that page's status."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(url) as page:
            assert page.status == 200
        async with browser.post(url) as landed:
            return landed.status, landed.url.path


def test_klik_run_without_a_token_prints_the_chat_and_a_link_for_each_demo_account(
    local: LocalKlik, fresh: Fresh
) -> None:
    printed = local.printed(timeout=60)
    assert printed.chat == f"http://127.0.0.1:{fresh.port}/chat"
    assert list(printed.sign_ins) == ["Demo coach", "Demo teamleider"]
    prefix = f"http://127.0.0.1:{fresh.port}/dashboard/in/"
    assert all(url.startswith(prefix) for url in printed.sign_ins.values())


async def test_the_printed_coach_link_signs_in_to_the_dashboard_queue(local: LocalKlik) -> None:
    printed = local.printed(timeout=60)
    assert await sign_in(printed.sign_ins["Demo coach"]) == (200, "/dashboard/queue")


async def test_the_printed_team_lead_link_signs_in_to_the_live_board(local: LocalKlik) -> None:
    printed = local.printed(timeout=60)
    assert await sign_in(printed.sign_ins["Demo teamleider"]) == (200, "/dashboard/board")


async def test_local_klik_serves_the_web_chat_at_the_printed_address(local: LocalKlik) -> None:
    printed = local.printed(timeout=60)
    async with aiohttp.ClientSession() as browser, browser.get(printed.chat) as chat:
        assert chat.status == 200


async def test_readyz_of_local_klik_names_local_mode_and_never_fails_on_telegram(
    local: LocalKlik, fresh: Fresh
) -> None:
    local.printed(timeout=60)
    ready_at = f"http://127.0.0.1:{fresh.port}/readyz"
    async with aiohttp.ClientSession() as client, client.get(ready_at) as ready:
        assert (ready.status, await ready.json()) == (
            503,
            {"ready": False, "failed": ["staff"], "mode": "local"},
        )


def test_sigterm_stops_local_klik_cleanly(local: LocalKlik) -> None:
    local.printed(timeout=60)
    assert local.stop() == 0
    log = local.log()
    assert "klik stopped" in log and "Traceback" not in log


def test_the_links_go_to_the_terminal_but_never_into_a_log_line(local: LocalKlik) -> None:
    local.printed(timeout=60)
    local.stop()
    logged = [line for line in local.log().splitlines() if line.startswith("ts=")]
    assert logged and not [line for line in logged if "/dashboard/in/" in line]


def test_a_second_start_prints_new_links_and_makes_no_second_demo_coach(fresh: Fresh) -> None:
    klik = fresh.klik()
    klik.start()
    first = klik.printed(timeout=60)
    assert klik.stop() == 0
    klik.start()
    again = klik.printed(timeout=60)
    assert klik.stop() == 0
    assert list(again.sign_ins) == list(first.sign_ins)
    assert set(again.sign_ins.values()).isdisjoint(first.sign_ins.values())
    assert demo_staff(fresh) == [("Demo coach", "coach"), ("Demo teamleider", "teamlead")]


def _clone_with_borrowed_packages(to: Path) -> None:
    """A clone of this repository's committed branch. Its .venv borrows the installed
    dependencies through a .pth file, as tests/test_packaging.py does, so `make run` installs
    Klik itself (the editable install) without downloading every dependency again."""
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(to)], check=True)
    subprocess.run([sys.executable, "-m", "venv", str(to / ".venv")], check=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    borrowed = to / ".venv" / "lib" / version / "site-packages" / "borrowed.pth"
    borrowed.write_text(sysconfig.get_paths()["purelib"] + "\n")


async def test_make_run_in_a_fresh_clone_prints_links_that_sign_in(tmp_path: Path) -> None:
    clone = tmp_path / "klik"
    _clone_with_borrowed_packages(clone)
    port = free_port()
    make = LocalKlik(["make", "run"], clone, newcomer_env(port), tmp_path / "make.log")
    make.start()
    try:
        printed = make.printed(timeout=300)
        assert printed.chat == f"http://127.0.0.1:{port}/chat"
        assert await sign_in(printed.sign_ins["Demo coach"]) == (200, "/dashboard/queue")
    finally:
        make.stop()
    assert (clone / "var" / "klik.db").is_file() and not (clone / ".env").exists()
