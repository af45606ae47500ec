"""What the edge cleans before an event reaches the service, so that no text a database cannot
store gets in: a NUL byte (PostgreSQL refuses it in text) or a lone surrogate (no UTF-8 for it;
SQLite and PostgreSQL refuse it). Forged button data is refused before it gets here: only data
the tapped message carries goes on (bot/channels/telegram/handlers.py)."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from typing import Any

from flows.messages import Inbound

_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON's "\ud83d" without its pair stays one


def clean(text: str) -> str:
    """The text without NUL bytes, and with a lone surrogate as the replacement character."""
    return _SURROGATE.sub("\ufffd", text.replace("\x00", ""))


def cleaned(event: Inbound) -> Inbound:
    """The event with every text in it cleaned (text, caption, button data, argument, ...)."""
    changes: dict[str, Any] = {
        field.name: clean(value)
        for field in fields(event)
        if isinstance(value := getattr(event, field.name), str) and clean(value) != value
    }
    return replace(event, **changes) if changes else event
