"""Turns outbound messages (text keys and parameters) into words in the youngster's language.
Dates are told in words with Babel ("dinsdag 24 november om 14:00") in the service time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_timedelta

from flows.appointments.calendar import ics
from flows.content import Content
from flows.crisis import HelpLine
from flows.messages import (
    Calendar,
    CountryText,
    Duration,
    HelpLines,
    Joined,
    Outbound,
    Param,
    Ref,
    When,
)
from flows.parameters import check_parameters


@dataclass(frozen=True)
class Rendered:
    """A message ready for a channel: its text and rows of (label, data) buttons."""

    text: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()


class Renderer:
    """Renders outbound messages with the content texts; one instance serves everyone."""

    def __init__(self, content: Content, *, timezone: ZoneInfo, country: str) -> None:
        self.content = content
        self.timezone = timezone
        self.country = country

    def render(self, message: Outbound, language: str) -> Rendered:
        """The message's text and buttons in a language."""
        text = self.text(message.key, message.params, language)
        buttons = tuple(
            tuple((self.ref(b.label, language), b.data) for b in row) for row in message.buttons
        )
        return Rendered(text, tuple(row for row in buttons if row))

    def text(self, key: str, params: dict[str, Param], language: str) -> str:
        """One text key with its parameters filled in."""
        check_parameters(key, params)
        values = {name: self.param(value, language) for name, value in params.items()}
        return self.content.text(language, key).format(**values)

    def ref(self, ref: Ref, language: str) -> str:
        """A referenced text, in its own language when it names one."""
        return self.text(ref.key, ref.params, ref.language or language)

    def param(self, value: Param, language: str) -> str:
        """One parameter as words."""
        if isinstance(value, str | int):
            return str(value)
        if isinstance(value, When):
            pattern = self.content.text(language, f"format.{value.style}")
            return format_datetime(value.at.astimezone(self.timezone), pattern, locale=language)
        if isinstance(value, Ref):
            return self.ref(value, language)
        if isinstance(value, Duration):
            span = timedelta(seconds=value.seconds)
            return format_timedelta(span, threshold=1.5, locale=language)
        if isinstance(value, Joined):
            separator = self.content.text(language, "list.separator")
            return separator.join(self.ref(item, language) for item in value.items)
        if isinstance(value, Calendar):
            mode = Ref(f"appointment.name.{value.mode}")
            summary = self.text("appointment.ics_summary", {"mode": mode}, language)
            return ics(value.at, summary, value.made)
        if isinstance(value, CountryText):
            return self.text(f"country.{self.country}.{value.name}", {}, language)
        if isinstance(value, HelpLines):
            lines = self.help_lines(value.purpose)
            return "\n".join(self.help_line(line, language) for line in lines)
        return "\n".join(self.ref(item, language) for item in value)

    def help_lines(self, purpose: str) -> list[HelpLine]:
        """The help lines of the service's country for a purpose (crisis, under_age, ...)."""
        lines: list[HelpLine] = getattr(self.content.crisis.help_lines[self.country], purpose)
        return lines

    def help_line(self, line: HelpLine, language: str) -> str:
        """One help line: name, how to reach it, and what it is."""
        contact = " · ".join(
            part for part in (f"☎️ {line.phone}" if line.phone else "", line.url or "") if part
        )
        return self.text(
            "help_line.line",
            {"name": line.name, "contact": contact, "text": line.text[language]},
            language,
        )
