"""What the edge cleans or refuses before an event reaches the service, so that no value a
database cannot store gets in: a NUL byte (PostgreSQL refuses it in text), a lone surrogate
(no UTF-8 for it; SQLite and PostgreSQL refuse it), or a number in button data that no row id
can have (PostgreSQL refuses it for an integer column)."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from typing import Any

from flows.messages import Inbound

# Ids are INTEGER columns; every number in our button data is an id, a scale value or an index.
LARGEST_ID = 2**31 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON's "\ud83d" without its pair stays one
_NUMBER = re.compile("[0-9]+")


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


def forged(data: str) -> bool:
    """Button data no button of ours carries: a number larger than any id, or a digit other
    than 0-9 (str.isdigit takes "²", int() does not)."""
    if any(char.isdigit() and not "0" <= char <= "9" for char in data):
        return True
    return any(int(number) > LARGEST_ID for number in _NUMBER.findall(data))
