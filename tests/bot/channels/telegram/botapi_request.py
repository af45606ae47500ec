"""A python-telegram-bot `BaseRequest` that answers Bot API calls in-process and records
them, so tests drive real Updates through the real Application and handlers."""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from typing import Any

from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

LONG_POLL = 1.0  # seconds an empty long poll is held open (the service asks for 25)
BOT = {"id": 900001, "is_bot": True, "first_name": "Klik", "username": "KlikTestBot"}


class BotApiRequest(BaseRequest):
    """Answers like Telegram; `fail(method, ...)` makes the next calls of a method fail."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._failures: dict[str, list[tuple[int, dict[str, Any]] | Exception]] = defaultdict(list)
        self._next_id = 1000
        self._copies = 0  # copies are numbered apart, so sendMessage ids stay 1001, 1002, ...

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 0,
        times: int = 1,
        timeout: bool = False,
        description: str = "Too Many Requests",
    ) -> None:
        for _ in range(times):
            if timeout:
                self._failures[method].append(TimedOut())
            else:
                body = {"ok": False, "error_code": status, "description": description}
                if status == 429:
                    body["parameters"] = {"retry_after": retry_after}
                self._failures[method].append((status, body))

    def sent(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        if request_data is not None and request_data.contains_files:
            # An upload: keep the file's name and bytes with the call, as "files".
            files = request_data.multipart_data or {}
            params["files"] = {key: (part[0], part[1]) for key, part in files.items()}
        if self._failures[name]:
            failure = self._failures[name].pop(0)
            if isinstance(failure, Exception):
                raise failure
            status, body = failure
            return status, json.dumps(body).encode()
        if name == "getUpdates":
            # Nothing arrives here: Telegram holds a long poll open for its timeout before it
            # answers "nothing". Answered at once, the polling loop spins and takes the event
            # loop from the test's own server (tens of thousands of polls in a few seconds).
            await asyncio.sleep(min(float(params.get("timeout") or 0), LONG_POLL))
        self.calls.append((name, params))
        return 200, json.dumps({"ok": True, "result": self._answer(name, params)}).encode()

    def _answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return {
                **BOT,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if name in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            if name == "sendMessage":
                self._next_id += 1
            message = {
                "message_id": params.get("message_id", self._next_id),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private", "first_name": "Jo"},
                "from": BOT,
                "text": params.get("text", ""),
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            return message
        if name == "copyMessage":  # Telegram answers with the new message's id only
            self._copies += 1
            return {"message_id": 500_000 + self._copies}
        if name == "sendDocument":
            self._copies += 1
            (file_name, _), *_ = params["files"].values()
            return {
                "message_id": 600_000 + self._copies,
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private", "first_name": "Jo"},
                "from": BOT,
                "document": {"file_id": "d1", "file_unique_id": "u1", "file_name": file_name},
            }
        if name == "getUpdates":
            return []
        return True
