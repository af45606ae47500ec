"""The log's last line of defence: whatever a library or a careless line of code hands to
logging, no text, name, chat id, token or secret leaves the process.

Klik's own lines (loggers under `bot`, `storage`, `flows`) are written to hold nothing
personal; the key=value formatter (bot/process/logs.py) writes an error as its type and frames,
never its message. What is left is guarded here, by a filter on the one handler (a filter on
the root logger would not see the records its children pass up):

- A library's line below WARNING never passes, whatever LOG_LEVEL says or whoever set the
  library's level: python-telegram-bot logs every update and every request body at DEBUG,
  httpx every URL (the bot token is in it), asyncio and SQLAlchemy what they run.
- A library's line at WARNING and above keeps only the first line of its template: its
  arguments are replaced by their type (`<NetworkError>`), and whatever it quotes or puts in
  brackets is elided (asyncio names a failed callback with its arguments, a warning quotes
  its source line).
- Every line, Klik's own included and after formatting, has each configured secret (every
  SecretStr setting, the database password) and anything shaped like a bot token replaced.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable

from pydantic import BaseModel, SecretStr
from sqlalchemy.engine import make_url

OWN = ("bot", "storage", "flows")
# A Telegram bot token: the bot's id, a colon, 35 characters (in a URL after "bot").
_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
# What a library message quotes or puts in brackets, innermost first.
_ENCLOSED = re.compile(r"\([^()]*\)|<[^<>]*>|\[[^\[\]]*\]|'[^']*'|\"[^\"]*\"")
# A warning as logging.captureWarnings hands it over: where, its category, its text.
_WARNING = re.compile(r"(.*?:\d+: \w+):")
ELIDED = "…"
HIDDEN = "<hidden>"
MIN_SECRET = 6  # shorter values (a test password "x") would blank out ordinary words


def is_own(logger: str) -> bool:
    """Whether a logger is Klik's own (its lines are written to hold nothing personal)."""
    return any(logger == name or logger.startswith(f"{name}.") for name in OWN)


def secrets_of(settings: BaseModel, database_url: str | None = None) -> list[str]:
    """Every secret value in the settings (each SecretStr field, so a new one is covered
    without a change here; a bot token's secret half too) and the database password."""
    found: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
            found += [secret, secret.partition(":")[2]]
    if database_url:
        found.append(make_url(database_url).password or "")
    return [secret for secret in found if len(secret) >= MIN_SECRET]


class Redaction:
    """Replaces secrets and token-shaped strings in a text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first: a token is replaced whole before its secret half is looked for.
        self.secrets = sorted({s for s in secrets if len(s) >= MIN_SECRET}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        return _TOKEN.sub(HIDDEN, text)


class _TypeOnly:
    """An argument of a library's message, shown as its type only."""

    def __init__(self, value: object) -> None:
        self.shown = f"<{type(value).__name__}>"

    def __str__(self) -> str:
        return self.shown

    __repr__ = __str__


def library_message(record: logging.LogRecord) -> str:
    """A library's message without what it may carry: its first line, its arguments as their
    types, what it quotes or brackets elided."""
    line = str(record.msg).split("\n", 1)[0]
    if record.name == "py.warnings":  # "file.py:12: UserWarning: <its text>": not its text
        where_and_kind = _WARNING.match(line)
        line = where_and_kind.group(1) if where_and_kind else "a warning"
    shorter = _ENCLOSED.sub(ELIDED, line)
    while shorter != line:  # nested brackets: the innermost went first, now the next
        line, shorter = shorter, _ENCLOSED.sub(ELIDED, shorter)
    if record.args:
        arguments = record.args if isinstance(record.args, tuple) else (record.args,)
        # %d or %(name)s cannot take a type's name: the bare template is kept then.
        with contextlib.suppress(TypeError, ValueError, KeyError):
            line = line % tuple(_TypeOnly(a) for a in arguments)
    return line


class PrivacyFilter(logging.Filter):
    """A filter for the log handler: drops library chatter, reduces library lines, redacts
    secrets (see the module's docstring)."""

    def __init__(self, redaction: Redaction) -> None:
        super().__init__()
        self.redaction = redaction

    def filter(self, record: logging.LogRecord) -> bool:
        own = is_own(record.name)
        if not own and record.levelno < logging.WARNING:
            return False
        try:
            message = record.getMessage() if own else library_message(record)
        except Exception:  # a malformed call must not break logging: its bare template
            message = str(record.msg).split("\n", 1)[0]
        record.msg, record.args = self.redaction(message), None
        # The formatter writes an error's type and frames only; a cached text could hold more.
        record.exc_text = None
        record.stack_info = None
        return True
