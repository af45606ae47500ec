"""The web chat's words: every text key (chat.<name>) the chat page, its script and its routes
show a youngster, listed here so `klik check-content` finds one missing in any language before
a youngster meets a bare key or an English sentence from the code."""

from __future__ import annotations

from typing import Literal, get_args

# Why the chat turns a request down; the page shows chat.<reason> in its language.
Refusal = Literal[
    "not_ours",  # not from a page of this service (the Origin check)
    "unreadable",  # a request no page of ours sends: not JSON, no message id, a bad number
    "too_long",  # a request larger than any message
    "too_fast",  # the flood limit
    "empty",  # nothing typed
    "no_chat",  # no chat for this browser (never started, or erased)
    "too_big",  # a photo over 5 MB
    "wrong_type",  # a file that is no JPEG, PNG or WebP
    "code_wrong",  # a continue code that opens nothing
    "code_later",  # too many codes tried
    "file_gone",  # a photo or file this browser's chat does not hold (any more)
    "not_found",  # an address under /chat that is no part of the chat
]
REFUSALS: tuple[str, ...] = get_args(Refusal)
# The page's own words (its template).
PAGE = (
    "title", "quick_exit", "quick_exit_hint", "intro", "start", "have_code", "continue",
    "placeholder", "send", "photo", "menu", "get_code",
)  # fmt: skip
# Words the page's script shows by itself, handed to it in the page.
SCRIPT = (
    "offline", "online", "failed", "photo_sent", "too_big", "wrong_type", "code_wrong",
    "too_long",
)  # fmt: skip
# Words in the chat's history, and the continue code's answer.
LINES = ("media_unshown", "download", "code_told")


def needed_keys() -> dict[str, str]:
    """The text keys every language needs for the web chat, with why."""
    keys = {f"chat.{name}": "the web chat page shows it" for name in (*PAGE, *SCRIPT, *LINES)}
    keys |= {f"chat.{name}": "the web chat refuses with it" for name in REFUSALS}
    return keys
