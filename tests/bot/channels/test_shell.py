"""`klik shell` as somebody trying Klik in a terminal meets it: the same number is always the
same point on the scale, other buttons have letters, and the line can be edited."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import termios
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.channels.shell import run_shell
from bot.process.config import Settings
from bot.process.runtime import Runtime

ROOT = Path(__file__).resolve().parents[3]
SCALE = "[1] 😣   [2] 🙁   [3] 😐   [4] 🙂   [5] 😄"


@pytest.fixture
async def runtime(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Runtime]:
    shutil.copy(sqlite_template, tmp_path / "klik.db")
    started = await Runtime.start(Settings(database_url=f"sqlite:///{tmp_path}/klik.db"))
    yield started
    await started.close()


async def shell(runtime: Runtime, *typed: str) -> list[str]:
    """Everything the shell shows while these lines are typed, one after the other."""
    lines = iter(typed)
    shown: list[str] = []

    async def read_line() -> str | None:
        return next(lines, None)

    await run_shell(runtime, language="nl", fresh=True, read_line=read_line, write=shown.append)
    return shown


def after(shown: list[str], text: str) -> list[str]:
    """What the shell showed after the last line containing this text."""
    last = max(i for i, line in enumerate(shown) if text in line)
    return shown[last + 1 :]


async def test_a_number_is_the_same_point_on_the_scale_on_every_check_in(runtime: Runtime) -> None:
    # okay, "liever niet zeggen", skip the open question, then 5 on health and 1 on home.
    shown = await shell(runtime, "a", "g", "a", "5", "1")
    assert [line.strip() for line in shown if "[1]" in line] == [SCALE, SCALE, SCALE]
    assert [line.strip() for line in shown if "👉" in line][-2:] == [
        "👉 😄 heel goed",
        "👉 😣 gaat slecht",
    ]


async def test_the_other_buttons_have_letters_in_the_order_shown(runtime: Runtime) -> None:
    shown = await shell(runtime, "a", "g", "a")
    assert [line.strip() for line in shown[-3:]] == [
        SCALE,
        "[a] Liever niet zeggen",
        "[b] 💬 Ik wil gewoon met iemand praten",
    ]


async def test_the_consent_buttons_are_letters_not_numbers(runtime: Runtime) -> None:
    shown = await shell(runtime)
    assert [line.strip() for line in after(shown, "Is dat oké voor jou?")] == [
        "[a] 👍 Oké, we beginnen",
        "[b] Nee, liever niet",
        "[c] 🇬🇧 English",
    ]


async def test_a_number_where_no_scale_is_shown_taps_nothing(runtime: Runtime) -> None:
    shown = await shell(runtime, "1")
    assert "👉" not in "".join(shown)
    said = [line.strip() for line in shown]
    assert (
        "Ik heb nu niets van je bewaard. Wil je met een coach praten? Tik dan hieronder op 👍."
        in said
    )
    assert said[-3:] == ["[a] 👍 Oké, we beginnen", "[b] Nee, liever niet", "[c] 🇬🇧 English"]


async def test_a_capital_letter_taps_like_a_small_one(runtime: Runtime) -> None:
    shown = await shell(runtime, "A")
    assert "    👉 👍 Oké, we beginnen" in shown


async def test_ctrl_c_taken_by_the_thread_waiting_for_a_line_still_ends_the_shell(
    runtime: Runtime,
) -> None:
    # The kernel may hand a terminal's SIGINT to any of the shell's threads. Python would
    # run its handler once the main thread runs again, and the event loop sleeps there.
    loop = asyncio.get_running_loop()
    waiting, release = threading.Event(), threading.Event()
    readers: list[threading.Thread] = []

    async def read_line() -> str | None:
        line: asyncio.Future[str | None] = loop.create_future()

        def read() -> None:
            waiting.set()
            release.wait(30)
            loop.call_soon_threadsafe(lambda: line.done() or line.set_result(None))

        readers.append(threading.Thread(target=read, daemon=True))
        readers[-1].start()
        return await line

    # Python's own handler would raise KeyboardInterrupt in the test run itself.
    previous = signal.signal(signal.SIGINT, lambda *_: None)
    shown: list[str] = []
    running = asyncio.ensure_future(
        run_shell(runtime, language="nl", fresh=True, read_line=read_line, write=shown.append)
    )
    try:
        await asyncio.to_thread(waiting.wait, 30)
        assert readers[0].ident is not None
        signal.pthread_kill(readers[0].ident, signal.SIGINT)
        ended, _ = await asyncio.wait({running}, timeout=10)
        assert running in ended, "the shell did not quit on Ctrl-C"
        assert running.result() is None
    finally:
        release.set()
        if not running.done():
            running.cancel()
            await asyncio.wait({running})
        signal.signal(signal.SIGINT, previous)


async def test_the_screen_says_what_the_numbers_and_letters_do(runtime: Runtime) -> None:
    shown = await shell(runtime)
    assert (
        "Check-ins: type a number, always 1 = 😣 (worst) to 5 = 😄 (best). "
        "Other buttons: type the letter next to it." in shown
    )


# -- in a real terminal ----------------------------------------------------------------------

LEFT, UP = "\x1b[D", "\x1b[A"
NOT_STARTED = "Je bent nog niet begonnen. Stuur /start om te beginnen."


def _own_terminal() -> None:
    """Make the pseudo-terminal the shell's own, so Ctrl-C reaches it as in a real one."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """`klik shell` on a pseudo-terminal, typed into like a person at a keyboard."""

    def __init__(self, database: Path) -> None:
        self.master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "KLIK_"))}
        env.update(DATABASE_URL=f"sqlite:///{database}", PYTHONPATH=str(ROOT), TERM="xterm")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.process.cli", "shell", "--language", "nl"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=database.parent,
            start_new_session=True,
            preexec_fn=_own_terminal,
        )
        os.close(slave)
        self.output = ""

    def wait_for(self, text: str, since: int = 0) -> None:
        """Read what the shell shows until `text` appears after position `since`."""
        deadline = time.monotonic() + 30
        while text not in self.output[since:]:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never came; the shell showed:\n{self.output[since:]}"
            if select.select([self.master], [], [], left)[0]:
                self.output += os.read(self.master, 65536).decode(errors="replace")

    def exit_status(self, timeout: float = 30) -> int | None:
        """Read what the shell shows until it ends (a terminal is always read: a shell writing
        to a full one would wait forever); its exit status, or None if still running."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            if select.select([self.master], [], [], 0.2)[0]:
                try:
                    self.output += os.read(self.master, 65536).decode(errors="replace")
                except OSError:  # the shell closed its side
                    break
        try:
            return self.process.wait(max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            return None

    def type(self, keys: str) -> int:
        """Type keys; the position in the output from which their answer will come."""
        since = len(self.output)
        os.write(self.master, keys.encode())
        return since

    def close(self) -> int:
        """Stop the shell (if still running) and give its exit status."""
        if self.process.poll() is None:
            self.process.kill()
        code = self.process.wait(30)
        os.close(self.master)
        return code


@pytest.fixture
def terminal(tmp_path: Path, sqlite_template: Path) -> Iterator[Terminal]:
    shutil.copy(sqlite_template, tmp_path / "klik.db")
    started = Terminal(tmp_path / "klik.db")
    started.wait_for("\n> ")
    yield started
    started.close()


def test_arrow_keys_move_through_the_line_being_typed(terminal: Terminal) -> None:
    # "/tatus", five times left to just after the slash, "s": /status.
    since = terminal.type("/tatus" + LEFT * 5 + "s\r")
    terminal.wait_for(NOT_STARTED, since)


def test_the_up_arrow_brings_back_the_line_typed_before(terminal: Terminal) -> None:
    terminal.wait_for(NOT_STARTED, terminal.type("/status\r"))
    since = terminal.type(UP + "\r")
    terminal.wait_for(NOT_STARTED, since)


def test_ctrl_c_quits_and_leaves_the_terminal_as_it_was(terminal: Terminal) -> None:
    terminal.type("half a line")
    terminal.type("\x03")
    assert terminal.exit_status() == 0, terminal.output
    modes = termios.tcgetattr(terminal.master)[3]
    assert modes & termios.ECHO and modes & termios.ICANON
    assert "Traceback" not in terminal.output
