"""The routes a chat page talks through: start a chat, send what was typed or tapped, read the
history after a line (the poll when the WebSocket is away). Every POST passes the Origin check;
a message comes with the page's own id, so one sent again after a dropped connection is kept
and handled once (the inbox's dedup by event id, storage/inbox.py)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from bot.channels.telegram.edge import cleaned
from bot.channels.web.chat import (
    SENDS_PER_MINUTE,
    STARTS_PER_MINUTE,
    Refused,
    Visitor,
    WebChat,
    client_id,
    event_id,
)
from bot.channels.web.identity import digest, new_address, new_token, set_cookie
from bot.channels.web.lines import line_json
from bot.channels.web.transport import CHANNEL
from bot.services.handled import Handled
from bot.services.parts import split_text
from flows.messages import Inbound
from flows.state import Tap
from storage.web_chat import add_visitor, append, history, seen, shown_message

MAX_TEXT = 4096  # as on Telegram: the flows and the coaches expect no longer
# A JSON message: a longer text is cut into parts of MAX_TEXT (`parts_of`); above this the
# page keeps the text in its box and shows chat.too_long (static/chat.js checks it first).
MAX_BODY = 64 * 1024


async def read_json(request: web.Request) -> dict[str, Any]:
    if request.content_length is None or request.content_length > MAX_BODY:
        raise Refused("too_long", 413)
    try:
        data = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        raise Refused("unreadable", 400) from None
    if not isinstance(data, dict):
        raise Refused("unreadable", 400)
    return data


def typed(text: str, language: str) -> Inbound:
    """What a typed line means: a command ("/stop", "/mijngegevens") or text."""
    if text.startswith("/") and len(text) > 1:
        head, _, rest = text[1:].partition(" ")
        command = head.lower()[:32]
        if command == "start":
            return Inbound("start", argument=rest.strip()[:64], language_hint=language)
        return Inbound(
            "command", command=command, argument=rest.strip()[:300], language_hint=language
        )
    return Inbound("text", text=text, language_hint=language)


def parts_of(text: str, language: str) -> list[Inbound]:
    """A typed text as the messages it makes: one, or for a text longer than a message the
    parts Telegram's own apps would send (cut between paragraphs, lines or words, never inside
    a character), in order. Only the first can be a command; the rest are marked continued, so
    the flood limit counts the whole paste as one message (flows/flood.py)."""
    first, *rest = split_text(text, MAX_TEXT)
    later = [Inbound("text", text=part, language_hint=language, continued=True) for part in rest]
    return [typed(first, language), *later]


def part_client(client: str, number: int) -> str:
    """The page's id for part `number` of its message: the first keeps it; a later part's
    (with ":", which no page id holds) makes a resend handle only the parts not yet handled."""
    return client if number == 1 else f"{client}:{number}"


class Messages:
    def __init__(self, chat: WebChat) -> None:
        self.chat = chat

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/chat/start", self.start),
            web.post("/chat/send", self.send),
            web.get("/chat/messages", self.messages),
        ]

    async def _handle(self, visitor: Visitor, event: Inbound, client: str) -> Handled:
        return await self.chat.service.handle(
            channel=CHANNEL,
            address=visitor.address,
            event=cleaned(event),
            event_id=event_id(visitor.address, client),
        )

    async def start(self, request: web.Request) -> web.Response:
        """A new chat (or the one this browser holds): the same first event as /start."""
        chat = self.chat
        chat.check_origin(request)
        data = await read_json(request)
        client = client_id(data.get("id"))
        if client is None:
            raise Refused("unreadable", 400)
        visitor = await chat.visitor(request)
        response = web.json_response({"ok": True})
        if visitor is None:
            if chat.limits.starts.add(request.remote or "-", chat.clock()) > STARTS_PER_MINUTE:
                raise Refused("too_fast", 429)
            token = new_token()
            visitor = Visitor(digest(token), new_address())
            async with chat.db.transaction() as session:
                await add_visitor(
                    session,
                    token_digest=visitor.token_digest,
                    address=visitor.address,
                    now=chat.clock(),
                )
            set_cookie(response, token, secure=chat.secure_cookie)
        await self._handle(visitor, Inbound("start", language_hint=chat.language(request)), client)
        return response

    async def send(self, request: web.Request) -> web.Response:
        """Typed words, a command or a tapped button."""
        chat = self.chat
        chat.check_origin(request)
        data = await read_json(request)
        visitor = await chat.visitor(request)
        if visitor is None:
            raise Refused("no_chat", 401)
        client = client_id(data.get("id"))
        if client is None:
            raise Refused("unreadable", 400)
        now = chat.clock()
        if chat.limits.sends.add(visitor.address, now) > SENDS_PER_MINUTE:
            raise Refused("too_fast", 429)
        language = chat.language(request)
        if isinstance(data.get("choice"), str):
            return await self._tap(request, visitor, data, client)
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise Refused("empty", 400)
        text = cleaned(Inbound("text", text=text.strip())).text
        async with chat.db.transaction() as session:
            # The page's id makes a resend one line; the inbox makes it one event. The line is
            # the text as typed, however many parts it is handled as.
            await append(
                session,
                address=visitor.address,
                kind="mine",
                body={"text": text},
                now=now,
                client_id=client,
            )
            await seen(session, token_digest=visitor.token_digest, now=now)
        chat.bell.ring()
        for number, part in enumerate(parts_of(text, language), start=1):
            await self._handle(visitor, part, part_client(client, number))
        return web.json_response({"ok": True})

    async def _tap(
        self, request: web.Request, visitor: Visitor, data: dict[str, Any], client: str
    ) -> web.Response:
        """A button: only one the message on the page really carries (a forged or changed
        page's data never reaches the service); then the question shows its answer."""
        chat = self.chat
        choice, seq = str(data["choice"])[:64], data.get("message")
        if not isinstance(seq, int):
            return self._unknown_tap(request)
        async with chat.db.transaction() as session:
            shown = await shown_message(session, address=visitor.address, seq=seq)
        offered = shown is not None and any(
            button[1] == choice for row in shown.get("buttons", []) for button in row
        )
        if shown is None or not offered:
            return self._unknown_tap(request)
        event = Inbound("choice", choice=choice, language_hint=chat.language(request))
        handled = await self._handle(visitor, event, client)
        said = await self._settle(visitor, seq, shown, handled)
        if handled.language and handled.language != chat.language(request):
            said["language"] = handled.language  # chosen in the chat: the page follows
        return web.json_response(said)

    def _unknown_tap(self, request: web.Request) -> web.Response:
        """A tap on a button the message never had: told as on Telegram, not an error."""
        said = self.chat.say("tap.unknown", self.chat.language(request))
        return web.json_response({"notice": said})

    async def _settle(
        self, visitor: Visitor, seq: int, shown: dict[str, Any], handled: Handled
    ) -> dict[str, Any]:
        """As on Telegram: the question shows the chosen answer, or its buttons go; a tap that
        changed nothing is told in a word."""
        chat = self.chat
        tap = Tap("stale") if handled.duplicate else handled.tap or Tap("closed")
        language = handled.language or chat.renderer.content.questionnaire.default_language
        said: dict[str, Any] = {"ok": True}
        if tap.kind in ("stale", "unknown", "taken", "full"):
            said["notice"] = chat.say(f"tap.{tap.kind}", language)
        if tap.kind in ("unknown", "quiet", "taken", "full"):
            return said
        text = str(shown.get("text", ""))
        if tap.kind == "answered" and tap.label is not None and text:
            answer = chat.renderer.ref(tap.label, language)
            text = chat.say("intake.answered", language, question=text, answer=answer)
        async with chat.db.transaction() as session:
            if await shown_message(session, address=visitor.address, seq=seq) is None:
                return said  # the tap erased the chat (/vergeet): nothing to show it on
            await append(
                session,
                address=visitor.address,
                kind="edit",
                target=seq,
                body={"text": text, "buttons": []},
                now=chat.clock(),
            )
        chat.bell.ring()
        return said

    async def messages(self, request: web.Request) -> web.Response:
        """The lines after ?after= (the poll while the WebSocket is away)."""
        chat = self.chat
        visitor = await chat.visitor(request)
        if visitor is None:
            return web.json_response({"chat": False, "lines": []})
        after = request.query.get("after", "0")
        if not after.isdigit():
            raise Refused("unreadable", 400)
        async with chat.db.transaction() as session:
            lines = await history(session, address=visitor.address, after=int(after))
        language = chat.language(request)
        return web.json_response(
            {"chat": True, "lines": [line_json(chat, line, language) for line in lines]}
        )
