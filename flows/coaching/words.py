"""The staff's command words, from content/texts (per language), and their checks.

The words live in `commands.words.<action>` of every language file; a staff member may type
the word of any language (a Dutch team lead types /queue as well as /wachtrij). The command
menu shows the words of the staff member's own language, described by `commands.staff.*`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

# What a staff member can ask for by a command, in the order of their menu ("help" is the
# fallback for anything else, "link" is /coach <code> from a chat not linked yet).
MENU = ("queue", "open", "pause", "close", "handover", "help")
ACTIONS = (*MENU, "link")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")  # what Telegram accepts as a command


def word_key(action: str) -> str:
    return f"commands.words.{action}"


def needed_keys() -> dict[str, str]:
    """The text keys every language needs for the staff's commands, with why."""
    keys = {word_key(action): "a staff command needs its word" for action in ACTIONS}
    keys |= {f"commands.staff.{action}": "the staff's command menu needs it" for action in MENU}
    return keys


def word_problems(texts: Mapping[str, Mapping[str, object]]) -> Iterator[tuple[str, str, str]]:
    """(language, key, reason) for each command word Telegram would refuse, or that means two
    things (in one language or across languages: every language's words work for everyone)."""
    meaning: dict[str, tuple[str, str]] = {}
    for language, flat in texts.items():
        for action in ACTIONS:
            word = flat.get(word_key(action))
            if not isinstance(word, str):
                continue  # a missing key is reported by the text check
            if not _COMMAND.fullmatch(word):
                yield language, word_key(action), "a command is 1-32 of a-z, 0-9 and _"
                continue
            earlier = meaning.setdefault(word, (action, language))
            if earlier[0] != action:
                reason = f"/{word} already means {earlier[0]} ({earlier[1]}.yaml)"
                yield language, word_key(action), reason


@dataclass(frozen=True)
class StaffWords:
    """Every language's command words, read once from the content's texts."""

    actions: Mapping[str, str]  # word -> action
    words: Mapping[str, Mapping[str, str]]  # language -> action -> word

    @classmethod
    def from_texts(cls, texts: Mapping[str, Mapping[str, str]]) -> StaffWords:
        words = {
            language: {a: flat[word_key(a)] for a in ACTIONS if word_key(a) in flat}
            for language, flat in texts.items()
        }
        actions = {word: action for by in words.values() for action, word in by.items()}
        return cls(actions, words)

    def action(self, command: str) -> str | None:
        """The action a typed command word names, in any language."""
        return self.actions.get(command.lower())

    def menu(self, language: str) -> list[tuple[str, str]]:
        """(word, action) for a staff member's command menu, in their language."""
        own = self.words.get(language) or next(iter(self.words.values()))
        return [(own[action], action) for action in MENU if action in own]
