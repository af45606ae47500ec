"""`klik shell`: the intake in a terminal, through the same service, flows and database as
Telegram, so anyone can try Klik without a bot token. A number taps a button."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable

from bot.render import Rendered
from bot.runtime import Runtime, utc_now
from bot.sender import OutboxSender
from flows.messages import Inbound
from storage.intakes import find_youngster, forget_youngster

CHANNEL, ADDRESS = "shell", "terminal"
Write = Callable[[str], None]


class ShellTransport:
    """Prints messages; remembers the newest keyboard so a typed number can tap it."""

    channel = CHANNEL
    max_text = None  # a terminal shows any length

    def __init__(self, write: Write) -> None:
        self.write = write
        self.buttons: dict[str, tuple[str, str]] = {}
        self.shown = 0

    async def deliver(self, address: str, message: Rendered) -> str:
        """Show one message and its buttons, numbered."""
        del address
        self.shown += 1
        self._show(message)
        return str(self.shown)

    async def edit(self, address: str, message_id: str, message: Rendered) -> None:
        """A terminal cannot change what it printed: show the new version."""
        del address, message_id
        self._show(message)

    async def copy(self, address: str, source: str, message_id: str) -> str:
        """The terminal has no media to show; say that something was sent."""
        del address, source, message_id
        self.shown += 1
        self.write("  [media]")
        return str(self.shown)

    def _show(self, message: Rendered) -> None:
        self.write("")
        for line in message.text.splitlines():
            self.write(f"  {line}")
        if message.buttons:
            self.buttons = {}
            for row in message.buttons:
                cells = []
                for label, data in row:
                    number = str(len(self.buttons) + 1)
                    self.buttons[number] = (label, data)
                    cells.append(f"[{number}] {label}")
                self.write("    " + "   ".join(cells))


def parse(line: str, transport: ShellTransport, language: str) -> Inbound | None:
    """What a typed line means: a tap (a button's number), a command, or text."""
    text = line.strip()
    if not text:
        return None
    if text in transport.buttons:
        return Inbound("choice", choice=transport.buttons[text][1], language_hint=language)
    if text.startswith("/"):
        head, _, rest = text[1:].partition(" ")
        if head.lower() == "start":
            return Inbound("start", argument=rest.strip(), language_hint=language)
        return Inbound(
            "command", command=head.lower(), argument=rest.strip(), language_hint=language
        )
    return Inbound("text", text=text, language_hint=language)


async def read_stdin() -> str | None:
    """One line from the terminal, None at the end of input."""
    line = await asyncio.to_thread(sys.stdin.readline)
    return line if line else None


async def run_shell(
    runtime: Runtime,
    *,
    language: str,
    fresh: bool,
    read_line: Callable[[], Awaitable[str | None]] = read_stdin,
    write: Write = print,
) -> None:
    """Chat with the intake in a terminal until the input ends."""
    transport = ShellTransport(write)
    sender = OutboxSender(runtime.db, runtime.renderer, transport, clock=utc_now)
    service = runtime.service()
    async with runtime.db.transaction() as session:
        known = await find_youngster(session, channel=CHANNEL, address=ADDRESS)
        if known is not None and fresh:
            await forget_youngster(session, youngster_id=known.id)
            known = None
    write("Klik shell: type as in a chat. A number taps a button; /help, /status, /stop work.")
    write("Ctrl-D quits; `klik shell --new` starts over as a new youngster.")
    first = Inbound("start", language_hint=language)
    await service.handle(channel=CHANNEL, address=ADDRESS, event=first)
    await sender.drain()
    while (line := await read_line()) is not None:
        event = parse(line, transport, language)
        if event is None:
            continue
        handled = await service.handle(channel=CHANNEL, address=ADDRESS, event=event)
        tap = handled.tap
        if tap is not None and tap.kind == "answered" and tap.label is not None:
            write(f"    👉 {runtime.renderer.ref(tap.label, handled.language)}")
        elif tap is not None and tap.kind in ("stale", "unknown"):
            write(f"    ({runtime.renderer.text(f'tap.{tap.kind}', {}, handled.language)})")
        await sender.drain()
