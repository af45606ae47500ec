"""A youngster's browser on the web chat of an application under test: the same requests the
page's script makes (Origin header, the cookie, the page's own message ids)."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient

_ids = itertools.count(1)
WAIT = 10.0  # seconds a test waits for the sender to write a line


class Browser:
    def __init__(self, client: TestClient) -> None:  # type: ignore[type-arg]
        self.client = client
        self.origin = f"http://{client.host}:{client.port}"
        self.headers = {"Origin": self.origin}

    def new_id(self) -> str:
        return f"page-{next(_ids):08d}"

    async def post(self, path: str, data: dict[str, Any], **headers: str) -> tuple[int, Any]:
        # As JSON.stringify writes it: an emoji as its UTF-8 bytes, not as "\ud83d\ude00".
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        response = await self.client.post(
            path,
            data=body,
            headers={"Origin": self.origin, "Content-Type": "application/json", **headers},
        )
        return response.status, await response.json()

    async def start(self) -> int:
        status, _ = await self.post("/chat/start?lang=nl", {"id": self.new_id()})
        return status

    async def say(self, text: str, *, client: str | None = None) -> tuple[int, Any]:
        return await self.post("/chat/send?lang=nl", {"id": client or self.new_id(), "text": text})

    async def tap(self, seq: int, choice: str) -> tuple[int, Any]:
        return await self.post(
            "/chat/send?lang=nl", {"id": self.new_id(), "choice": choice, "message": seq}
        )

    async def lines(self, after: int = 0) -> list[dict[str, Any]]:
        response = await self.client.get(f"/chat/messages?after={after}&lang=nl")
        return list((await response.json())["lines"])

    async def wait_for(self, found: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first line that matches, once the sender wrote it."""
        async with asyncio.timeout(WAIT):
            while True:
                for line in await self.lines():
                    if found(line):
                        return line
                await asyncio.sleep(0.05)

    async def wait_for_many(
        self, found: Callable[[dict[str, Any]], bool], many: int
    ) -> list[dict[str, Any]]:
        """The lines that match, once the sender wrote at least `many` of them."""
        async with asyncio.timeout(WAIT):
            while True:
                matching = [line for line in await self.lines() if found(line)]
                if len(matching) >= many:
                    return matching
                await asyncio.sleep(0.05)

    async def button(self, starts: str) -> tuple[int, str]:
        """The newest message's button whose data starts with `starts`: (message, data)."""

        def offers(line: dict[str, Any]) -> bool:
            return any(b[1].startswith(starts) for row in line.get("buttons", []) for b in row)

        async with asyncio.timeout(WAIT):
            while True:
                shown = self.shown(await self.lines())
                for seq in sorted(shown, reverse=True):
                    if offers(shown[seq]):
                        data = next(
                            b[1]
                            for row in shown[seq]["buttons"]
                            for b in row
                            if b[1].startswith(starts)
                        )
                        return seq, data
                await asyncio.sleep(0.05)

    @staticmethod
    def shown(lines: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
        """What the page shows per message: each with its last edit applied."""
        shown: dict[int, dict[str, Any]] = {}
        for line in lines:
            if line["kind"] == "edit":
                shown[line["target"]] = {**line, "seq": line["target"]}
            elif line["kind"] == "bot":
                shown[line["seq"]] = line
        return shown

    async def intake(self, *taps: str) -> None:
        """Start, consent in Dutch and tap through the intake."""
        assert await self.start() == 200
        for starts in ("consent:yes", *taps):
            seq, data = await self.button(starts)
            status, _ = await self.tap(seq, data)
            assert status == 200
