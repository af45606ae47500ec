"""A page rendered: the template, the staff member's words (content/texts, `web.*`), and
times told the way the service tells them (Babel, the service's time zone)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.dashboard.session import Viewer
from bot.process.keys import RUNTIME
from bot.services.render import Renderer
from flows.messages import Duration, Param, Ref, When

DEFAULT_LANGUAGE = "nl"
# What a page may say after a form (`?said=`, texts web.said.*); anything else is ignored.
SAID = frozenset(
    {
        "claimed",
        "taken",
        "full",
        "unknown",
        "stale",
        "reply",
        "note",
        "goal",
        "tick",
        "pause",
        "closed",
        "handover",
        "not_now",
        "away",
        "deactivated",
        "not_self",
        "accepted",
        "declined",
    }
    | {
        f"apt_{word}"
        for word in (
            "proposed",
            "moved",
            "cancelled",
            "done",
            "missed",
            "not_understood",
            "past",
            "link",
            "not_yet",
            "stale",
            "unknown",
        )
    }
)


class Words:
    """The texts a template says, in one language: `t("web.queue.title")`, `when(at)`,
    `span(delta)`, `ref(a Ref)`."""

    def __init__(self, renderer: Renderer, language: str) -> None:
        self.renderer = renderer
        self.language = language

    def t(self, key: str, **params: Param) -> str:
        return self.renderer.text(key, dict(params), self.language)

    def ref(self, ref: Ref) -> str:
        return self.renderer.ref(ref, self.language)

    def when(self, at: datetime) -> str:
        return self.renderer.param(When(at, "short"), self.language)

    def appointment(self, at: datetime) -> str:
        """An appointment's moment as Telegram tells it ("dinsdag 24 november om 15:00")."""
        return self.renderer.param(When(at, "appointment"), self.language)

    def span(self, delta: timedelta) -> str:
        return self.renderer.param(Duration(int(abs(delta.total_seconds()))), self.language)


def words(request: web.Request, who: Viewer | None) -> Words:
    language = who.language if who is not None else DEFAULT_LANGUAGE
    return Words(request.app[RUNTIME].renderer, language)


def page(
    request: web.Request,
    who: Viewer | None,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> web.Response:
    """A template with the words, the viewer and their CSRF token."""
    said = words(request, who)
    told = request.query.get("said", "")
    full = {
        "w": said,
        "t": said.t,
        "who": who,
        "lang": said.language,
        "said": told if told in SAID else "",
        **context,
    }
    return aiohttp_jinja2.render_template(template, request, full, status=status)


def back(path: str, said: str = "") -> web.HTTPSeeOther:
    """After a form: to a page, with a short code of what happened (`?said=taken`)."""
    return web.HTTPSeeOther(f"{path}?said={said}" if said else path)
