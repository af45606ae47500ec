"""Normalising: every message and every lexicon entry go through the same folding.

Case, accents, leetspeak ("z3lfm00rd"), repeated letters ("doooood"), chat and Flemish spellings
("k wil nie meer leve", "kms"), emoji that stand for a word ("🪢") and filler words all fold to
one plain form, so content/crisis.yaml is written in plain language and still matches how young
people type. The spellings themselves
are data (the `spelling` section of content/crisis.yaml); `Normaliser` is built from them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

# Apostrophes are dropped rather than turned into spaces so "m'n", "I'm" and "don't" become the
# single chat tokens "mn", "im", "dont" that the spelling table already knows.
_APOSTROPHES = re.compile(r"['’‘`´ʼ′]")
# A token is a run of letters/digits; "@" and "$" count as letters only inside words ("k@pot").
# "_" is no letter: `_tokens` turns it into a space first, so one character class does (an
# alternation inside the repeat, "(?:[^\W_]|[@$])+", reads the text two and a half times slower).
_TOKEN = re.compile(r"[\w@$]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
# Every run of a repeated letter collapses to one, on both sides of the match: "doooood",
# "dood" and "dod" all become "dod", and "zelfmoordd" meets "zelfmoord". Collapsing only runs
# of 3+ would leave "pleaseee" and "please" (or "doooood" and "dood") apart.
# Written as "drop every letter that the same letter follows" rather than "([^\W\d_])\1+" put
# back as "\1": the same text, but a plain replacement needs no Python call for each match.
_REPEATS = re.compile(r"([^\W\d_])(?=\1)")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
LAUGH = "haha"  # what a laughing emoji becomes
# Where a sentence ends: a full stop, question or exclamation mark or semicolon before a space
# or the end, or a new line. It becomes the token "." between the sentences' words, so that a
# negation in one sentence turns nothing in the next ("ik sta op het spoor. niet bellen").
_SENTENCE_END = re.compile(r"[.!?;…]+(?=\s|$)|\n")
SENTENCE = "."

_STRIP_CACHE_LIMIT = 20_000


class _StripMarks(dict[int, str]):
    """str.translate table dropping accents (Mn, split off by NFKD) and invisible format
    characters (Cf, e.g. zero-width joiners hidden inside a word); filled as characters occur."""

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        folded = "" if unicodedata.category(char) in ("Mn", "Cf") else char
        # Bounded so a stream of exotic characters cannot grow the cache without limit.
        if len(self) < _STRIP_CACHE_LIMIT:
            self[codepoint] = folded
        return folded


_STRIP_MARKS = _StripMarks()


def _fold(text: str) -> str:
    """Casefold, drop apostrophes, accents and format characters."""
    text = _APOSTROPHES.sub("", text).casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(_STRIP_MARKS)
    return text


def _tokens(text: str) -> list[str]:
    """Collapse repeated letters and split into tokens (letters, digits, "@"/"$" in words)."""
    return _TOKEN.findall(_REPEATS.sub("", text).replace("_", " "))


def _unleet(token: str) -> str:
    """Fold a token that is not all letters: leetspeak in words, "@"/"$" alone dropped."""
    if not _HAS_LETTER.search(token):
        # Numbers such as 112 or 1813 stay as they are; a lone "@" or "$" is punctuation.
        return token.replace("@", "").replace("$", "")
    return _REPEATS.sub("", token.translate(_LEET))


def plain(text: str) -> tuple[str, ...]:
    """Fold with every step except the spelling tables: case, accents, repeats, leetspeak."""
    folded = (tok if tok.isalpha() else _unleet(tok) for tok in _tokens(_fold(text)))
    return tuple(tok for tok in folded if tok)


def _single(text: str) -> str:
    folded = plain(text)
    if len(folded) != 1:
        raise ValueError(f"spelling entry {text!r} must be one word")
    return folded[0]


class Normaliser:
    """Folds text into spaced tokens with the spelling tables of content/crisis.yaml; build once
    per lexicon. Without tables it folds case, accents, repeats and leetspeak only."""

    def __init__(
        self,
        *,
        words: Mapping[str, str] | None = None,
        digits: Mapping[str, str] | None = None,
        joins: Iterable[tuple[str, str, str]] = (),
        fillers: Iterable[str] = (),
        renamed: Mapping[str, str] | None = None,
        laughing: str = "",
        emoji: Mapping[str, str] | None = None,
    ) -> None:
        """Raise ValueError when a key that must be one word is not."""
        filler_set = {_single(word) for word in fillers}

        def replacement(written: str) -> tuple[str, ...]:
            return tuple(tok for tok in plain(written) if tok not in filler_set)

        table: dict[str, tuple[str, ...]] = dict.fromkeys(filler_set, ())
        for raw, written in (words or {}).items():
            table[_single(raw)] = replacement(written)
        for raw, written in (digits or {}).items():
            # Looked up before leetspeak folding, which would turn "h8" into "hb".
            table[_REPEATS.sub("", _fold(raw))] = replacement(written)
        self._table = table
        self._joins = {(_single(a), _single(b)): _single(c) for a, b, c in joins}
        self._join_right = frozenset(right for _, right in self._joins)
        self._renamed = {_fold(old): _fold(new) for old, new in (renamed or {}).items()}
        self._renames = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, self._renamed)) + r")")
            if self._renamed
            else None
        )
        self._laughing = re.compile("[" + re.escape(laughing) + "]") if laughing else None
        # Emoji that stand for a word ("🪢" a rope, "💊" pills); every other emoji falls away.
        # Longest first, so an emoji with its variation selector wins over the bare one.
        self._emoji = dict(emoji or {})
        self._emoji_pattern = (
            re.compile("|".join(map(re.escape, sorted(self._emoji, key=len, reverse=True))))
            if self._emoji
            else None
        )

    def __call__(self, text: str) -> str:
        """Fold case, accents, leetspeak, repeats, chat spellings and fillers into spaced tokens."""
        if self._laughing is not None:
            text = self._laughing.sub(f" {LAUGH} ", text)
        if self._emoji_pattern is not None:
            text = self._emoji_pattern.sub(lambda match: f" {self._emoji[match.group()]} ", text)
        text = _fold(text)
        if self._renames is not None:
            text = self._renames.sub(lambda match: self._renamed[match.group()], text)
        tokens: list[str] = []
        for sentence in _SENTENCE_END.split(text):
            if tokens and tokens[-1] != SENTENCE:
                tokens.append(SENTENCE)
            for token in _tokens(sentence):
                mapped = self._table.get(token)
                if mapped is None:
                    if token.isalpha():  # most words: no spelling entry, no leetspeak
                        self._add(tokens, token)
                        continue
                    unleeted = _unleet(token)
                    mapped = self._table.get(unleeted, (unleeted,) if unleeted else ())
                for word in mapped:
                    self._add(tokens, word)
        if tokens and tokens[-1] == SENTENCE:
            tokens.pop()
        return " ".join(tokens)

    def _add(self, tokens: list[str], word: str) -> None:
        """Append a word, or join it to the one before ("zelf" "moord": "zelfmoord")."""
        if word in self._join_right and tokens and (tokens[-1], word) in self._joins:
            tokens[-1] = self._joins[(tokens[-1], word)]
        else:
            tokens.append(word)


# Folding without any tables: for checking lexicon entries before the tables are known.
PLAIN = Normaliser()
