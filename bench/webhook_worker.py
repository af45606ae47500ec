"""The worker the webhook bench (bench/webhook.py) posts to: `klik run`'s own application
(create_app, served by `serve`) in webhook mode, in a process of its own so that the CPU it
spends is the worker's alone, not the load generator's.

Everything is as `klik run` builds it (settings from the environment, logging, database,
scheduler, inbox sweep, metrics, web chat, Telegram channel through aiohttp), except:
- the clock starts at the bench's START (a Monday inside service hours) and runs from there,
  so the intake takes the same paths as in the direct bench;
- Telegram's Bot API is a stand-in served by the bench (TELEGRAM_API_BASE_URL): logging in,
  setWebhook and the taps' answers and keyboard edits reach it, never Telegram;
- the outbox sender does not run: replies stay in the outbox, as in the direct bench.

`python -m bench.webhook_worker START_ISO [PROFILE_PATH]`. With PROFILE_PATH, SIGUSR1 starts
cProfile and SIGUSR2 stops it and writes its statistics there.
"""

from __future__ import annotations

import asyncio
import cProfile
import signal
import sys
import time
from datetime import datetime, timedelta
from types import FrameType

from bot.process import app as process_app
from bot.process.config import load_settings
from bot.process.logs import configure_logging
from bot.process.redaction import secrets_of
from bot.services.conversation import Clock


def running_from(start: datetime) -> Clock:
    """Real time, but counted from `start`."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def profile_on_signals(path: str) -> None:
    """SIGUSR1 starts the profiler, SIGUSR2 stops it and writes the statistics to `path`:
    the bench profiles the load only, not the start."""
    profiler = cProfile.Profile()

    def begin(_: int, __: FrameType | None) -> None:
        profiler.enable()

    def end(_: int, __: FrameType | None) -> None:
        profiler.disable()
        profiler.dump_stats(path)

    signal.signal(signal.SIGUSR1, begin)
    signal.signal(signal.SIGUSR2, end)


def main() -> None:
    settings = load_settings()
    configure_logging(settings.log_level, secrets_of(settings, settings.database_url))
    app = process_app.create_app(settings, clock=running_from(datetime.fromisoformat(sys.argv[1])))
    # No outbox sender: the bench measures updates in, and a sender paced at Telegram's 30
    # messages a second would add its own CPU to the worker's figure.
    app.cleanup_ctx.remove(process_app._sender)
    if len(sys.argv) > 2:
        profile_on_signals(sys.argv[2])
    asyncio.run(process_app.serve(app, settings.http_host, settings.http_port))


if __name__ == "__main__":
    main()
