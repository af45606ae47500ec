"""The chat page itself: server-rendered in the page's language, its words for the script in a
data attribute (no inline script), the menu's commands in the youngster's own words."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
from aiohttp import web

from bot.channels.web.chat import WebChat
from bot.channels.web.messages import MAX_BODY
from flows.command_words import youngster_words
from flows.web_chat import SCRIPT

HERE = Path(__file__).parent
# What the menu offers, in this order; each is also typed as /<word> in any language.
MENU = ("help", "status", "appointment", "other_coach", "mydata", "stop", "forget")


class Page:
    def __init__(self, chat: WebChat) -> None:
        self.chat = chat
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=jinja2.select_autoescape(default=True),
            undefined=jinja2.StrictUndefined,
        )

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/chat", self.page)]

    async def page(self, request: web.Request) -> web.Response:
        chat = self.chat
        language = chat.language(request)
        words = youngster_words(chat.renderer.content.texts)
        menu = [
            (f"/{word}", chat.say(f"commands.{action}", language))
            for word, action in words.menu(language)
            if action in MENU
        ]

        def t(name: str) -> str:
            return chat.say(f"chat.{name}", language)

        script = {name: t(name) for name in SCRIPT}
        html = self.templates.get_template("chat.html").render(
            t=t,
            language=language,
            languages=chat.languages(),
            menu=menu,
            exit_url=chat.quick_exit_url,
            max_body=MAX_BODY,  # the script keeps a larger text in its box
            script_texts=json.dumps(script, ensure_ascii=False),
        )
        return web.Response(text=html, content_type="text/html")
