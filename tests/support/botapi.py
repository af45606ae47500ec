"""A stand-in for the Telegram Bot API, for end-to-end tests without network access.

`FakeBotApi` is a small aiohttp server on 127.0.0.1 that speaks the Bot API's JSON the way
Telegram does, so the real bot (python-telegram-bot, polling mode) can run against it via
``base_url``. It runs in a background thread with its own event loop, so sync tests, async
tests and a bot in a subprocess can all use it. Tests drive it from the user's side
(``send_text``, ``tap``, ...) and observe the bot's side (``messages``, ``requests``, ...)::

    with FakeBotApi(token="123:ABC") as api:
        api.user(42, first_name="Sam")
        ...  # start the bot with base_url=api.base_url
        api.wait_until_polling()
        api.send_command(42, "/start")
        welcome = api.wait_for_message(42, contains="Welkom")
        api.tap(42, welcome["message_id"], text="Ja")

Deviations from real Telegram are deliberate simplifications; they are listed in the
docstring of `FakeBotApi`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import hashlib
import html
import itertools
import json
import logging
import re
import socket
import threading
import time
import traceback
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.webhooks import Delivery, Pusher, Webhook, WebhookRefused, forwarded, post

JSON = dict[str, Any]

_LOGGER = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": ..., ...}``."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{status} {description}")
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def _parse_error(detail: str) -> ApiError:
    return _bad_request(f"can't parse entities: {detail}")


# --------------------------------------------------------------------------------------------
# Formatted text: parse_mode, entities, UTF-16 offsets
# --------------------------------------------------------------------------------------------

_TEXT_LIMIT = 4096
_CAPTION_LIMIT = 1024

_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
}
_HTML_ATTR = re.compile(
    r"([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?"
)
_HTML_CHAR_REF = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}

_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _utf16_len(text: str) -> int:
    """Entity offsets and lengths count UTF-16 code units, as in the Bot API."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    """Telegram reports parse errors at UTF-8 byte offsets."""
    return len(text[:index].encode("utf-8"))


class _TextBuilder:
    """Collects the visible text while parsing, tracking its UTF-16 length."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.length = 0

    def add(self, chunk: str) -> None:
        self._parts.append(chunk)
        self.length += _utf16_len(chunk)

    def text(self) -> str:
        return "".join(self._parts)


def _entity(kind: str, start: int, end: int, **extra: Any) -> JSON:
    return {"type": kind, "offset": start, "length": end - start, **extra}


def _parse_html(source: str) -> tuple[str, list[JSON]]:
    """Parses HTML the way tdlib does, with its error messages for broken markup."""
    out = _TextBuilder()
    entities: list[JSON] = []
    stack: list[tuple[str, int, dict[str, str]]] = []  # (tag, start offset, attributes)
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char == "&":
            ref = _HTML_CHAR_REF.match(source, i)
            if ref:
                number, hex_number, name = ref.groups()
                code = int(number) if number else int(hex_number, 16) if hex_number else 0
                out.add(_HTML_NAMED[name] if name else chr(min(code, 0x10FFFF)))
                i = ref.end()
                continue
        if char != "<":
            out.add(char)
            i += 1
            continue
        at = _byte_offset(source, i)
        end = i + (2 if source.startswith("</", i) else 1)
        while end < n and not source[end].isspace() and source[end] != ">":
            end += 1
        if source.startswith("</", i):
            if not stack:
                raise _parse_error(f"Unexpected end tag at byte offset {at}")
            name = source[i + 2 : end].lower()
            while end < n and source[end].isspace():
                end += 1
            if end >= n or source[end] != ">":
                raise _parse_error(f"Unclosed end tag at byte offset {at}")
            tag, start, tag_attrs = stack.pop()
            if name and name != tag:
                raise _parse_error(
                    f'Unmatched end tag at byte offset {at}, expected "</{tag}>", found "</{name}>"'
                )
            entity = _html_entity(tag, start, out.length, tag_attrs, stack)
            if entity is not None:
                entities.append(entity)
            i = end + 1
            continue
        if end >= n:
            raise _parse_error(f"Unclosed start tag at byte offset {at}")
        tag = source[i + 1 : end].lower()
        if tag not in _HTML_TAGS:
            raise _parse_error(f'Unsupported start tag "{tag}" at byte offset {at}')
        attrs: dict[str, str] = {}
        while True:
            while end < n and source[end].isspace():
                end += 1
            if end >= n:
                raise _parse_error(f"Unclosed start tag at byte offset {at}")
            if source[end] == ">":
                break
            attr = _HTML_ATTR.match(source, end)
            if attr is None:
                raise _parse_error(f'Empty attribute name in the tag "{tag}" at byte offset {at}')
            value = next((g for g in attr.groups()[1:] if g is not None), "")
            attrs[attr.group(1).lower()] = html.unescape(value)
            end = attr.end()
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise _parse_error(f'Tag "span" must have class "tg-spoiler" at byte offset {at}')
        stack.append((tag, out.length, attrs))
        i = end + 1
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.text(), entities


def _html_entity(
    tag: str,
    start: int,
    end: int,
    attrs: dict[str, str],
    stack: list[tuple[str, int, dict[str, str]]],
) -> JSON | None:
    if end == start:
        return None  # Telegram drops empty entities
    if tag == "a":
        url = attrs.get("href", "")
        return _entity("text_link", start, end, url=url) if url else None
    language = attrs.get("class", "")
    if tag == "code" and stack and stack[-1][0] == "pre" and language.startswith("language-"):
        # <pre><code class="language-x"> is one pre entity with a language
        stack[-1][2]["language"] = language.removeprefix("language-")
        return None
    if tag == "pre" and attrs.get("language"):
        return _entity("pre", start, end, language=attrs["language"])
    if tag == "blockquote" and "expandable" in attrs:
        return _entity("expandable_blockquote", start, end)
    if tag == "tg-emoji":
        return _entity("custom_emoji", start, end, custom_emoji_id=attrs.get("emoji-id", ""))
    return _entity(_HTML_TAGS[tag], start, end)


@dataclass
class _OpenEntity:
    kind: str
    start: int
    at: int  # byte offset of the opening delimiter, for error messages
    language: str = ""


def _mdv2_closes(kind: str, source: str, i: int) -> bool:
    char = source[i]
    return {
        "bold": char == "*",
        "italic": char == "_" and not source.startswith("__", i),
        "underline": source.startswith("__", i),
        "strikethrough": char == "~",
        "spoiler": source.startswith("||", i),
        "code": char == "`",
        "pre": source.startswith("```", i),
        "text_link": char == "]",
    }[kind]


def _parse_markdown_v2(source: str) -> tuple[str, list[JSON]]:
    """Parses MarkdownV2, refusing unescaped reserved characters like Telegram does."""
    out = _TextBuilder()
    entities: list[JSON] = []
    stack: list[_OpenEntity] = []
    quote_start: int | None = None
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        in_code = bool(stack) and stack[-1].kind in ("code", "pre")
        if not in_code and (i == 0 or source[i - 1] == "\n"):
            if char == ">":  # a quoted line; consecutive quoted lines form one blockquote
                quote_start = out.length if quote_start is None else quote_start
                i += 1
                continue
            if quote_start is not None:  # the quote ended with the previous line break
                entities.append(_entity("blockquote", quote_start, out.length - 1))
                quote_start = None
        if char == "\\" and i + 1 < n and 0 < ord(source[i + 1]) <= 126:
            out.add(source[i + 1])
            i += 2
            continue
        if char not in ("`" if in_code else _MDV2_RESERVED):
            out.add(char)
            i += 1
            continue
        if stack and _mdv2_closes(stack[-1].kind, source, i):
            opened = stack.pop()
            if opened.kind == "text_link":
                i, url = _mdv2_link_target(source, i + 1)
                if url and out.length > opened.start:
                    entities.append(_entity("text_link", opened.start, out.length, url=url))
                continue
            i += {"underline": 2, "spoiler": 2, "pre": 3}.get(opened.kind, 1)
            if out.length > opened.start:
                extra = {"language": opened.language} if opened.language else {}
                entities.append(_entity(opened.kind, opened.start, out.length, **extra))
            continue
        if in_code:  # a lone backtick inside pre is just text
            out.add(char)
            i += 1
            continue
        opened = _OpenEntity("", out.length, _byte_offset(source, i))
        if source.startswith("__", i):
            opened.kind, i = "underline", i + 2
        elif source.startswith("||", i):
            opened.kind, i = "spoiler", i + 2
        elif source.startswith("```", i):
            opened.kind, i = "pre", i + 3
            line_end = source.find("\n", i)
            if line_end != -1 and not any(c.isspace() for c in source[i:line_end]):
                opened.language, i = source[i:line_end], line_end + 1
        elif char in "_*~[`":
            kinds = {"_": "italic", "*": "bold", "~": "strikethrough", "[": "text_link"}
            opened.kind, i = kinds.get(char, "code"), i + 1
        else:
            raise _parse_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        stack.append(opened)
    if stack:
        name = _MDV2_NAMES[stack[-1].kind]
        raise _parse_error(f"Can't find end of {name} entity at byte offset {stack[-1].at}")
    if quote_start is not None:
        entities.append(_entity("blockquote", quote_start, out.length))
    return out.text(), entities


def _mdv2_link_target(source: str, i: int) -> tuple[int, str]:
    """Reads the ``(url)`` after ``[text]``; returns the new position and the url."""
    if not source.startswith("(", i):
        return i, ""
    chars: list[str] = []
    j = i + 1
    while j < len(source) and source[j] != ")":
        if source[j] == "\\" and j + 1 < len(source):
            j += 1
        chars.append(source[j])
        j += 1
    if j >= len(source):
        raise _parse_error(f"Can't find end of a url at byte offset {_byte_offset(source, i)}")
    return j + 1, "".join(chars)


def _parse_markdown(source: str) -> tuple[str, list[JSON]]:
    """Parses legacy Markdown (``*bold* _italic_ `code` ```pre``` [text](url)``)."""
    out = _TextBuilder()
    entities: list[JSON] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char == "\\" and i + 1 < n and source[i + 1] in "_*`[":
            out.add(source[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.add(char)
            i += 1
            continue
        delimiter = "```" if source.startswith("```", i) else "]" if char == "[" else char
        end = source.find(delimiter, i + (3 if delimiter == "```" else 1))
        if end == -1:
            raise _parse_error(
                f"Can't find end of the entity starting at byte offset {_byte_offset(source, i)}"
            )
        body = source[i + (3 if delimiter == "```" else 1) : end]
        i = end + len(delimiter)
        start = out.length
        if delimiter == "]":
            out.add(body)
            close = source.find(")", i) if source.startswith("(", i) else -1
            if close != -1:
                if body:
                    entities.append(
                        _entity("text_link", start, out.length, url=source[i + 1 : close])
                    )
                i = close + 1
            continue
        extra: JSON = {}
        if delimiter == "```" and "\n" in body and " " not in body.split("\n", 1)[0]:
            language, body = body.split("\n", 1)
            extra = {"language": language} if language else {}
        out.add(body)
        if body:
            kind = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}[delimiter]
            entities.append(_entity(kind, start, out.length, **extra))
    return out.text(), entities


def _parse_formatting(source: str, parse_mode: str) -> tuple[str, list[JSON]]:
    parsers = {"html": _parse_html, "markdownv2": _parse_markdown_v2, "markdown": _parse_markdown}
    parser = parsers.get(parse_mode.lower())
    if parser is None:
        raise _bad_request("unsupported parse_mode")
    text, entities = parser(source)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return text, entities


def _strip(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Telegram trims leading and trailing whitespace of texts and captions."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = _utf16_len(text[: len(text) - len(text.lstrip())])
    limit = _utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def _command_entities(text: str) -> list[JSON]:
    """The bot_command entities Telegram attaches to a user's text."""
    return [
        _entity("bot_command", _utf16_len(text[: m.start()]), _utf16_len(text[: m.end()]))
        for m in _COMMAND.finditer(text)
    ]


# --------------------------------------------------------------------------------------------
# Request parameters
# --------------------------------------------------------------------------------------------

# Form-encoded requests carry every value as a string (PTB JSON-encodes non-string values);
# these tables turn them back into what a JSON body would carry, so handlers and `requests()`
# see the same thing either way. Unknown parameters stay strings.
_JSON_PARAMS = _words(
    "reply_markup entities caption_entities reply_parameters link_preview_options "
    "commands scope allowed_updates media"
)
_INT_PARAMS = _words(
    "chat_id from_chat_id message_id offset limit reply_to_message_id cache_time "
    "duration message_thread_id max_connections user_id"
)
_FLOAT_PARAMS = frozenset({"timeout"})
_BOOL_PARAMS = _words(
    "disable_notification protect_content show_alert drop_pending_updates "
    "allow_sending_without_reply disable_web_page_preview has_spoiler "
    "show_caption_above_media allow_paid_broadcast"
)


def _decode_value(key: str, value: str) -> Any:
    try:
        if key in _JSON_PARAMS:
            return json.loads(value)
        if key in _INT_PARAMS:
            return int(value)
        if key in _FLOAT_PARAMS:
            return float(value)
    except ValueError:
        return value  # left as it came; the handler refuses it like Telegram would
    if key in _BOOL_PARAMS:
        return value.lower() in ("true", "1")
    return value


def _decode_params(raw: Mapping[str, Any]) -> JSON:
    return {
        key: _decode_value(key, value) if isinstance(value, str) else value
        for key, value in raw.items()
    }


async def _read_params(request: web.Request) -> JSON:
    """Query string plus a JSON, form-encoded or multipart body, as Telegram accepts them."""
    params: JSON = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise _bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise _bad_request("can't parse JSON object")
        params.update(body)
        return params
    for key, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            with value.file:  # aiohttp spools uploads to a temporary file; close it
                size = len(value.file.read())
            params[key] = {
                "filename": value.filename,
                "size": size,
                "content_type": value.content_type,
            }
        else:
            params[key] = value
    return params


# --------------------------------------------------------------------------------------------
# Reply markup
# --------------------------------------------------------------------------------------------

_INLINE_ACTIONS = _words(
    "url callback_data web_app login_url switch_inline_query "
    "switch_inline_query_current_chat switch_inline_query_chosen_chat copy_text "
    "callback_game pay"
)


def _check_reply_markup(value: Any) -> JSON | None:
    """Validates a reply_markup parameter; an inline keyboard without buttons counts as none."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in value:
        if not {"keyboard", "remove_keyboard", "force_reply"} & value.keys():
            raise _bad_request("can't parse reply keyboard markup JSON object")
        return value
    rows = value["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    for button in itertools.chain.from_iterable(rows):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise _bad_request("can't parse inline keyboard button: Text must be a String")
        if not _INLINE_ACTIONS & button.keys():
            raise _bad_request("text buttons are unallowed in the inline keyboard")
        data = button.get("callback_data")
        if "callback_data" in button and (
            not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64
        ):
            raise _bad_request("BUTTON_DATA_INVALID")
        url = button.get("url")
        if "url" in button and (not isinstance(url, str) or not url or " " in url):
            raise _bad_request("BUTTON_URL_INVALID")
    return value if any(rows) else None


def _buttons(message: JSON) -> list[JSON]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return list(itertools.chain.from_iterable(rows))


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user with a private chat with the bot (chat id == user id)."""

    id: int
    first_name: str = "Jo"
    username: str | None = None
    language_code: str | None = "nl"

    def to_dict(self) -> JSON:
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat(self) -> JSON:
        chat: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class _Stored:
    """A message in a chat as it currently is; deleted messages stay, flagged."""

    message: JSON
    from_bot: bool
    deleted: bool = False


@dataclass
class _Call:
    method: str
    params: JSON
    arrived: float  # time.monotonic() when its request reached the stand-in
    status: int | None = None  # None while the call is in flight (long polls)
    description: str | None = None
    answered: float = 0.0  # time.monotonic() when the answer was decided


@dataclass(frozen=True)
class Accepted:
    """A call that took effect: when its request arrived, when it took effect (both
    ``time.monotonic()``, which is one clock for every process on the machine) and its
    parameters. Between the two the client may have died: the call counts all the same."""

    arrived: float
    answered: float
    params: JSON


@dataclass
class _Fault:
    remaining: int
    status: int = 0
    description: str = ""
    retry_after: int | None = None
    seconds: float = 0.0  # for delays
    skip: int = 0  # calls to let through before this one applies


@dataclass
class _File:
    kind: str
    media: Any  # the object a message carries: a dict, or a list of sizes for photos


@dataclass
class _Query:
    user_id: int
    answer: JSON | None = None  # the answerCallbackQuery parameters, once answered


@dataclass
class _Poll:
    """Long-poll bookkeeping that lives in the server's event loop."""

    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    closing: asyncio.Event = field(default_factory=asyncio.Event)


def _now() -> int:
    return int(time.time())


_PATH = re.compile(r"/bot(?P<token>[^/]*)/(?P<method>[A-Za-z0-9_]+)/?")
_FILE_PREFIXES = {
    "photo": "AgACAgIAAxkBAAI",
    "voice": "AwACAgIAAxkBAAI",
    "document": "BQACAgIAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
}
_CONTENT_KEYS = _words("text entities photo voice document sticker caption caption_entities")
_CHAT_ACTIONS = _words(
    "typing upload_photo record_video upload_video record_voice upload_voice "
    "upload_document choose_sticker find_location record_video_note "
    "upload_video_note"
)


# --------------------------------------------------------------------------------------------
# The stand-in
# --------------------------------------------------------------------------------------------


class FakeBotApi:
    """A Bot API stand-in on 127.0.0.1 with a thread-safe control API for tests.

    Deliberate deviations from real Telegram:

    - Only private chats; a chat exists once ``user()`` registered it, and nobody blocks the
      bot (use ``fail_next(..., status=403)`` for that).
    - Webhooks (``setWebhook`` needs https, ``getUpdates`` then answers 409) are posted to
      once ``forward_webhooks()`` says where the proxy in front of the bot forwards them; one
      update at a time, see tests/support/webhooks.py.
    - Text limits count code points; entity offsets are UTF-16 like Telegram's. User texts
      get ``bot_command`` entities only (no url/mention/hashtag detection).
    - HTML/Markdown parsing follows tdlib's rules and messages closely, not byte for byte.
    - Media are metadata only: no getFile or downloads; a known file_id, an ``http(s)``
      URL or an upload are accepted.
    - Callback queries never expire; they may be answered once.
    - Message objects carry ``reply_markup`` only for inline keyboards (as Telegram does);
      the reply keyboard a user currently sees is available from ``reply_keyboard()``.
    """

    def __init__(
        self,
        token: str = "123456789:TEST-klik-token",
        *,
        bot_first_name: str = "Klik",
        bot_username: str = "klik_test_bot",
    ) -> None:
        if not re.fullmatch(r"\d+:[\w-]+", token):
            raise ValueError(f"not a bot token: {token!r}")
        self._token = token
        self._bot: JSON = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        # One lock guards all state; the condition wakes `wait_for` on every change.
        self._changed = threading.Condition(threading.RLock())
        self._users: dict[int, FakeUser] = {}
        self._chats: dict[int, dict[int, _Stored]] = {}  # chat id -> message id -> message
        self._next_message_id: dict[int, int] = {}
        self._reply_keyboards: dict[int, JSON] = {}
        self._updates: list[JSON] = []
        self._update_ids = itertools.count(1)
        self._allowed_updates: list[str] = []
        self._queries: dict[str, _Query] = {}
        self._query_ids = itertools.count(4_417_061_234_567_890_001)
        self._files: dict[str, _File] = {}
        self._file_numbers = itertools.count(1)
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._webhook: Webhook | None = None
        self._forward_to = ""  # where the proxy in front of the bot forwards webhook posts
        self._deliveries: list[Delivery] = []
        self._pusher: asyncio.Task[None] | None = None
        self._calls: list[_Call] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, list[_Fault]] = {}
        self._poll_count = 0
        self._poll_generation = 0
        self._internal_errors: list[str] = []
        self._limited: dict[int, int] = {}  # chat id -> retry_after of its flood control
        self._down = False
        self._down_on = ""  # go down when a call of this method arrives
        self._site: web.SockSite | None = None
        self._handlers: dict[str, Callable[[JSON], Any]] = {
            "getMe": lambda params: self.bot_user,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "copyMessage": self._copy_message,
            "sendPhoto": lambda params: self._send_media("photo", params),
            "sendDocument": lambda params: self._send_media("document", params),
            "sendVoice": lambda params: self._send_media("voice", params),
        }
        # Telegram method names are case-insensitive.
        self._method_names = {name.lower(): name for name in [*self._handlers, "getUpdates"]}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._poll: _Poll | None = None
        self._gate = asyncio.Event()
        self._port = 0

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeBotApi:
        """Starts serving on a free port of 127.0.0.1; returns self."""
        if self._thread is not None:
            raise RuntimeError("FakeBotApi is already running")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # So come_back() can listen on the port again while connections of before linger.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run_loop, args=(self._loop,), name="FakeBotApi", daemon=True
        )
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self._open(sock), self._loop).result(timeout=10)
        except BaseException:
            sock.close()
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stops the server; pending long polls and delayed responses end at once."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(self._close(), loop).result(timeout=10)
        finally:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            self._loop = self._thread = None
            self._runner = self._poll = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def token(self) -> str:
        return self._token

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """What to give PTB as ``base_url``; it appends ``<token>/<method>``."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def bot_user(self) -> JSON:
        """The bot's User object, as getMe returns it."""
        return {
            **self._bot,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    # ---- control API: the user's side -----------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "Jo",
        username: str | None = None,
        language_code: str | None = "nl",
    ) -> FakeUser:
        """Registers (or updates) a user and their private chat with the bot."""
        person = FakeUser(user_id, first_name, username, language_code)
        with self._changed:
            self._users[user_id] = person
            self._chats.setdefault(user_id, {})
            self._changed.notify_all()
        return person

    def send_text(self, user_id: int, text: str, *, reply_to: int | None = None) -> JSON:
        """The user sends a text (optionally as a reply to a message in their chat); /commands
        in it get bot_command entities."""
        content: JSON = {"text": text}
        if entities := _command_entities(text):
            content["entities"] = entities
        return self._user_message(user_id, content, reply_to=reply_to)

    def send_command(self, user_id: int, command: str) -> JSON:
        """The user sends a command such as ``"/start insta"``."""
        if not _COMMAND.match(command):
            raise ValueError(f"not a command: {command!r}")
        return self.send_text(user_id, command)

    def send_unreadable(self, user_id: int, text: str) -> JSON:
        """The user sends a text that arrives in a form python-telegram-bot cannot read: an
        entity without offset and length, as a Bot API newer than the library might send.
        Parsing the update raises; the bot must skip it and serve the next one."""
        return self._user_message(user_id, {"text": text, "entities": [{"type": "bold"}]})

    def send_sticker(self, user_id: int, *, emoji: str = "👍") -> JSON:
        return self._user_message(user_id, {"sticker": self._new_media("sticker", emoji=emoji)})

    def send_photo(self, user_id: int, *, caption: str | None = None) -> JSON:
        return self._user_message(
            user_id, _with_caption({"photo": self._new_media("photo")}, caption)
        )

    def send_voice(self, user_id: int, *, duration: int = 4) -> JSON:
        return self._user_message(user_id, {"voice": self._new_media("voice", duration=duration)})

    def send_document(
        self,
        user_id: int,
        *,
        file_name: str = "verslag.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> JSON:
        media = self._new_media("document", file_name=file_name, mime_type=mime_type)
        return self._user_message(user_id, _with_caption({"document": media}, caption))

    def edit_text(self, user_id: int, message_id: int, new_text: str) -> JSON:
        """The user edits one of their texts; the bot gets an ``edited_message`` update."""
        with self._changed:
            stored = self._find(user_id, message_id)
            if stored is None or stored.from_bot or "text" not in stored.message:
                raise ValueError(f"user {user_id} has no text message #{message_id}")
            stored.message["text"] = new_text
            stored.message.pop("entities", None)
            if entities := _command_entities(new_text):
                stored.message["entities"] = entities
            stored.message["edit_date"] = _now()
            self._push_update("edited_message", stored.message)
            return copy.deepcopy(stored.message)

    def tap(
        self, user_id: int, message_id: int, *, data: str | None = None, text: str | None = None
    ) -> str:
        """Presses an inline button, found by callback_data or label on the message as it
        currently is; returns the callback query id."""
        if (data is None) == (text is None):
            raise ValueError("pass exactly one of data= or text=")
        with self._changed:
            person = self._require_user(user_id)
            stored = self._find(user_id, message_id)
            if stored is None or not stored.from_bot:
                raise AssertionError(
                    f"no bot message #{message_id} in chat {user_id} to tap on\n"
                    + self._describe_chat(user_id)
                )
            buttons = _buttons(stored.message)
            key, value = ("callback_data", data) if data is not None else ("text", text)
            button = next((b for b in buttons if b.get(key) == value), None)
            if button is None:
                raise AssertionError(
                    f"message #{message_id} in chat {user_id} has no button with {key} "
                    f"{value!r}; its buttons: {_describe_buttons(stored.message) or 'none'}"
                )
            if "callback_data" not in button:
                raise AssertionError(f"button {button['text']!r} sends no callback: {button}")
            return self._push_callback(person, stored.message, button["callback_data"])

    def tap_raw(self, user_id: int, message_id: int, data: str) -> str:
        """Sends a callback query with arbitrary (forged) data, unchecked against the keyboard.
        A missing message is delivered as an inaccessible one (date 0), like Telegram."""
        with self._changed:
            person = self._require_user(user_id)
            stored = self._find(user_id, message_id)
            if stored is not None:
                message = stored.message
            else:
                message = {"chat": person.chat(), "message_id": message_id, "date": 0}
            return self._push_callback(person, message, data)

    # ---- control API: what the bot did ----------------------------------------------------

    def messages(self, chat_id: int) -> list[JSON]:
        """The bot's messages to a chat as they currently are, oldest first."""
        with self._changed:
            return [
                copy.deepcopy(s.message)
                for s in self._chats.get(chat_id, {}).values()
                if s.from_bot and not s.deleted
            ]

    def message_after(
        self, chat_id: int, *, contains: str, after_message_id: int | None = None
    ) -> JSON | None:
        """The first bot message to a chat containing ``contains`` (newer than
        ``after_message_id``), or None yet; cheap enough to ask for hundreds of chats often."""
        with self._changed:
            for stored in self._chats.get(chat_id, {}).values():
                message = stored.message
                if (
                    stored.from_bot
                    and not stored.deleted
                    and (after_message_id is None or message["message_id"] > after_message_id)
                    and contains in _body(message)
                ):
                    return copy.deepcopy(message)
            return None

    def last_message(self, chat_id: int) -> JSON | None:
        found = self.messages(chat_id)
        return found[-1] if found else None

    def reply_keyboard(self, chat_id: int) -> JSON | None:
        """The reply keyboard (ReplyKeyboardMarkup) the user currently sees, if any."""
        with self._changed:
            return copy.deepcopy(self._reply_keyboards.get(chat_id))

    def requests(self, method: str | None = None) -> list[tuple[str, JSON]]:
        """Every call the bot made (also refused ones), with decoded parameters."""
        with self._changed:
            return [
                (call.method, copy.deepcopy(call.params))
                for call in self._calls
                if method is None or call.method.lower() == method.lower()
            ]

    def accepted(self, method: str) -> list[tuple[float, JSON]]:
        """Every call of ``method`` that took effect (answered 200), in the order they
        arrived: when it took effect (``time.monotonic()``) and its parameters. A call whose
        answer the bot never read (it was killed, the network broke) counts, as at Telegram."""
        return [(call.answered, call.params) for call in self.accepted_calls(method)]

    def accepted_calls(self, method: str) -> list[Accepted]:
        """As accepted(), with when each call's request arrived as well."""
        with self._changed:
            return [
                Accepted(call.arrived, call.answered, copy.deepcopy(call.params))
                for call in self._calls
                if call.method.lower() == method.lower() and call.status == 200
            ]

    def callback_answer(self, query_id: str) -> JSON | None:
        """How the bot answered a callback query (its parameters), or None if not yet."""
        with self._changed:
            if query_id not in self._queries:
                raise KeyError(f"no callback query {query_id!r}")
            return copy.deepcopy(self._queries[query_id].answer)

    def commands(self, language_code: str | None = None, scope: str = "default") -> list[JSON]:
        """The command list set for a scope ("default", "all_private_chats", "chat:42", ...)
        and language ("" or None for all languages)."""
        with self._changed:
            return copy.deepcopy(self._commands.get((scope, language_code or ""), []))

    def pending_updates(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        with self._changed:
            return len(self._updates)

    def take_updates(self) -> list[JSON]:
        """Takes the queued updates off the queue, oldest first, for a test that delivers
        them itself (to webhook workers, tests/support/balancer.py)."""
        with self._changed:
            taken, self._updates = self._updates, []
            return taken

    # ---- control API: waiting -------------------------------------------------------------

    def wait_for(self, predicate: Callable[[FakeBotApi], bool], timeout: float = 10.0) -> None:
        """Waits until ``predicate(api)`` holds; raises AssertionError after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"condition not met within {timeout}s\n{self._describe_calls()}"
                    )
                self._changed.wait(min(remaining, 0.25))

    def wait_for_message(
        self,
        chat_id: int,
        *,
        contains: str | None = None,
        count: int | None = None,
        after_message_id: int | None = None,
        timeout: float = 10.0,
    ) -> JSON:
        """Waits for a bot message to ``chat_id`` (text or caption containing ``contains``,
        newer than ``after_message_id``) and returns it: the first such message, or with
        ``count`` the count-th, once there are that many."""
        wanted = 1 if count is None else count
        if wanted < 1:
            raise ValueError("count must be at least 1")
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [
                    m
                    for m in self.messages(chat_id)
                    if (after_message_id is None or m["message_id"] > after_message_id)
                    and (contains is None or contains in _body(m))
                ]
                if len(found) >= wanted:
                    return found[wanted - 1]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    what = f" containing {contains!r}" if contains is not None else ""
                    what += f" after #{after_message_id}" if after_message_id is not None else ""
                    raise AssertionError(
                        f"expected {wanted} bot message(s) to chat {chat_id}{what} within "
                        f"{timeout}s, found {len(found)}\n{self._describe_chat(chat_id)}"
                    )
                self._changed.wait(min(remaining, 0.25))

    def wait_until_polling(self, timeout: float = 10.0) -> bool:
        """Waits until the bot has called getUpdates at least once; returns True."""
        self.wait_for(lambda api: api._poll_count > 0, timeout)
        return True

    # ---- control API: fault injection -----------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
        after: int = 0,
    ) -> None:
        """The next ``times`` calls of ``method`` fail with ``status`` without taking effect,
        once ``after`` more calls went through. 429 answers carry ``parameters.retry_after``
        like Telegram's flood control."""
        if status < 400 or times < 1 or after < 0:
            raise ValueError("status must be an error status, times at least 1, after >= 0")
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if status == 429
                else _DEFAULT_DESCRIPTIONS.get(status, "Error")
            )
        fault = _Fault(times, status, description, retry_after if status == 429 else None)
        fault.skip = after
        with self._changed:
            self._faults.setdefault(method.lower(), []).append(fault)

    def hold(self) -> None:
        """Holds every call that arrives from now on before it takes effect, until release().
        A held call whose client is gone meanwhile (killed) never takes effect: it never
        reached Telegram. Calls taking effect already are answered as usual."""
        self._in_loop(self._set_gate(False))

    def release(self) -> None:
        """Lets the held calls, and every later one, take effect again."""
        self._in_loop(self._set_gate(True))

    async def _set_gate(self, open_: bool) -> None:
        if open_:
            self._gate.set()
        else:
            self._gate.clear()

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Holds back the response to the next ``times`` calls of ``method`` by ``seconds``.
        The call still takes effect (like a slow network on the way back), so a client that
        times out and retries may e.g. send a message twice."""
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._changed:
            self._delays.setdefault(method.lower(), []).append(_Fault(times, seconds=seconds))

    def rate_limit(self, chat_id: int, retry_after: int | None = 30) -> None:
        """From now on every message the bot sends to ``chat_id`` (sendMessage, copyMessage,
        edits, media) is refused with 429 and ``retry_after``, like Telegram's flood control
        for one chat, without taking effect; ``None`` lifts it. Other chats are served."""
        with self._changed:
            if retry_after is None:
                self._limited.pop(chat_id, None)
            else:
                self._limited[chat_id] = retry_after

    def go_down(self, *, on: str | None = None) -> None:
        """Telegram goes away: the port refuses new connections, and calls on connections
        that stay open (also waiting long polls) are cut off without an answer. What the
        stand-in holds is kept for ``come_back()``. With ``on``, that happens when the next
        call of that method arrives (it is cut off, without effect): an outage in the middle
        of sending."""
        if on is None:
            self._in_loop(self._take_down())
        else:
            with self._changed:
                self._down_on = on.lower()

    @property
    def down(self) -> bool:
        """Whether the stand-in is away (``go_down``) now."""
        return self._down

    def come_back(self) -> None:
        """Telegram is back, on the same port, with every chat and update it held."""
        self._in_loop(self._bring_up())

    # ---- control API: webhooks ------------------------------------------------------------

    def forward_webhooks(self, to: str) -> None:
        """Where the proxy in front of the bot forwards the webhook's posts, e.g.
        ``http://127.0.0.1:8080``: the registered URL's path is posted there. Until this is
        called, updates for a webhook wait in the queue."""
        with self._changed:
            self._forward_to = to
        self._notify_pollers()

    def webhook(self) -> Webhook | None:
        """What the bot registered with setWebhook, if a webhook is set."""
        with self._changed:
            return self._webhook

    def webhook_deliveries(self) -> list[Delivery]:
        """Every post of an update to the webhook so far, with the bot's answer."""
        with self._changed:
            return list(self._deliveries)

    def wait_until_webhook(self, timeout: float = 10.0) -> Webhook:
        """Waits until the bot has set a webhook; returns it."""
        self.wait_for(lambda api: api._webhook is not None, timeout)
        assert self._webhook is not None
        return self._webhook

    def post_to_webhook(self, update: JSON | bytes, *, secret: str | None = None) -> int:
        """Posts one update (JSON, or any bytes) to the webhook as Telegram does, with
        ``secret`` in the secret header (none without it): the bot's status, 0 without an
        answer. The update is not queued; a forged call is a test's to make."""
        with self._changed:
            webhook = self._webhook
            if webhook is None or not self._forward_to:
                raise RuntimeError("no webhook set, or forward_webhooks() not called")
            url = forwarded(webhook.url, self._forward_to)
        if self._loop is None:
            raise RuntimeError("FakeBotApi is not running")
        work = post(url, update, secret)
        return asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=60)

    def _in_loop(self, work: Coroutine[Any, Any, None]) -> None:
        if self._loop is None:
            work.close()
            raise RuntimeError("FakeBotApi is not running")
        asyncio.run_coroutine_threadsafe(work, self._loop).result(timeout=10)

    # ---- HTTP plumbing (runs in the server thread) ----------------------------------------

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _open(self, sock: socket.socket) -> None:
        self._poll = _Poll()
        self._gate = asyncio.Event()  # cleared by hold()
        self._gate.set()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # handler_cancellation: a client that gives up (timeout) must not leave a handler
        # sleeping; shutdown_timeout: stop() must not wait a minute for open long polls.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        self._site = web.SockSite(self._runner, sock)
        await self._site.start()
        pusher = Pusher(self._next_for_webhook, self._webhook_answered, self._arrived)
        self._pusher = asyncio.create_task(pusher.run())

    def _arrived(self) -> asyncio.Event:
        assert self._poll is not None
        return self._poll.arrived

    async def _take_down(self) -> None:
        with self._changed:
            self._down = True
            self._changed.notify_all()
        if self._site is not None:
            await self._site.stop()
            self._site = None
        self._wake_pollers()  # waiting long polls are cut off too

    async def _bring_up(self) -> None:
        if self._site is None and self._runner is not None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", self._port))
            except OSError:
                sock.close()
                raise
            self._site = web.SockSite(self._runner, sock)
            await self._site.start()
        with self._changed:
            self._down = False
        self._wake_pollers()  # the webhook's pusher goes on

    async def _close(self) -> None:
        if self._pusher is not None:
            self._pusher.cancel()
            await asyncio.gather(self._pusher, return_exceptions=True)
        if self._poll is not None:
            self._poll.closing.set()
            self._wake_pollers()
        if self._runner is not None:
            await self._runner.cleanup()

    def _wake_pollers(self) -> None:
        """Wakes every waiting long poll (server thread only)."""
        if self._poll is not None:
            arrived, self._poll.arrived = self._poll.arrived, asyncio.Event()
            arrived.set()

    def _notify_pollers(self) -> None:
        """Wakes long polls from any thread."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is shutting down
                loop.call_soon_threadsafe(self._wake_pollers)

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        if self._down:
            return _cut_off(request)
        match = _PATH.fullmatch(request.path)
        if match is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        if match["token"] != self._token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        try:
            params = _decode_params(await _read_params(request))
        except ApiError as exc:
            return web.json_response(exc.payload(), status=exc.status)
        name = self._method_names.get(match["method"].lower(), match["method"])
        await self._gate.wait()  # hold(): a client killed meanwhile cancels this handler
        if self._down_on and name.lower() == self._down_on:
            self._down_on = ""
            await self._take_down()
            return _cut_off(request)
        call = _Call(name, params, arrived)
        with self._changed:
            self._calls.append(call)
            fault = self._take(self._faults, name)
            delay = self._take(self._delays, name)
            self._changed.notify_all()
        status, body = await self._respond(name, params, fault)
        if self._down:  # went down while a long poll waited
            return _cut_off(request)
        with self._changed:
            call.status, call.description = status, body.get("description")
            call.answered = time.monotonic()
            self._changed.notify_all()
        if delay is not None and self._poll is not None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay.seconds):
                    await self._poll.closing.wait()
        return web.json_response(body, status=status)

    async def _respond(self, name: str, params: JSON, fault: _Fault | None) -> tuple[int, JSON]:
        try:
            if fault is not None:  # refused before anything happens, as Telegram does
                raise ApiError(fault.status, fault.description, fault.retry_after)
            limited = self._limited.get(params.get("chat_id"))  # type: ignore[arg-type]
            if limited is not None and name in _SENDING:
                raise ApiError(429, f"Too Many Requests: retry after {limited}", limited)
            if name == "getUpdates":
                result = await self._get_updates(params)
            elif name in self._handlers:
                with self._changed:
                    result = self._handlers[name](params)
                    self._changed.notify_all()
            else:
                raise ApiError(404, "Not Found: method not found")
        except ApiError as exc:
            return exc.status, exc.payload()
        except Exception:
            # A bug in the stand-in: answer like a broken server and keep it for the dumps.
            _LOGGER.exception("FakeBotApi failed on %s", name)
            with self._changed:
                self._internal_errors.append(traceback.format_exc())
            return 500, ApiError(500, "Internal Server Error").payload()
        return 200, {"ok": True, "result": result}

    @staticmethod
    def _take(queues: dict[str, list[_Fault]], method: str) -> _Fault | None:
        queue = queues.get(method.lower())
        if not queue:
            return None
        fault = queue[0]
        if fault.skip:
            fault.skip -= 1
            return None
        fault.remaining -= 1
        if fault.remaining == 0:
            queue.pop(0)
        return fault

    # ---- Bot API: updates and webhook -----------------------------------------------------

    async def _get_updates(self, params: JSON) -> list[JSON]:
        poll = self._poll
        assert poll is not None
        offset = _int_param(params, "offset", 0)
        limit = min(max(_int_param(params, "limit", 100), 1), 100)
        timeout = params.get("timeout", 0)
        if not isinstance(timeout, int | float):
            raise _bad_request("wrong parameter timeout")
        with self._changed:
            if self._webhook is not None:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            self._poll_count += 1
            self._poll_generation += 1
            generation = self._poll_generation
            if isinstance(params.get("allowed_updates"), list):
                self._allowed_updates = params["allowed_updates"]
            self._confirm(offset)
        self._wake_pollers()  # an older poll still waiting is now terminated (409)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(float(timeout), 0.0)
        while True:
            arrived = poll.arrived  # taken before looking, so no update slips through
            with self._changed:
                if generation != self._poll_generation:
                    raise ApiError(409, _DEFAULT_DESCRIPTIONS[409])
                batch = self._deliverable(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or poll.closing.is_set() or self._down:
                return batch
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await arrived.wait()

    def _confirm(self, offset: int) -> None:
        if offset > 0:  # confirms every update with a lower id
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:  # keeps only the last -offset updates
            self._updates = self._updates[offset:]

    def _deliverable(self, limit: int) -> list[JSON]:
        if self._allowed_updates:  # Telegram never queues updates of other kinds
            self._updates = [u for u in self._updates if _kind(u) in self._allowed_updates]
        return copy.deepcopy(self._updates[:limit])

    def _set_webhook(self, params: JSON) -> bool:
        if not params.get("url"):  # an empty URL removes the webhook, as deleteWebhook does
            return self._delete_webhook(params)
        try:
            self._webhook = Webhook.from_params(params)
        except WebhookRefused as refusal:
            raise _bad_request(str(refusal)) from None
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        self._notify_pollers()  # the pusher looks again
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSON) -> JSON:
        info: JSON = {
            "url": self._webhook.url if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook is not None:
            info["max_connections"] = self._webhook.max_connections
            if self._webhook.allowed_updates:
                info["allowed_updates"] = list(self._webhook.allowed_updates)
        failed = [d for d in self._deliveries if not 200 <= d.status < 300]
        if failed:
            info["last_error_date"] = _now()
            info["last_error_message"] = (
                f"Wrong response from the webhook: {failed[-1].status}"
                if failed[-1].status
                else "Connection refused"
            )
        return info

    def _next_for_webhook(self) -> tuple[Webhook, str, JSON] | None:
        """The webhook, where to post and the oldest update, when there is one to post."""
        with self._changed:
            webhook = self._webhook
            if webhook is None or not self._forward_to or self._down:
                return None
            if webhook.allowed_updates:  # Telegram never queues updates of other kinds
                self._updates = [u for u in self._updates if _kind(u) in webhook.allowed_updates]
            if not self._updates:
                return None
            url = forwarded(webhook.url, self._forward_to)
            return webhook, url, copy.deepcopy(self._updates[0])

    def _webhook_answered(self, delivery: Delivery) -> None:
        with self._changed:
            self._deliveries.append(delivery)
            if 200 <= delivery.status < 300:
                self._updates = [u for u in self._updates if u["update_id"] != delivery.update_id]
            self._changed.notify_all()

    # ---- Bot API: commands ----------------------------------------------------------------

    def _commands_key(self, params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
            raise _bad_request("can't parse BotCommandScope JSON object")
        name = scope["type"]
        if name in ("chat", "chat_administrators"):
            name = f"{name}:{scope.get('chat_id')}"
        elif name == "chat_member":
            name = f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
        return name, str(params.get("language_code") or "")

    def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
            raise _bad_request("can't parse commands JSON object")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(params)
        if commands:
            self._commands[key] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        else:
            self._commands.pop(key, None)
        return True

    def _get_my_commands(self, params: JSON) -> list[JSON]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: JSON) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    # ---- Bot API: messages ----------------------------------------------------------------

    def _send_message(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        text, entities = self._formatted(params, "text", "entities")
        _check_text(text)
        markup = _check_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat_id, params)
        content: JSON = {"text": text}
        if entities:
            content["entities"] = entities
        return self._bot_message(chat_id, content, markup, reply_to, params)

    def _edit_message_text(self, params: JSON) -> JSON:
        stored = self._editable(params)
        text, entities = self._formatted(params, "text", "entities")
        _check_text(text)
        markup = self._inline_markup(params)
        message = stored.message
        if "text" not in message:
            raise _bad_request("there is no text in the message to edit")
        if (text, entities, markup) == (
            message["text"],
            message.get("entities", []),
            message.get("reply_markup"),
        ):
            raise _bad_request(_NOT_MODIFIED)
        message["text"] = text
        _set_or_drop(message, "entities", entities)
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        _set_or_drop(message, "reply_markup", markup)
        message["edit_date"] = _now()
        return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: JSON) -> JSON:
        stored = self._editable(params)
        markup = self._inline_markup(params)
        if markup == stored.message.get("reply_markup"):
            raise _bad_request(_NOT_MODIFIED)
        _set_or_drop(stored.message, "reply_markup", markup)
        return copy.deepcopy(stored.message)

    def _delete_message(self, params: JSON) -> bool:
        stored = self._find(self._chat_id(params), _message_id(params))
        if stored is None:
            raise _bad_request("message to delete not found")
        stored.deleted = True
        return True

    def _answer_callback_query(self, params: JSON) -> bool:
        query = self._queries.get(str(params.get("callback_query_id", "")))
        if query is None or query.answer is not None:
            raise _bad_request(_QUERY_INVALID)
        keys = ("text", "show_alert", "url", "cache_time")
        query.answer = {key: params[key] for key in keys if key in params}
        return True

    def _send_chat_action(self, params: JSON) -> bool:
        self._chat_id(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    def _copy_message(self, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        source = self._find(self._chat_id(params, "from_chat_id"), _message_id(params))
        if source is None:
            raise _bad_request("message to copy not found")
        content = {k: copy.deepcopy(v) for k, v in source.message.items() if k in _CONTENT_KEYS}
        if "text" not in content and "caption" in params:  # a new caption replaces the old
            caption, entities = self._formatted(params, "caption", "caption_entities")
            content.pop("caption", None)
            content.pop("caption_entities", None)
            _with_caption(content, caption, entities)
        markup = _check_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat_id, params)
        message = self._bot_message(chat_id, content, markup, reply_to, params)
        return {"message_id": message["message_id"]}

    def _send_media(self, kind: str, params: JSON) -> JSON:
        chat_id = self._chat_id(params)
        media = self._media_param(kind, params)
        caption, entities = self._formatted(params, "caption", "caption_entities")
        if len(caption) > _CAPTION_LIMIT:
            raise _bad_request("message caption is too long")
        markup = _check_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat_id, params)
        content = _with_caption({kind: media}, caption, entities)
        return self._bot_message(chat_id, content, markup, reply_to, params)

    # ---- helpers --------------------------------------------------------------------------

    def _require_user(self, user_id: int) -> FakeUser:
        person = self._users.get(user_id)
        if person is None:
            raise ValueError(f"unknown user {user_id}: register it with api.user({user_id})")
        return person

    def _chat_id(self, params: JSON, key: str = "chat_id") -> int:
        value = params.get(key)
        if value is None or value == "":
            raise _bad_request("chat_id is empty")
        if isinstance(value, bool) or not isinstance(value, int) or value not in self._users:
            raise _bad_request("chat not found")
        return value

    def _find(self, chat_id: int, message_id: object) -> _Stored | None:
        if isinstance(message_id, bool) or not isinstance(message_id, int):
            return None
        stored = self._chats.get(chat_id, {}).get(message_id)
        return None if stored is None or stored.deleted else stored

    def _editable(self, params: JSON) -> _Stored:
        stored = self._find(self._chat_id(params), _message_id(params))
        if stored is None:
            raise _bad_request("message to edit not found")
        if not stored.from_bot:
            raise _bad_request("message can't be edited")
        return stored

    def _inline_markup(self, params: JSON) -> JSON | None:
        markup = _check_reply_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad_request("inline keyboard expected")
        return markup

    def _formatted(self, params: JSON, key: str, entities_key: str) -> tuple[str, list[JSON]]:
        """The visible text and entities of a text or caption parameter."""
        raw = params.get(key)
        if raw is None:
            return "", []
        text = raw if isinstance(raw, str) else str(raw)
        parse_mode = params.get("parse_mode")
        if isinstance(parse_mode, str) and parse_mode:
            return _strip(*_parse_formatting(text, parse_mode))
        entities = params.get(entities_key) or []
        if not isinstance(entities, list) or not all(
            isinstance(e, dict) and {"type", "offset", "length"} <= e.keys() for e in entities
        ):
            raise _bad_request("can't parse entities JSON object")
        return _strip(text, entities)

    def _reply_target(self, chat_id: int, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        if reply is None and "reply_to_message_id" in params:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if reply is None:
            return None
        if not isinstance(reply, dict):
            raise _bad_request("can't parse reply parameters JSON object")
        target = self._find(reply.get("chat_id", chat_id), reply.get("message_id"))
        if target is not None:
            return target.message
        if reply.get("allow_sending_without_reply") is True:
            return None
        raise _bad_request("message to be replied not found")

    def _bot_message(
        self,
        chat_id: int,
        content: JSON,
        markup: JSON | None,
        reply_to: JSON | None,
        params: JSON,
    ) -> JSON:
        message = self._new_message(chat_id, self._bot, reply_to)
        message.update(content)
        if params.get("protect_content") is True:
            message["has_protected_content"] = True
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        elif markup is not None and "keyboard" in markup:
            self._reply_keyboards[chat_id] = markup
        elif markup is not None and markup.get("remove_keyboard"):
            self._reply_keyboards.pop(chat_id, None)
        self._chats[chat_id][message["message_id"]] = _Stored(message, from_bot=True)
        return copy.deepcopy(message)

    def _new_message(self, chat_id: int, sender: JSON, reply_to: JSON | None = None) -> JSON:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        message: JSON = {
            "message_id": message_id,
            "from": copy.deepcopy(sender),
            "chat": self._users[chat_id].chat(),
            "date": _now(),
        }
        if reply_to is not None:  # Telegram does not nest replies further
            message["reply_to_message"] = {
                k: copy.deepcopy(v) for k, v in reply_to.items() if k != "reply_to_message"
            }
        return message

    def _user_message(self, user_id: int, content: JSON, *, reply_to: int | None = None) -> JSON:
        with self._changed:
            person = self._require_user(user_id)
            original = None
            if reply_to is not None:
                stored = self._chats[user_id].get(reply_to)
                if stored is None:
                    raise ValueError(f"no message {reply_to} in chat {user_id} to reply to")
                original = stored.message
            message = self._new_message(user_id, person.to_dict(), original)
            message.update(content)
            self._chats[user_id][message["message_id"]] = _Stored(message, from_bot=False)
            self._push_update("message", message)
            return copy.deepcopy(message)

    def _push_callback(self, person: FakeUser, message: JSON, data: str) -> str:
        query_id = str(next(self._query_ids))
        self._queries[query_id] = _Query(person.id)
        digest = hashlib.sha256(f"{self._bot['id']}:{person.id}".encode()).digest()
        chat_instance = str(-int.from_bytes(digest[:7], "big"))  # stable per chat, like TG's
        self._push_update(
            "callback_query",
            {
                "id": query_id,
                "from": person.to_dict(),
                "message": message,
                "chat_instance": chat_instance,
                "data": data,
            },
        )
        return query_id

    def _push_update(self, kind: str, payload: JSON) -> None:
        """Queues an update (caller holds the lock) and wakes long polls."""
        self._updates.append({"update_id": next(self._update_ids), kind: copy.deepcopy(payload)})
        self._changed.notify_all()
        self._notify_pollers()

    def _new_media(
        self,
        kind: str,
        *,
        file_name: str = "verslag.pdf",
        mime_type: str = "application/pdf",
        size: int | None = None,
        duration: int = 4,
        emoji: str = "👍",
    ) -> Any:
        """A fresh file with realistic metadata, registered so its file_id can be re-sent."""

        def ids() -> JSON:
            number = next(self._file_numbers)
            digest = base64.urlsafe_b64encode(hashlib.sha256(f"{kind}{number}".encode()).digest())
            tail = digest.decode().rstrip("=")
            return {
                "file_id": _FILE_PREFIXES[kind] + tail[:50],
                "file_unique_id": "AQAD" + tail[:12],
            }

        media: Any
        if kind == "photo":
            media = [
                {**ids(), "file_size": bytes_, "width": width, "height": height}
                for width, height, bytes_ in (
                    (90, 68, 1_503),
                    (320, 240, 16_227),
                    (800, 600, 64_113),
                )
            ]
        elif kind == "voice":
            media = {**ids(), "duration": duration, "mime_type": "audio/ogg"}
            media["file_size"] = size or 4_200 * duration
        elif kind == "document":
            media = {**ids(), "file_name": file_name, "mime_type": mime_type}
            media["file_size"] = size or 48_211
        else:
            media = {
                **ids(),
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "set_name": "KlikTestStickers",
                "file_size": 23_954,
            }
        for item in media if isinstance(media, list) else [media]:
            self._files[item["file_id"]] = _File(kind, media)
        return copy.deepcopy(media)

    def _media_param(self, kind: str, params: JSON) -> Any:
        value = params.get(kind)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if not value:
            raise _bad_request(f"there is no {kind} in the request")
        if isinstance(value, dict) and "filename" in value:  # an upload
            return self._new_media(
                kind,
                file_name=str(value["filename"] or "file"),
                mime_type=str(value.get("content_type") or "application/octet-stream"),
                size=int(value["size"]),
            )
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return self._new_media(kind)
        known = self._files.get(value) if isinstance(value, str) else None
        if known is None:
            raise _bad_request("wrong file identifier/HTTP URL specified")
        if known.kind != kind:
            raise _bad_request("type of file mismatch")
        return copy.deepcopy(known.media)

    # ---- dumps for failing tests ----------------------------------------------------------

    def _describe_chat(self, chat_id: int) -> str:
        lines = [f"chat {chat_id} currently holds:"]
        for stored in self._chats.get(chat_id, {}).values():
            if not stored.deleted:
                who = "bot " if stored.from_bot else "user"
                lines.append(f"  #{stored.message['message_id']} {who} {_summary(stored.message)}")
        if len(lines) == 1:
            lines.append("  (nothing)")
        return "\n".join([*lines, self._describe_calls(chat_id)])

    def _describe_calls(self, chat_id: int | None = None) -> str:
        calls = [
            c
            for c in self._calls
            if c.method != "getUpdates" and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]
        polls = sum(1 for c in self._calls if c.method == "getUpdates")
        where = f" for chat {chat_id}" if chat_id is not None else ""
        lines = [f"bot calls{where} (getUpdates called {polls}x), last 15:"]
        for call in calls[-15:]:
            params = {k: v for k, v in call.params.items() if k != "chat_id"}
            outcome = "pending" if call.status is None else str(call.status)
            if call.status not in (None, 200):
                outcome += f" {call.description}"
            lines.append(f"  {call.method} {_shorten(json.dumps(params, ensure_ascii=False))}")
            lines.append(f"    -> {outcome}")
        if not calls:
            lines.append("  (none)")
        lines.extend(f"internal error in FakeBotApi:\n{tb}" for tb in self._internal_errors)
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


# Methods that put something in a chat: what a chat's flood control refuses.
_SENDING = _words(
    "sendMessage copyMessage editMessageText editMessageReplyMarkup sendPhoto sendDocument "
    "sendVoice"
)


def _cut_off(request: web.Request) -> web.Response:
    """Drop the connection without an answer, as a server that went away does."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=503)


def _kind(update: JSON) -> str:
    return next(key for key in update if key != "update_id")


def _int_param(params: JSON, key: str, default: int) -> int:
    value = params.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad_request(f"wrong parameter {key}")
    return value


def _message_id(params: JSON) -> int:
    value = params.get("message_id")
    if value is None:
        raise _bad_request("message identifier is not specified")
    return value if isinstance(value, int) else -1


def _check_text(text: str) -> None:
    if not text:
        raise _bad_request("message text is empty")
    if len(text) > _TEXT_LIMIT:
        raise _bad_request("message is too long")


def _with_caption(content: JSON, caption: str | None, entities: list[JSON] | None = None) -> JSON:
    """Media content plus a caption; a user's caption gets bot_command entities."""
    if caption:
        content["caption"] = caption
        entities = _command_entities(caption) if entities is None else entities
        if entities:
            content["caption_entities"] = entities
    return content


def _set_or_drop(message: JSON, key: str, value: Any) -> None:
    if value:
        message[key] = value
    else:
        message.pop(key, None)


def _shorten(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_buttons(message: JSON) -> str:
    return ", ".join(
        f"{b.get('text')!r}" + (f" (data {b['callback_data']!r})" if "callback_data" in b else "")
        for b in _buttons(message)
    )


def _body(message: JSON) -> str:
    """What the user reads: the text, or the caption of a media message."""
    return str(message.get("text", message.get("caption", "")))


def _summary(message: JSON) -> str:
    kind = next((k for k in ("photo", "voice", "document", "sticker") if k in message), None)
    summary = (f"[{kind}] " if kind else "") + repr(_shorten(_body(message), 80))
    if buttons := _describe_buttons(message):
        summary += f"  buttons: {buttons}"
    if "edit_date" in message:
        summary += "  (edited)"
    return summary
