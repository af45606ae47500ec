"""How `klik` logs: one line per event, as key=value pairs (logfmt), e.g.

    ts=2026-11-23T13:00:00.000Z level=INFO logger=bot.services.conversation
    event=update_handled kind=tap side=youngster replies=1 stats=answered signal=- ms=3.1

(one line in the log).
A message written as key=value pairs ("event=..." first) is kept as it is; any other message
is one quoted value, `msg="..."`, its line breaks escaped, so every record is one line that a
log collector can split into fields. An error is logged as its type and where it happened
(`error=KeyError traceback="..."`), never its message: a database driver's or Telegram's
message can quote a youngster's words or a URL with the bot token. What the code logs never
holds texts, names, chat ids or tokens; this format makes sure an error does not either.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from types import TracebackType

from bot.process.redaction import PrivacyFilter, Redaction

# Libraries whose INFO lines say nothing an operator needs, or say too much: httpx logs every
# request URL, and a Telegram URL contains the bot token; aiohttp logs every request line
# (each webhook call and scrape), where Klik logs one line per handled update itself.
QUIET = (
    "httpx",
    "httpcore",
    "telegram",
    "apscheduler",
    "aiosqlite",
    "sqlalchemy",
    "alembic",  # tells at INFO how it reads the schema version, before every start
    "aiohttp.access",
    "transitions",  # a line per callback of every state change: the update's line says it
)
_BARE = re.compile(r'[^\s"=\\]+')


def quoted(value: str) -> str:
    """A logfmt value: bare when it can be, else in double quotes with \\, " and line breaks
    escaped, so the line stays one line."""
    if _BARE.fullmatch(value):
        return value
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


class KeyValueFormatter(logging.Formatter):
    """Formats a record as one logfmt line: ts, level, logger, then the event's own pairs;
    the whole line redacted (bot/process/redaction.py), its traceback included."""

    def __init__(self, redaction: Redaction | None = None) -> None:
        super().__init__()
        self.redaction = redaction or Redaction()

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        pairs = [
            f"ts={moment.strftime('%Y-%m-%dT%H:%M:%S')}.{moment.microsecond // 1000:03d}Z",
            f"level={record.levelname}",
            f"logger={record.name}",
        ]
        message = record.getMessage()
        if message.startswith("event="):
            pairs.append(message.replace("\n", "\\n").replace("\r", "\\r"))
        else:
            pairs.append(f"msg={quoted(message)}")
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            where = "".join(traceback.format_tb(error.__traceback__)).rstrip()
            shown = quoted(f"Traceback (most recent call last):\n{where}")
            pairs += [f"error={type(error).__name__}", f"traceback={shown}"]
        return self.redaction(" ".join(pairs))


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Log to stderr, one key=value line per event, at `level` and above, through the privacy
    filter: libraries only from WARNING, whatever `level` says, and no secret in any line.
    An exception nobody caught, in the main thread or another, is logged the same way (its
    type and frames) instead of Python printing its message."""
    redaction = Redaction(secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(KeyValueFormatter(redaction))
    handler.addFilter(PrivacyFilter(redaction))
    logging.basicConfig(level=level, handlers=[handler])
    # The filter drops their chatter anyway; the level spares building the records.
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)  # a warning's text goes through the filter too
    # A line that cannot be written (stderr closed) is dropped: logging's fallback would print
    # the record's message and its error's message, unfiltered, to stderr.
    logging.raiseExceptions = False
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread


def _log_uncaught(
    kind: type[BaseException], error: BaseException, where: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, where)
        return
    logging.getLogger(__name__).critical("event=uncaught_error", exc_info=(kind, error, where))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    logging.getLogger(__name__).error(
        "event=uncaught_error thread=%s",
        quoted(args.thread.name if args.thread else "?"),
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )
