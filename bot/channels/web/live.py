"""The page's live connection: a WebSocket that gets every new line of the chat as it is
written. Lines written in this process wake it at once (the transport's Bell); lines written
by another worker are found at the next look (every second on PostgreSQL; SQLite runs in one
process, so the bell always rings there and the look is only a safety net)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from aiohttp import WSCloseCode, WSMsgType, web

from bot.channels.web.chat import Refused, WebChat
from bot.channels.web.lines import line_json
from bot.services.recent import RecentCounts
from storage.web_chat import history

LOOK_EVERY = 1.0  # seconds, PostgreSQL: several workers may write a chat's lines
LOOK_EVERY_SQLITE = 5.0
HEARTBEAT = 25.0  # seconds: a proxy keeps an idle connection open
# The page sends nothing here; a connection that floods it with frames is closed.
FRAMES_PER_MINUTE = 30


class Live:
    def __init__(self, chat: WebChat) -> None:
        self.chat = chat

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/chat/live", self.live)]

    async def live(self, request: web.Request) -> web.StreamResponse:
        chat = self.chat
        chat.check_origin(request)
        visitor = await chat.visitor(request)
        if visitor is None:
            raise Refused("no_chat", 401)
        after = request.query.get("after", "0")
        if not after.isdigit():
            raise Refused("unreadable", 400)
        language = chat.language(request)
        ws = web.WebSocketResponse(heartbeat=HEARTBEAT, max_msg_size=1024)
        await ws.prepare(request)
        # The page only listens here (it sends by POST); reading notices it closing.
        reading = asyncio.ensure_future(self._until_closed(ws))
        every = LOOK_EVERY_SQLITE if chat.db.is_sqlite else LOOK_EVERY
        seq = int(after)
        try:
            while not reading.done() and not ws.closed:
                mark = chat.bell.mark()
                async with chat.db.transaction() as session:
                    lines = await history(session, address=visitor.address, after=seq)
                for line in lines:
                    await ws.send_json(line_json(chat, line, language))
                    seq = line.seq
                if not lines or len(lines) < 200:
                    waiting = asyncio.ensure_future(chat.bell.wait(mark, every))
                    await asyncio.wait({waiting, reading}, return_when=asyncio.FIRST_COMPLETED)
                    waiting.cancel()
        except (ConnectionResetError, RuntimeError):  # the page went away mid-send
            pass
        finally:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading
            await ws.close()
        return ws

    async def _until_closed(self, ws: web.WebSocketResponse) -> None:
        frames = RecentCounts(timedelta(minutes=1), most_keys=1)
        async for message in ws:
            if message.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                return
            if frames.add("frames", self.chat.clock()) > FRAMES_PER_MINUTE:
                await ws.close(code=WSCloseCode.POLICY_VIOLATION)
                return
