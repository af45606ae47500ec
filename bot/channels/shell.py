"""`klik shell`: the intake in a terminal, through the same service, flows and database as
Telegram, so anyone can try Klik without a bot token.

A typed key taps a button. The numbers 1 to 5 are kept for the check-in scale and always mean
the same point on it (1 the worst, 5 the best), so a quick "1" can never pick the bad face on
one question because it meant "okay" on the one before; every other button gets a letter.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import string
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping

from bot.process.runtime import Runtime, utc_now
from bot.services.render import Rendered
from bot.services.sender import OutboxSender
from flows.content import Questionnaire
from flows.messages import Inbound, MediaRef
from flows.questions import question_state
from storage.intakes import find_youngster
from storage.own_data import forget_youngster

# Importing readline gives input() line editing, arrow keys and history (where it exists).
with contextlib.suppress(ImportError):
    import readline  # noqa: F401

CHANNEL, ADDRESS = "shell", "terminal"
PROMPT = "> "
Write = Callable[[str], None]


def scale_keys(questionnaire: Questionnaire) -> dict[str, str]:
    """The check-in buttons' data, each with the number of its point on the scale."""
    return {
        f"{question_state(q.id)}:{point.value}": str(point.value)
        for q in questionnaire.questions
        if q.kind == "checkin"
        for point in questionnaire.scale
    }


def _letters() -> Iterator[str]:
    """a, b, ... z, then aa, ab, ...: keys that never look like a point on the scale."""
    yield from string.ascii_lowercase
    for first in string.ascii_lowercase:
        for second in string.ascii_lowercase:
            yield first + second


class ShellTransport:
    """Prints messages; remembers the newest keyboard so a typed key can tap it."""

    channel = CHANNEL
    max_text = None  # a terminal shows any length

    def __init__(self, write: Write, scale: Mapping[str, str]) -> None:
        self.write = write
        self.scale = scale
        self.buttons: dict[str, tuple[str, str]] = {}
        self.shown = 0

    async def deliver(self, address: str, message: Rendered) -> str:
        """Show one message and its buttons, each with its key."""
        del address
        self.shown += 1
        self._show(message)
        return str(self.shown)

    async def edit(self, address: str, message_id: str, message: Rendered) -> None:
        """A terminal cannot change what it printed: show the new version."""
        del address, message_id
        self._show(message)

    async def copy(self, address: str, media: MediaRef) -> str:
        """The terminal has no media to show; say that something was sent."""
        del address, media
        self.shown += 1
        self.write("  [media]")
        return str(self.shown)

    async def send_file(self, address: str, name: str, text: str) -> str:
        """The terminal shows the file's name; its text was shown as the message before."""
        del address, text
        self.shown += 1
        self.write(f"  [{name}]")
        return str(self.shown)

    def _show(self, message: Rendered) -> None:
        self.write("")
        for line in message.text.splitlines():
            self.write(f"  {line}")
        if message.buttons:
            self.buttons = {}
            letters = _letters()
            for row in message.buttons:
                cells = []
                for label, data in row:
                    key = self.scale.get(data) or next(letters)
                    self.buttons[key] = (label, data)
                    cells.append(f"[{key}] {label}")
                self.write("    " + "   ".join(cells))


def parse(line: str, transport: ShellTransport, language: str) -> Inbound | None:
    """What a typed line means: a tap (a button's key), a command, or text."""
    text = line.strip()
    if not text:
        return None
    if text.lower() in transport.buttons:
        choice = transport.buttons[text.lower()][1]
        return Inbound("choice", choice=choice, language_hint=language)
    if text.startswith("/"):
        head, _, rest = text[1:].partition(" ")
        if head.lower() == "start":
            return Inbound("start", argument=rest.strip(), language_hint=language)
        return Inbound(
            "command", command=head.lower(), argument=rest.strip(), language_hint=language
        )
    return Inbound("text", text=text, language_hint=language)


async def read_stdin() -> str | None:
    """One line from the terminal, with line editing and history; None at the end of input.

    input() runs in a daemon thread: the service stays responsive, and Ctrl-C ends the shell
    at once instead of waiting for a line that never comes."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str | None] = loop.create_future()

    def hand_over(value: str | None) -> None:
        if not line.done():
            line.set_result(value)

    def read() -> None:
        try:
            value: str | None = input(PROMPT if sys.stdin.isatty() else "")
        except (EOFError, OSError):
            value = None
        loop.call_soon_threadsafe(hand_over, value)

    threading.Thread(target=read, name="klik-shell-input", daemon=True).start()
    return await line


@contextlib.contextmanager
def ctrl_c_cancels(task: asyncio.Task[None] | None) -> Iterator[None]:
    """Ctrl-C cancels `task`, whichever thread the signal lands in.

    Python runs a signal's handler in the main thread once it runs again; the event loop
    sleeps in the main thread while the input thread waits for a line, and a SIGINT the
    kernel hands to the input thread would not wake it: the shell would never quit. The
    loop's own signal handler is woken through its self-pipe from any thread."""
    if task is None or sys.platform == "win32":
        # Windows has no loop signal handlers: there Python's own handler stays, as before.
        yield
        return
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, task.cancel)
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


@contextlib.contextmanager
def terminal_kept() -> Iterator[None]:
    """Give the terminal back as it was, also when Ctrl-C ends the shell mid-line (readline
    turns echo off while it edits)."""
    try:
        import termios
    except ImportError:  # not on POSIX: nothing to give back
        yield
        return
    try:
        saved = termios.tcgetattr(sys.stdin)
    except (termios.error, ValueError):  # not a terminal: a pipe, a file, a test
        yield
        return
    try:
        yield
    finally:
        termios.tcsetattr(sys.stdin, termios.TCSADRAIN, saved)


def introduction(questionnaire: Questionnaire) -> list[str]:
    """How the shell works, said once at the start."""
    scale = questionnaire.scale
    return [
        "Klik shell: type as in a chat; /help, /status and /stop work.",
        f"Check-ins: type a number, always 1 = {scale[0].emoji} (worst) to "
        f"{len(scale)} = {scale[-1].emoji} (best). Other buttons: type the letter next to it.",
        "Arrow keys edit the line and bring back earlier ones. Ctrl-D or Ctrl-C quits;",
        "`klik shell --new` starts over as a new youngster.",
    ]


async def run_shell(
    runtime: Runtime,
    *,
    language: str,
    fresh: bool,
    read_line: Callable[[], Awaitable[str | None]] = read_stdin,
    write: Write = print,
) -> None:
    """Chat with the intake in a terminal until the input ends or Ctrl-C."""
    questionnaire = runtime.content.questionnaire
    transport = ShellTransport(write, scale_keys(questionnaire))
    sender = OutboxSender(runtime.db, runtime.renderer, transport, clock=utc_now)
    service = runtime.service()
    async with runtime.db.transaction() as session:
        known = await find_youngster(session, channel=CHANNEL, address=ADDRESS)
        erased = known is not None and fresh
        if known is not None and fresh:
            await forget_youngster(session, youngster_id=known.id)
            known = None
    if erased:  # as after /vergeet: the erased words leave the WAL too
        await runtime.db.after_erasure()
    for said in introduction(questionnaire):
        write(said)
    first = Inbound("start", language_hint=language)
    await service.handle(channel=CHANNEL, address=ADDRESS, event=first)
    await sender.drain()
    with terminal_kept(), ctrl_c_cancels(asyncio.current_task()):
        try:
            while (line := await read_line()) is not None:
                event = parse(line, transport, language)
                if event is None:
                    continue
                handled = await service.handle(channel=CHANNEL, address=ADDRESS, event=event)
                tap = handled.tap
                if tap is not None and tap.kind == "answered" and tap.label is not None:
                    write(f"    👉 {runtime.renderer.ref(tap.label, handled.language)}")
                elif tap is not None and tap.kind in ("stale", "unknown"):
                    notice = runtime.renderer.text(f"tap.{tap.kind}", {}, handled.language)
                    write(f"    ({notice})")
                await sender.drain()
        except asyncio.CancelledError:
            # Ctrl-C while waiting for a line: what was typed before is already kept.
            write("")
            return
