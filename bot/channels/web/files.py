"""Photos and files in the web chat, and the code to continue on another device.

A photo a youngster sends: at most 5 MB, a JPEG, PNG or WebP by its first bytes (not by what
the browser claims), kept sealed for this chat, then handed to the service as media like a
Telegram photo; it reaches a coach on Telegram as an upload (the Telegram transport's copy).
A kept photo or file is served only to a browser that holds its chat.

The continue code: shown once when asked for, kept as a digest, used once; a new one replaces
it; typing codes is limited per network address and in all."""

from __future__ import annotations

import base64

from aiohttp import web

from bot.channels.telegram.edge import cleaned
from bot.channels.web.chat import (
    CODE_TRIES_PER_HOUR,
    CODE_TRIES_TOTAL_PER_HOUR,
    SENDS_PER_MINUTE,
    Refused,
    WebChat,
    client_id,
    event_id,
)
from bot.channels.web.identity import digest, new_code, new_token, read_code, set_cookie
from bot.channels.web.messages import read_json
from bot.channels.web.transport import CHANNEL, MAX_PHOTO, image_type
from bot.channels.web.transport import new_token as new_file_token
from flows.messages import Inbound
from storage.web_chat import append, keep_code, keep_file, open_file, redeem_code

ALL = "*"  # the key every code try is also counted under


class Files:
    def __init__(self, chat: WebChat) -> None:
        self.chat = chat

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/chat/photo", self.photo),
            web.get("/chat/files/{token}", self.file),
            web.post("/chat/code", self.code),
            web.post("/chat/continue", self.continue_),
        ]

    async def photo(self, request: web.Request) -> web.Response:
        chat = self.chat
        chat.check_origin(request)
        visitor = await chat.visitor(request)
        if visitor is None:
            raise Refused("no_chat", 401)
        client = client_id(request.query.get("id"))
        if client is None:
            raise Refused("unreadable", 400)
        if request.content_length is not None and request.content_length > MAX_PHOTO:
            raise Refused("too_big", 413)
        now = chat.clock()
        if chat.limits.sends.add(visitor.address, now) > SENDS_PER_MINUTE:
            raise Refused("too_fast", 429)
        data = bytearray()
        async for chunk in request.content.iter_chunked(64 * 1024):
            data.extend(chunk)
            if len(data) > MAX_PHOTO:
                raise Refused("too_big", 413)
        kind = image_type(bytes(data))
        if kind is None:
            raise Refused("wrong_type", 415)
        token = new_file_token()
        async with chat.db.transaction() as session:
            fresh = await append(
                session,
                address=visitor.address,
                kind="mine",
                body={"photo": token},
                now=now,
                client_id=client,
            )
            if fresh is not None:  # not a resend of a photo already kept
                await keep_file(
                    session,
                    address=visitor.address,
                    token=token,
                    content_type=kind,
                    name="",
                    data=base64.b64encode(bytes(data)).decode("ascii"),
                    now=now,
                )
        if fresh is None:
            return web.json_response({"ok": True})
        chat.bell.ring()
        event = Inbound(
            "media", media="photo", message_id=token, language_hint=chat.language(request)
        )
        await chat.service.handle(
            channel=CHANNEL,
            address=visitor.address,
            event=cleaned(event),
            event_id=event_id(visitor.address, client),
        )
        return web.json_response({"ok": True})

    async def file(self, request: web.Request) -> web.Response:
        """A photo or file of the browser's own chat; any other is not found."""
        chat = self.chat
        visitor = await chat.visitor(request)
        kept = None
        if visitor is not None:
            async with chat.db.transaction() as session:
                kept = await open_file(
                    session, token=request.match_info["token"], address=visitor.address
                )
        if kept is None:
            # Opened as a link, not by the script: plain words in the page's language.
            said = chat.say("chat.file_gone", chat.language(request))
            return web.Response(text=said, status=404)
        response = web.Response(body=base64.b64decode(kept.data))
        response.headers["Content-Type"] = kept.content_type
        if kept.name:  # a file to keep (/mijngegevens), not a photo to look at
            safe = "".join(ch for ch in kept.name if ch.isalnum() or ch in "._-") or "klik.txt"
            response.headers["Content-Disposition"] = f'attachment; filename="{safe}"'
        return response

    async def code(self, request: web.Request) -> web.Response:
        """A new code to continue this chat elsewhere; an earlier one stops working."""
        chat = self.chat
        chat.check_origin(request)
        visitor = await chat.visitor(request)
        if visitor is None:
            raise Refused("no_chat", 401)
        code = new_code()
        async with chat.db.transaction() as session:
            await keep_code(
                session, address=visitor.address, code_digest=digest(code), now=chat.clock()
            )
        told = chat.say("chat.code_told", chat.language(request), code=code)
        return web.json_response({"code": code, "notice": told})

    async def continue_(self, request: web.Request) -> web.Response:
        """A code typed on another device: this browser holds that chat from now on."""
        chat = self.chat
        chat.check_origin(request)
        data = await read_json(request)
        now, limits = chat.clock(), chat.limits
        if (
            limits.codes.add(request.remote or "-", now) > CODE_TRIES_PER_HOUR
            or limits.codes.add(ALL, now) > CODE_TRIES_TOTAL_PER_HOUR
        ):
            raise Refused("code_later", 429)
        typed = data.get("code")
        code = read_code(typed) if isinstance(typed, str) else None
        if code is None:
            raise Refused("code_wrong", 400)
        token = new_token()
        async with chat.db.transaction() as session:
            address = await redeem_code(
                session, code_digest=digest(code), token_digest=digest(token), now=now
            )
        if address is None:
            raise Refused("code_wrong", 404)
        response = web.json_response({"ok": True})
        set_cookie(response, token, secure=chat.secure_cookie)
        return response
