"""A Bot API stand-in for `make bench` that enforces Telegram's limits: at most 30 messages
in any second per bot and one a second per chat; beyond that it answers 429 with
retry_after, as Telegram does. It runs in a process of its own (`python -m
bench.limited_api`, prints its port), so its CPU is not counted as the sender's.

It knows getMe and sendMessage, and records when each message arrived (time.monotonic,
comparable with the bench process on the same machine), to which chat, and over which
connection. GET /stats gives the records; POST /reset?limited=0|1 clears them."""

from __future__ import annotations

import json
import socket
import time
from collections import deque
from typing import Any

from aiohttp import web

PER_SECOND = 30
CHAT_GAP = 1.0


class LimitedBotApi:
    def __init__(self) -> None:
        self.limited = True
        self.recent: deque[float] = deque()
        self.last: dict[int, float] = {}
        self.arrivals: list[tuple[float, int, str]] = []  # (when, chat, text)
        self.refused = {"bot": 0, "chat": 0}  # which limit a refused message broke
        self.connections: set[tuple[str, int]] = set()
        self.message_id = 0

    def refusal(self, chat: int, now: float) -> float | None:
        """Seconds to wait when this message breaks a limit, else None."""
        if not self.limited:
            return None
        while self.recent and self.recent[0] <= now - 1.0:
            self.recent.popleft()
        if chat in self.last and now - self.last[chat] < CHAT_GAP:
            self.refused["chat"] += 1
            return self.last[chat] + CHAT_GAP - now
        if len(self.recent) >= PER_SECOND:
            self.refused["bot"] += 1
            return self.recent[0] + 1.0 - now
        return None

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        peer = request.transport.get_extra_info("peername") if request.transport else None
        if peer:
            self.connections.add(tuple(peer[:2]))
        if method == "getMe":
            me = {"id": 1, "is_bot": True, "first_name": "Klik", "username": "klik_bench_bot"}
            return web.json_response({"ok": True, "result": me})
        if method != "sendMessage":
            return web.json_response({"ok": True, "result": True})
        params: dict[str, Any] = dict(await request.post())
        now = time.monotonic()
        chat = int(params["chat_id"])
        wait = self.refusal(chat, now)
        if wait is not None:
            retry_after = max(1, round(wait + 0.4999))
            body = {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            }
            return web.json_response(body, status=429)
        self.recent.append(now)
        self.last[chat] = now
        text = str(params.get("text", ""))
        self.arrivals.append((now, chat, text))
        self.message_id += 1
        message = {
            "message_id": self.message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Jo"},
            "text": text,
        }
        return web.json_response({"ok": True, "result": message})

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "arrivals": self.arrivals,
                "refused": self.refused,
                "connections": len(self.connections),
            }
        )

    async def reset(self, request: web.Request) -> web.Response:
        self.__init__()  # type: ignore[misc]
        self.limited = request.query.get("limited", "1") == "1"
        return web.json_response({"ok": True})


def main() -> None:
    api = LimitedBotApi()
    app = web.Application()
    app.router.add_get("/stats", api.stats)
    app.router.add_post("/reset", api.reset)
    app.router.add_route("*", "/bot{token}/{method}", api.handle)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)  # calls queue until the server runs: the port can be told at once
    print(json.dumps({"port": sock.getsockname()[1]}), flush=True)
    web.run_app(app, sock=sock, print=None, access_log=None)


if __name__ == "__main__":
    main()
