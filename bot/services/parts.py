"""A text too long for one message, cut into parts that each fit, at the most natural place:
between paragraphs, else between lines, else between words, else between two characters as
a reader sees them (an emoji with its skin tone or a family of people is one character).
Read in order, the parts say everything the text said."""

from __future__ import annotations

import regex

from bot.services.render import Rendered

# One user-perceived character (an extended grapheme cluster, Unicode UAX #29).
_CHARACTER = regex.compile(r"\X")
# Where to cut, most natural first; a part ends with the separator, the next starts after it.
_BREAKS = (regex.compile(r"\n[ \t]*\n\s*"), regex.compile(r"\n\s*"), regex.compile(r"\s+"))


def split_text(text: str, limit: int) -> list[str]:
    """`text` in parts of at most `limit` code points, cut at the most natural place that
    leaves each part at least half full; the whitespace at a cut is dropped."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut, resume = _cut(rest, limit)
        parts.append(rest[:cut])
        rest = rest[resume:]
    if rest or not parts:
        parts.append(rest)
    return parts


def _cut(text: str, limit: int) -> tuple[int, int]:
    """Where the first part ends and the rest begins."""
    for separator in _BREAKS:
        found = [m for m in separator.finditer(text, 0, limit + 1) if m.start() >= limit // 2]
        if found:
            resume = found[-1].end()
            while resume < len(text) and text[resume].isspace():  # the region ended inside
                resume += 1
            return found[-1].start(), resume
    end = 0
    for character in _CHARACTER.finditer(text):
        if character.end() > limit:
            break
        end = character.end()
    # A single "character" longer than a whole part (never in real text) is cut anyway.
    return (end, end) if end else (limit, limit)


def split_message(message: Rendered, limit: int | None) -> list[Rendered]:
    """A rendered message as the parts a channel can carry; the buttons go with the last
    part, under the end of the text they belong to."""
    if limit is None or len(message.text) <= limit:
        return [message]
    texts = split_text(message.text, limit)
    return [
        Rendered(text, message.buttons if number == len(texts) else ())
        for number, text in enumerate(texts, start=1)
    ]
