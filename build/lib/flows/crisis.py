"""Crisis signal detection on a youngster's free text, and the help lines to show on a hit.

The word lists live in content/crisis.yaml. Both the lists and every incoming text go through
the same `normalise`, so the yaml is written in plain language and still matches chat spellings
("z3lfm00rd", "k wil nie meer leven", "kms"). Detection runs over every language's list at once,
because a youngster who chose Dutch may well write English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, TypeAlias

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

# pydantic_core ships with pydantic; PydanticCustomError keeps messages free of the
# "Value error, " prefix so the loader can show them to content editors as they are.
from pydantic_core import PydanticCustomError

CATEGORIES: tuple[str, ...] = ("suicide", "self_harm", "abuse", "violence", "homeless_tonight")

# --- normalisation ---------------------------------------------------------------------------

# Apostrophes are dropped rather than turned into spaces so "m'n", "I'm" and "don't" become the
# single chat tokens "mn", "im", "dont" that the spelling table below already knows.
_APOSTROPHES = re.compile(r"['’‘`´ʼ′]")
# A token is a run of letters/digits; "@" and "$" count as letters only inside words ("k@pot").
_TOKEN = re.compile(r"(?:[^\W_]|[@$])+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
# Every run of a repeated letter collapses to one, on both sides of the match: "doooood",
# "dood" and "dod" all become "dod", and "zelfmoordd" meets "zelfmoord". Collapsing only runs
# of 3+ would leave "pleaseee" and "please" (or "doooood" and "dood") apart.
_REPEATS = re.compile(r"([^\W\d_])\1+")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)

# Whole chat tokens that contain digits, looked up before leetspeak folding would garble them.
_RAW_DIGIT_WORDS: dict[str, str] = {
    "2": "to",
    "4": "for",
    "2nite": "tonight",
    "2night": "tonight",
    "2day": "today",
    "b4": "before",
    "h8": "hate",
    "every1": "everyone",
    "no1": "no one",
    "some1": "someone",
    "any1": "anyone",
}

# Youth, chat and Flemish spellings mapped to one written form. Keys and values are folded with
# the same steps as the text, so they are written plainly here. Keys are compared after doubled
# letters collapse, so a key must not collapse into a real word ("noone" would become "none").
_RAW_SPELLINGS: dict[str, str] = {
    # Dutch / Flemish
    "k": "ik",
    "kwil": "ik wil",
    "kga": "ik ga",
    "kben": "ik ben",
    "kheb": "ik heb",
    "kzou": "ik zou",
    "kmoet": "ik moet",
    "kslaap": "ik slaap",
    "kword": "ik word",
    "mn": "mijn",
    "mijne": "mijn",
    "zn": "zijn",
    "mij": "me",
    "mijzelf": "mezelf",
    "mzelf": "mezelf",
    "mezelve": "mezelf",
    "mijzelve": "mezelf",
    "mzlf": "mezelf",
    "nie": "niet",
    "ni": "niet",
    "nt": "niet",
    "nimeer": "niet meer",
    "niemeer": "niet meer",
    "nmr": "niet meer",
    "niks": "niets",
    "gwn": "gewoon",
    "gewn": "gewoon",
    "gwoon": "gewoon",
    "nr": "naar",
    # Spoken Dutch drops the final n: "ik wil nie meer leve", "wakker worde".
    "leve": "leven",
    "worde": "worden",
    "slape": "slapen",
    "zitte": "zitten",
    "eind": "einde",
    "vnacht": "vannacht",
    "zm": "zelfmoord",
    "zelfmoort": "zelfmoord",
    "naaktfoto": "naaktfotos",
    # English
    "im": "i am",
    "ive": "i have",
    "youre": "you are",
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "isnt": "is not",
    "wasnt": "was not",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
    "tryna": "trying to",
    "u": "you",
    "ur": "your",
    "r": "are",
    "tonite": "tonight",
    "tn": "tonight",
    "nobody": "no one",
    "everybody": "everyone",
    "mum": "mom",
    "kms": "kill myself",
    "kys": "kill yourself",
    "unaliving": "unalive",
    "unalived": "unalive",
    "unaliven": "unalive",
    "selfharm": "self harm",
    "sucide": "suicide",
    "suiside": "suicide",
    "suicid": "suicide",
    "sucidal": "suicidal",
    "suisidal": "suicidal",
}

# Words young people split with a space (or a stray hyphen) that the lists spell as one.
_RAW_JOINS: dict[tuple[str, str], str] = {
    ("me", "zelf"): "mezelf",
    ("zelf", "moord"): "zelfmoord",
    ("dak", "loos"): "dakloos",
    ("my", "self"): "myself",
    ("un", "alive"): "unalive",
    ("no", "where"): "nowhere",
    ("any", "more"): "anymore",
}

# Intensifiers that young people drop into the middle of a phrase ("ik wil gewoon niet meer
# wakker worden", "I just don't want to live"). Dropping them on both sides saves listing every
# variant. Never add a word that can turn a phrase around (niet, not, no, wel, al, maar).
_RAW_FILLERS: tuple[str, ...] = (
    "gewoon",
    "echt",
    "eigenlijk",
    "serieus",
    "letterlijk",
    "zelfs",
    "just",
    "really",
    "literally",
    "honestly",
    "actually",
    "seriously",
    "fr",
    "lowkey",
    "even",
    "so",
)


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


def _base_tokens(text: str) -> list[str]:
    """Casefold, drop apostrophes, accents and format characters, collapse repeated letters,
    and split into tokens (letters, digits, and "@"/"$" inside words)."""
    text = _APOSTROPHES.sub("", text).casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(_STRIP_MARKS)
    return _TOKEN.findall(_REPEATS.sub(r"\1", text))


def _unleet(token: str) -> str:
    """Fold a token that is not all letters: leetspeak in words, "@"/"$" alone dropped."""
    if not _HAS_LETTER.search(token):
        # Numbers such as 112 or 1813 stay as they are; a lone "@" or "$" is punctuation.
        return token.replace("@", "").replace("$", "")
    return _REPEATS.sub(r"\1", token.translate(_LEET))


def _plain(text: str) -> tuple[str, ...]:
    """Fold a table entry with every step except the tables themselves."""
    folded = (tok if tok.isalpha() else _unleet(tok) for tok in _base_tokens(text))
    return tuple(tok for tok in folded if tok)


def _single(text: str) -> str:
    folded = _plain(text)
    if len(folded) != 1:
        raise ValueError(f"table entry {text!r} must be one token")
    return folded[0]


def _build_table() -> dict[str, tuple[str, ...]]:
    """One lookup per token: a digit word, chat spelling or filler maps to its replacement
    tokens (none for a filler); a token not in the table stays as it is."""
    fillers = {_single(word) for word in _RAW_FILLERS}

    def replacement(written: str) -> tuple[str, ...]:
        return tuple(tok for tok in _plain(written) if tok not in fillers)

    table: dict[str, tuple[str, ...]] = dict.fromkeys(fillers, ())
    for raw, written in _RAW_SPELLINGS.items():
        table[_single(raw)] = replacement(written)
    for raw, written in _RAW_DIGIT_WORDS.items():
        # Looked up before leetspeak folding, which would turn "h8" into "hb".
        table[_REPEATS.sub(r"\1", raw)] = replacement(written)
    return table


_TABLE = _build_table()
_JOINS: dict[tuple[str, str], str] = {
    (_single(left), _single(right)): _single(joined) for (left, right), joined in _RAW_JOINS.items()
}
_JOIN_RIGHT: frozenset[str] = frozenset(right for _, right in _JOINS)


def normalise(text: str) -> str:
    """Fold case, accents, leetspeak, repeats, chat spellings and fillers into spaced tokens."""
    tokens: list[str] = []
    for token in _base_tokens(text):
        mapped = _TABLE.get(token)
        if mapped is None:
            if token.isalpha():
                mapped = (token,)
            else:
                unleeted = _unleet(token)
                mapped = _TABLE.get(unleeted, (unleeted,) if unleeted else ())
        for word in mapped:
            if word in _JOIN_RIGHT and tokens and (tokens[-1], word) in _JOINS:
                tokens[-1] = _JOINS[(tokens[-1], word)]
            else:
                tokens.append(word)
    return " ".join(tokens)


# --- lexicon model ---------------------------------------------------------------------------


def _check_phrase(phrase: str) -> str:
    if not phrase.strip():
        raise PydanticCustomError("crisis_phrase", "empty phrase")
    if not normalise(phrase):
        raise PydanticCustomError("crisis_phrase", "phrase normalises to nothing")
    return phrase


Phrase = Annotated[str, AfterValidator(_check_phrase)]


def _duplicates(phrases: Iterable[tuple[str, str]]) -> None:
    """Refuse a (where, phrase) list in which two phrases normalise to the same text."""
    seen: dict[str, str] = {}
    for where, phrase in phrases:
        key = normalise(phrase)
        if key in seen:
            raise PydanticCustomError(
                "crisis_duplicate",
                "{where} {phrase} is a duplicate of {first} after normalising",
                {"where": where, "phrase": repr(phrase), "first": repr(seen[key])},
            )
        seen[key] = phrase


def _check_language_signals(by_category: dict[str, list[str]]) -> dict[str, list[str]]:
    missing = [cat for cat in CATEGORIES if cat not in by_category]
    if missing:
        raise PydanticCustomError(
            "crisis_categories", "missing category {names}", {"names": ", ".join(missing)}
        )
    unknown = [cat for cat in by_category if cat not in CATEGORIES]
    if unknown:
        raise PydanticCustomError(
            "crisis_categories", "unknown category {names}", {"names": ", ".join(unknown)}
        )
    # A phrase in two categories would make the reported category depend on list order.
    _duplicates(
        (f"{cat}[{i}]", phrase) for cat in CATEGORIES for i, phrase in enumerate(by_category[cat])
    )
    return by_category


def _check_harmless_list(phrases: list[str]) -> list[str]:
    _duplicates((f"[{i}]", phrase) for i, phrase in enumerate(phrases))
    return phrases


_PHONE = re.compile(r"[0-9](?:[0-9 -]*[0-9])?")


class HelpLine(BaseModel):
    """One service a youngster can call or chat with, with a one-line text per language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    phone: str | None = None
    url: str | None = None
    text: dict[str, str]

    @field_validator("phone")
    @classmethod
    def _phone_is_dialable(cls, phone: str | None) -> str | None:
        if phone is not None and not _PHONE.fullmatch(phone):
            raise PydanticCustomError("crisis_phone", "phone may hold only digits, spaces and -")
        return phone

    @field_validator("url")
    @classmethod
    def _url_is_https(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith("https://"):
            raise PydanticCustomError("crisis_url", "url must start with https://")
        return url

    @field_validator("text")
    @classmethod
    def _texts_not_empty(cls, text: dict[str, str]) -> dict[str, str]:
        for language, line in text.items():
            if not line.strip():
                raise PydanticCustomError(
                    "crisis_text", "text for {language} is empty", {"language": repr(language)}
                )
        return text

    @model_validator(mode="after")
    def _reachable(self) -> HelpLine:
        if self.phone is None and self.url is None:
            raise PydanticCustomError("crisis_help_line", "needs phone or url")
        return self


class CountryHelpLines(BaseModel):
    """Help lines of one country, by the moment they are shown."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    crisis: list[HelpLine] = Field(min_length=1)
    under_age: list[HelpLine] = Field(min_length=1)
    while_waiting: list[HelpLine] = Field(min_length=1)


REQUIRED_COUNTRIES: tuple[str, ...] = ("BE", "NL")


class CrisisLexicon(BaseModel):
    """content/crisis.yaml: signal phrases, harmless idioms and help lines."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    signals: dict[str, Annotated[dict[str, list[Phrase]], AfterValidator(_check_language_signals)]]
    harmless: dict[str, Annotated[list[Phrase], AfterValidator(_check_harmless_list)]]
    help_lines: dict[str, CountryHelpLines]

    @field_validator("harmless")
    @classmethod
    def _harmless_per_signal_language(
        cls, harmless: dict[str, list[str]], info: ValidationInfo
    ) -> dict[str, list[str]]:
        signals: Mapping[str, object] = info.data.get("signals", {})
        missing = [language for language in signals if language not in harmless]
        if missing:
            raise PydanticCustomError(
                "crisis_harmless",
                "missing entry for signal language {names} (an empty list is fine)",
                {"names": ", ".join(missing)},
            )
        return harmless

    @field_validator("help_lines")
    @classmethod
    def _required_countries(
        cls, help_lines: dict[str, CountryHelpLines]
    ) -> dict[str, CountryHelpLines]:
        missing = [country for country in REQUIRED_COUNTRIES if country not in help_lines]
        if missing:
            raise PydanticCustomError(
                "crisis_countries", "missing country {names}", {"names": ", ".join(missing)}
            )
        return help_lines


# --- detection -------------------------------------------------------------------------------

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
    """Which kind of danger was signalled and in which language's list; never the text itself."""

    category: str
    language: str


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
