"""The decision: which signal a message carries, at which level, and by which rule."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

from flows.crisis.lexicon import CATEGORIES, CrisisLexicon
from flows.crisis.normalise import normalise

_Trie: TypeAlias = dict[str, "_Trie"]
_END = ""  # trie key marking that a phrase ends here; never a real character


def _trie_pattern(node: _Trie) -> str:
    """Regex for a character trie: sibling branches start with different characters, so the
    engine follows at most one branch and backtracking is bounded by the phrase length."""
    branches = [
        re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END not in node:
        return body
    # A phrase ends here and longer ones continue: the greedy "?" tries the longer one first.
    return f"(?:{body})?" if len(branches) == 1 else body + "?"


def _phrase_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """One compiled regex matching any of the normalised phrases as whole tokens."""
    trie: _Trie = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[_END] = {}
    if not trie:
        return re.compile(r"(?!)")
    # Normalised text is tokens joined by single spaces, so a space or either end is a boundary.
    return re.compile(r"(?<![^ ])" + _trie_pattern(trie) + r"(?![^ ])")


# Masked idioms are replaced by a token that no normalised phrase can contain, so a signal can
# neither match inside an idiom nor bridge across one.
_MASK = " | "


@dataclass(frozen=True)
class CrisisHit:
    """What a message signals; never the text itself.

    `category` is one of CATEGORIES; `level` is "acute" (a means, place or act with intent, or
    happening now) or "worry" (distress without a plan); `rule` names the rule that fired, for
    the coach only (texts: crisis.rule.<rule>); `about` is "self" or "friend" (somebody the
    youngster worries about); `language` is the lexicon language whose words matched.
    """

    category: str
    language: str
    level: str = "acute"
    rule: str = "phrase"
    about: str = "self"

    @property
    def acute(self) -> bool:
        return self.level == "acute"


class CrisisDetector:
    """Finds crisis signals in free text; build once per lexicon and reuse for every message."""

    def __init__(self, lexicon: CrisisLexicon) -> None:
        """Normalise every phrase and compile one regex for signals and one for idioms."""
        self._hits: dict[str, CrisisHit] = {}
        for language, by_category in lexicon.signals.items():
            for category in CATEGORIES:
                for phrase in by_category.get(category, []):
                    # The same phrase may serve two languages ("unalive"); the first one wins.
                    self._hits.setdefault(normalise(phrase), CrisisHit(category, language))
        self._signals = _phrase_regex(self._hits)
        harmless = {normalise(p) for phrases in lexicon.harmless.values() for p in phrases}
        self._harmless = _phrase_regex(harmless) if harmless else None

    def detect(self, text: str) -> CrisisHit | None:
        """Return the first (leftmost) signal in `text`, checking all languages, or None."""
        normalised = normalise(text)
        if self._harmless is not None:
            normalised = self._harmless.sub(_MASK, normalised)
        match = self._signals.search(normalised)
        return self._hits[match.group()] if match else None


def lexicon_problems(lexicon: CrisisLexicon, languages: Iterable[str]) -> list[tuple[str, str]]:
    """Cross-checks after parsing, as (yaml key path, reason): texts and signals for every
    language in `languages`, harmless phrases never detected, every signal detected as itself."""
    wanted = list(languages)
    problems: list[tuple[str, str]] = []
    for country, lines in lexicon.help_lines.items():
        for purpose in ("crisis", "under_age", "while_waiting"):
            for i, line in enumerate(getattr(lines, purpose)):
                for language in wanted:
                    if language not in line.text:
                        path = f"help_lines.{country}.{purpose}[{i}].text"
                        problems.append((path, f"missing {language!r} text"))
    for language in wanted:
        if language not in lexicon.signals:
            problems.append((f"signals.{language}", "no signal phrases for this language"))

    detector = CrisisDetector(lexicon)
    for language, phrases in lexicon.harmless.items():
        for i, phrase in enumerate(phrases):
            hit = detector.detect(phrase)
            if hit is not None:
                reason = f"harmless phrase is detected as {hit.category} ({hit.language})"
                problems.append((f"harmless.{language}[{i}]", reason))
    for language, by_category in lexicon.signals.items():
        for category, phrases in by_category.items():
            for i, phrase in enumerate(phrases):
                hit = detector.detect(phrase)
                path = f"signals.{language}.{category}[{i}]"
                if hit is None:
                    problems.append((path, "not detected: a harmless phrase hides it"))
                elif hit.category != category:
                    reason = f"detected as {hit.category} ({hit.language}) instead"
                    problems.append((path, reason))
    return problems
