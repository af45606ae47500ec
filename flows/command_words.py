"""Command words, from content/texts (per language), and their checks.

The words live in `commands.staff_words.<action>` (coaches and team leads) and
`commands.youngster_words.<action>` (youngsters) of every language file: one or more words
separated by spaces, the first shown in the command menu. Anyone may type the word of any
language (a Dutch team lead types /queue as well as /wachtrij, a youngster /restart as well as
/opnieuw). The menus are described by `commands.staff.<action>` and `commands.<action>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

# What a staff member can ask for by a command, in the order of their menu ("help" is the
# fallback for anything else, "link" is /coach <code> from a chat not linked yet).
STAFF_MENU = ("queue", "open", "appointment", "pause", "close", "handover", "dashboard", "help")
STAFF = "commands.staff_words"
# A youngster's commands, in the order of their menu (flows/commands.py says what each does).
YOUNGSTER_MENU = (
    "start",
    "status",
    "appointment",
    "help",
    "stop",
    "restart",
    "other_coach",
    "mydata",
    "forget",
)
YOUNGSTER = "commands.youngster_words"
# /blokkeer and /deblokkeer (flows/coaching/block.py) work but stay out of the menu: rare.
SETS = {STAFF: (*STAFF_MENU, "link", "block", "unblock"), YOUNGSTER: YOUNGSTER_MENU}
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")  # what Telegram accepts as a command


def needed_keys() -> dict[str, str]:
    """The text keys every language needs for the commands, with why."""
    keys = {f"{STAFF}.{a}": "a staff command needs its word" for a in SETS[STAFF]}
    keys |= {f"{YOUNGSTER}.{a}": "a youngster's command needs its word" for a in YOUNGSTER_MENU}
    keys |= {f"commands.staff.{a}": "the staff's command menu needs it" for a in STAFF_MENU}
    keys |= {f"commands.{a}": "the command menu needs it" for a in YOUNGSTER_MENU}
    return keys


def word_problems(texts: Mapping[str, Mapping[str, object]]) -> Iterator[tuple[str, str, str]]:
    """(language, key, reason) for each command word Telegram would refuse, or that means two
    things for the same people (in one language or across languages: every language's words
    work for everyone)."""
    for prefix, actions in SETS.items():
        meaning: dict[str, tuple[str, str]] = {}
        for language, flat in texts.items():
            for action in actions:
                key = f"{prefix}.{action}"
                value = flat.get(key)
                if not isinstance(value, str):
                    continue  # a missing key is reported by the text check
                for word in value.split():
                    if not _COMMAND.fullmatch(word):
                        yield language, key, f"/{word}: a command is 1-32 of a-z, 0-9 and _"
                        continue
                    earlier = meaning.setdefault(word, (action, language))
                    if earlier[0] != action:
                        yield (
                            language,
                            key,
                            f"/{word} already means {earlier[0]} ({earlier[1]}.yaml)",
                        )


@dataclass(frozen=True)
class CommandWords:
    """One set of command words in every language, read once from the content's texts."""

    actions: Mapping[str, str]  # word -> action
    words: Mapping[str, Mapping[str, tuple[str, ...]]]  # language -> action -> words
    order: tuple[str, ...]  # the menu's actions

    @classmethod
    def read(
        cls, texts: Mapping[str, Mapping[str, str]], prefix: str, order: tuple[str, ...]
    ) -> CommandWords:
        words = {
            language: {
                action: tuple(flat[f"{prefix}.{action}"].split())
                for action in SETS[prefix]
                if f"{prefix}.{action}" in flat
            }
            for language, flat in texts.items()
        }
        actions = {
            word: action for by in words.values() for action, said in by.items() for word in said
        }
        return cls(actions, words, order)

    def action(self, command: str) -> str | None:
        """The action a typed command word names, in any language."""
        return self.actions.get(command.lower())

    def menu(self, language: str) -> list[tuple[str, str]]:
        """(word, action) for the command menu in a language: the first word of each."""
        own = self.words.get(language) or next(iter(self.words.values()))
        return [(own[action][0], action) for action in self.order if own.get(action)]


def staff_words(texts: Mapping[str, Mapping[str, str]]) -> CommandWords:
    return CommandWords.read(texts, STAFF, STAFF_MENU)


def youngster_words(texts: Mapping[str, Mapping[str, str]]) -> CommandWords:
    return CommandWords.read(texts, YOUNGSTER, YOUNGSTER_MENU)
