"""Plain value types that travel between channels, flows and storage.

Inbound events say who (our own youngster id or a channel address before consent) and what
(text, a button choice, a command, media). Outbound messages are data: a text key with
parameters and buttons; a channel renders them in the youngster's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from flows.parameters import check_parameters
from flows.urgency import urgency

InboundKind = Literal["start", "text", "choice", "command", "media", "edited"]


@dataclass(frozen=True)
class Inbound:
    """One thing a youngster did: typed, tapped, sent a command or media."""

    kind: InboundKind
    text: str = ""
    choice: str = ""  # callback data of a tapped button
    command: str = ""  # without the slash: "start", "stop", "opnieuw", ...
    argument: str = ""  # what followed the command, e.g. the deep-link source
    language_hint: str = ""  # the client's language, used only to pick a default
    message_id: str = ""  # the channel's id of this message, to copy media on
    reply_to: str = ""  # the channel's id of the message this one answers
    caption: str = ""  # the words under a photo, video or file (media only)
    # Which media: voice, photo, video, video_note, audio or document; "" for a sticker, a GIF
    # or anything else that is not words (media only).
    media: str = ""
    # A later part of one long text sent at once (the web chat cuts a paste into parts of a
    # message's length): the flood limit counted the text with its first part.
    continued: bool = False


@dataclass(frozen=True)
class MediaRef:
    """A voice note, photo, video or file somewhere on a channel: enough for a channel to copy
    it without its sender, never the file itself. Channel-neutral, so media can travel between
    a youngster on one channel and a coach on another; the sending channel resolves it."""

    channel: str  # where the message is: "telegram", later "web"
    address: str  # the chat it is in (goes no further than the outbox and the sender)
    message_id: str  # the channel's id of that message
    kind: str = ""  # voice, photo, video, video_note, audio, document ("" when not known)


# Before media references named their channel, the outbox kept "<chat id>:<message id>"; every
# such row was written by the Telegram channel, so that is where it is read back from.
LEGACY_MEDIA_CHANNEL = "telegram"


def media_to_json(media: MediaRef | None) -> dict[str, str] | str:
    """A media reference as outbox JSON ("" for none, as rows without a copy always had)."""
    if media is None:
        return ""
    return {
        "channel": media.channel,
        "address": media.address,
        "message_id": media.message_id,
        "kind": media.kind,
    }


def media_from_json(data: Any) -> MediaRef | None:
    """Read back a media reference, also the older "<chat id>:<message id>" form."""
    if not data:
        return None
    if isinstance(data, str):
        address, _, message_id = data.rpartition(":")
        return MediaRef(LEGACY_MEDIA_CHANNEL, address, message_id)
    return MediaRef(data["channel"], data["address"], data["message_id"], data.get("kind", ""))


@dataclass(frozen=True)
class When:
    """A moment to be shown in words in the youngster's language and the service time zone."""

    at: datetime
    style: str = "deadline"  # name of a date pattern in the texts (format.<style>)


@dataclass(frozen=True)
class Ref:
    """A reference to another text key, rendered in the same language."""

    key: str
    params: dict[str, Param] = field(default_factory=dict)
    language: str | None = None  # render in this language instead of the youngster's

    def __post_init__(self) -> None:
        check_parameters(self.key, self.params)


@dataclass(frozen=True)
class HelpLines:
    """The help lines of the service's country for one purpose (crisis, under_age, ...)."""

    purpose: str


@dataclass(frozen=True)
class CountryText:
    """Words that differ between the service's countries (an office only one country has):
    the text `country.<COUNTRY>.<name>`, picked when the message is rendered."""

    name: str


@dataclass(frozen=True)
class Duration:
    """A span of time told in words ("6 uur", "45 minuten")."""

    seconds: int


@dataclass(frozen=True)
class Joined:
    """Texts on one line, separated as the language does it ("a, b, c")."""

    items: tuple[Ref, ...]


@dataclass(frozen=True)
class Calendar:
    """An appointment as a calendar file (.ics), told when rendered: Klik and the mode in the
    reader's language, the moment, nothing else (no names, no ids)."""

    at: datetime
    mode: str
    made: datetime


Param = str | int | When | Duration | Ref | HelpLines | CountryText | Joined | Calendar | list[Ref]


@dataclass(frozen=True)
class Button:
    """An inline button: a label text key and the data it sends back when tapped."""

    label: Ref
    data: str


@dataclass(frozen=True)
class Outbound:
    """One message to send: a text key, its parameters and rows of buttons."""

    key: str
    params: dict[str, Param] = field(default_factory=dict)
    buttons: tuple[tuple[Button, ...], ...] = ()
    tag: str = ""  # remember the delivered message under this tag (to edit or reply to it)
    edit: str = ""  # edit the message delivered under this tag instead of sending a new one
    copy: MediaRef | None = None  # copy this message (media) instead of sending text
    # Send the rendered text as a file to download instead, named by this text key (e.g.
    # "mydata.file"); each channel sends a document its own way.
    document: str = ""
    # The word that an erasure is done: once it left the outbox (delivered or not), the
    # sender has the database clear its freed pages, so it leaves no trace either.
    erasure: bool = False

    def __post_init__(self) -> None:
        check_parameters(self.key, self.params)

    @property
    def priority(self) -> int:
        """How soon this message goes out when many wait (flows.urgency: crisis first)."""
        return urgency(self.key)


def param_to_json(value: Param) -> Any:
    """Turn a parameter into JSON-safe data, tagged so it can be read back."""
    if isinstance(value, str | int):
        return value
    if isinstance(value, When):
        return {"when": value.at.isoformat(), "style": value.style}
    if isinstance(value, Ref):
        return {"ref": value.key, "params": params_to_json(value.params), "lang": value.language}
    if isinstance(value, HelpLines):
        return {"help_lines": value.purpose}
    if isinstance(value, CountryText):
        return {"country": value.name}
    if isinstance(value, Duration):
        return {"duration": value.seconds}
    if isinstance(value, Joined):
        return {"joined": [param_to_json(item) for item in value.items]}
    if isinstance(value, Calendar):
        return {
            "calendar": value.at.isoformat(),
            "mode": value.mode,
            "made": value.made.isoformat(),
        }
    return {"refs": [param_to_json(item) for item in value]}


def params_to_json(params: dict[str, Param]) -> dict[str, Any]:
    """Turn a parameter mapping into JSON-safe data."""
    return {name: param_to_json(value) for name, value in params.items()}


def param_from_json(data: Any) -> Param:
    """Read back a parameter written by `param_to_json`."""
    if isinstance(data, str | int):
        return data
    if "when" in data:
        return When(datetime.fromisoformat(data["when"]), data["style"])
    if "ref" in data:
        return Ref(data["ref"], params_from_json(data["params"]), data.get("lang"))
    if "help_lines" in data:
        return HelpLines(data["help_lines"])
    if "country" in data:
        return CountryText(data["country"])
    if "duration" in data:
        return Duration(int(data["duration"]))
    if "calendar" in data:
        made = datetime.fromisoformat(data["made"])
        return Calendar(datetime.fromisoformat(data["calendar"]), data["mode"], made)
    if "joined" in data:
        refs = (param_from_json(item) for item in data["joined"])
        return Joined(tuple(ref for ref in refs if isinstance(ref, Ref)))
    return [ref for ref in (param_from_json(item) for item in data["refs"]) if isinstance(ref, Ref)]


def params_from_json(data: dict[str, Any]) -> dict[str, Param]:
    """Read back a parameter mapping written by `params_to_json`."""
    return {name: param_from_json(value) for name, value in data.items()}


def outbound_to_json(message: Outbound) -> dict[str, Any]:
    """Serialise an outbound message for the outbox table."""
    return {
        "key": message.key,
        "tag": message.tag,
        "edit": message.edit,
        "copy": media_to_json(message.copy),
        "document": message.document,
        "erasure": message.erasure,
        "params": params_to_json(message.params),
        "buttons": [
            [{"label": param_to_json(b.label), "data": b.data} for b in row]
            for row in message.buttons
        ],
    }


def outbound_from_json(data: dict[str, Any]) -> Outbound:
    """Read back an outbound message from the outbox table."""
    rows = []
    for row in data["buttons"]:
        buttons = []
        for item in row:
            label = param_from_json(item["label"])
            assert isinstance(label, Ref)
            buttons.append(Button(label, item["data"]))
        rows.append(tuple(buttons))
    return Outbound(
        data["key"],
        params_from_json(data["params"]),
        tuple(rows),
        tag=data.get("tag", ""),
        edit=data.get("edit", ""),
        copy=media_from_json(data.get("copy")),
        document=data.get("document", ""),
        erasure=bool(data.get("erasure", False)),
    )
