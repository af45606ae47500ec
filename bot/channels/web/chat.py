"""The web chat's working parts for one process: the database, the service and the renderer
once the application has started, the limits kept in memory, and what every route needs (the
browser's chat, the page's language, the Origin check, a refusal in the page's words: every
text a youngster may see comes from content/, chat.<reason>, never from the code)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiohttp import web

from bot.channels.web.identity import cookie_token, digest, same_origin
from bot.channels.web.transport import Bell
from bot.process.keys import CLOCK, DATABASE, RUNTIME, SERVICE, SETTINGS
from bot.services.conversation import Clock, ConversationService
from bot.services.recent import RecentCounts
from bot.services.render import Renderer
from flows.web_chat import Refusal
from storage.db import Database
from storage.web_chat import visitor_address

# What one chat may send in a minute before the page is asked to slow down (the service's own
# flood limit, flows/flood.py, already hushes the pings to the coach far below this).
SENDS_PER_MINUTE = 40
STARTS_PER_MINUTE = 30  # new chats from one network address
CODE_TRIES_PER_HOUR = 10  # continue codes typed from one network address
CODE_TRIES_TOTAL_PER_HOUR = 300  # from everywhere together: guessing stays hopeless
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,40}$")


class Refused(Exception):
    """A request the chat turns down, raised by every route where it is found (deep in a
    route, or before it reads anything): setup.py's middleware answers it with
    `WebChat.refuse`, the one place a refusal is worded."""

    def __init__(self, reason: Refusal, status: int) -> None:
        super().__init__(reason)
        self.reason: Refusal = reason
        self.status = status


@dataclass(frozen=True)
class Visitor:
    """A browser that holds a chat: its cookie's digest and the chat's address."""

    token_digest: str
    address: str


@dataclass
class Limits:
    sends: RecentCounts = field(default_factory=lambda: RecentCounts(timedelta(minutes=1)))
    starts: RecentCounts = field(default_factory=lambda: RecentCounts(timedelta(minutes=1)))
    codes: RecentCounts = field(default_factory=lambda: RecentCounts(timedelta(hours=1)))


class WebChat:
    """What the routes share; the parts of the application are read when a request comes."""

    def __init__(self, app: web.Application, bell: Bell) -> None:
        self.app = app
        self.bell = bell
        self.limits = Limits()

    @property
    def db(self) -> Database:
        return self.app[DATABASE]

    @property
    def service(self) -> ConversationService:
        return self.app[SERVICE]

    @property
    def renderer(self) -> Renderer:
        return self.app[RUNTIME].renderer

    @property
    def clock(self) -> Clock:
        return self.app[CLOCK]

    @property
    def secure_cookie(self) -> bool:
        return not self.app[SETTINGS].local_http

    @property
    def quick_exit_url(self) -> str:
        return str(self.app[SETTINGS].quick_exit_url)

    def languages(self) -> tuple[str, ...]:
        return tuple(self.renderer.content.texts)

    def language(self, request: web.Request) -> str:
        """The page's language: ?lang=, else the browser's first known one, else the default."""
        known = self.languages()
        asked = request.query.get("lang", "")
        if asked in known:
            return asked
        for part in request.headers.get("Accept-Language", "").split(","):
            code = part.split(";")[0].strip().split("-")[0].lower()
            if code in known:
                return code
        return self.renderer.content.questionnaire.default_language

    def say(self, key: str, language: str, **params: Any) -> str:
        return self.renderer.text(key, params, language)

    def check_origin(self, request: web.Request) -> None:
        if not same_origin(request, self.app[SETTINGS].public_url):
            raise Refused("not_ours", 403)

    async def visitor(self, request: web.Request) -> Visitor | None:
        token = cookie_token(request)
        if token is None:
            return None
        found = digest(token)
        async with self.db.transaction() as session:
            address = await visitor_address(session, token_digest=found)
        return None if address is None else Visitor(found, address)

    def refuse(self, request: web.Request, reason: Refusal, status: int) -> web.Response:
        """A refusal the page shows as it is, in its language; nothing was kept."""
        said = self.say(f"chat.{reason}", self.language(request))
        return web.json_response({"notice": said}, status=status)


def client_id(value: Any) -> str | None:
    """The page's own id for what it sends (so a resend is handled once), if well formed."""
    return value if isinstance(value, str) and _CLIENT_ID.match(value) else None


def event_id(address: str, client: str) -> str:
    """The inbox id of a page's message: unique per chat, revealing neither (a digest)."""
    return "web:" + hashlib.sha256(f"{address}:{client}".encode()).hexdigest()[:48]
