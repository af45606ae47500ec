"""Typed answers to Klik's own crisis questions: "ja", "nee hoor", "idk", "ik ben niet veilig".

The worry question ("Denk je eraan om jezelf iets aan te doen?") and the safety question ("Ben
je nu veilig?") come with buttons, but many youngsters type instead. The words live in
content/crisis.yaml (`answers`, per language; every language's words work for everyone).

Only the opening of a message is read, up to its first punctuation mark: the whole of it must
be an answer phrase ("no idea", "ik weet het niet"), or its first word a one-word answer ("ja
maar hij is nog thuis", "nee hoor"). A phrase of more words must stand alone, so "i am scared"
is not "i am", nor "ik ben bang" "ik ben". Folded as the terms are (flows/crisis/normalise.py,
PLAIN) but without the spelling words, which would make "nee" the same word as "een".
"""

from __future__ import annotations

import re

from flows.crisis.lexicon import CrisisLexicon
from flows.crisis.normalise import PLAIN

_BREAK = re.compile(r"[.,!?;:()\n]")
_LEADING = " \t.,!?;:()\n"


class TypedAnswers:
    """What a typed message answers to a yes/no crisis question, if anything."""

    def __init__(self, lexicon: CrisisLexicon) -> None:
        self._whole: dict[str, str] = {}
        for words in lexicon.answers.values():
            for kind, phrases in words.by_kind().items():
                for phrase in phrases:
                    self._whole[PLAIN(phrase)] = kind
        self._first = {phrase: kind for phrase, kind in self._whole.items() if " " not in phrase}

    def of(self, text: str) -> str | None:
        """The kind of answer (lexicon.ANSWER_KINDS: "yes", "no", "unsure", "safe", "unsafe"),
        or None when the message does not open with one."""
        opening = PLAIN(_BREAK.split(text.lstrip(_LEADING), maxsplit=1)[0])
        if not opening:
            return None
        if opening in self._whole:
            return self._whole[opening]
        return self._first.get(opening.split(" ", 1)[0])
