"""A chat's history as the page reads it (JSON), the same over the WebSocket and the poll:
each line's number, what it is, and its words, buttons, photo or file."""

from __future__ import annotations

from typing import Any

from bot.channels.web.chat import WebChat
from storage.web_chat import Line

FILES = "/chat/files/"


def line_json(chat: WebChat, line: Line, language: str) -> dict[str, Any]:
    """One line for the page; a notice key is told in the page's language."""
    body = line.body
    out: dict[str, Any] = {"seq": line.seq, "kind": line.kind, "target": line.target}
    if line.client is not None:
        out["client"] = line.client
    if "text" in body:
        out["text"] = body["text"]
    if body.get("buttons"):
        out["buttons"] = body["buttons"]
    if "photo" in body:
        out["photo"] = FILES + body["photo"]
    if "file" in body:
        out["file"] = FILES + body["file"]
        out["name"] = body.get("name", "") or "klik.txt"
        out["text"] = chat.say("chat.download", language, name=out["name"])
    if "notice" in body:
        out["text"] = chat.say(f"chat.{body['notice']}", language)
    return out
