"""Normalising: every message and every lexicon entry go through the same folding.

Case, accents, leetspeak ("z3lfm00rd"), repeated letters ("doooood"), chat and Flemish spellings
("k wil nie meer leve", "kms") and filler words all fold to one plain form, so content/crisis.yaml
is written in plain language and still matches how young people type.
"""

from __future__ import annotations

import re
import unicodedata

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
    "kzit": "ik zit",
    "kzie": "ik zie",
    "kweet": "ik weet",
    "kkan": "ik kan",
    "khoop": "ik hoop",
    "kdenk": "ik denk",
    "kvoel": "ik voel",
    "kwou": "ik wou",
    "kwas": "ik was",
    "kvind": "ik vind",
    "kmag": "ik mag",
    "da": "dat",
    "ne": "een",
    "nen": "een",
    "gij": "jij",
    "ge": "je",
    "zijt": "bent",
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
    "r": "are",
    "tonite": "tonight",
    "rn": "right now",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2moro": "tomorrow",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "ppl": "people",
    "pls": "please",
    "plz": "please",
    "ill": "i will",
    "id": "i would",
    "theyll": "they will",
    "theyre": "they are",
    "hes": "he is",
    "shes": "she is",
    "shell": "she will",
    "theyd": "they would",
    "itll": "it will",
    "wont": "will not",
    "havent": "have not",
    "hasnt": "has not",
    "arent": "are not",
    "werent": "were not",
    "shouldnt": "should not",
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


# Emoji that laugh are kept as a word, because "ik ga hem vermoorden 😂" is a joke; every other
# emoji and all punctuation fall away.
_LAUGHING = re.compile(
    "[\U0001f602\U0001f923\U0001f480\U0001f605\U0001f606\U0001f639\U0001f643\U0001f644]"
)


# Words that collapsing doubled letters would turn into a signal word ("veerkracht" into
# "verkracht"), renamed before they collapse.
_BEFORE_COLLAPSE = re.compile(r"\bveerkracht")


def _base_tokens(text: str) -> list[str]:
    """Casefold, drop apostrophes, accents and format characters, collapse repeated letters,
    and split into tokens (letters, digits, and "@"/"$" inside words)."""
    text = _LAUGHING.sub(" haha ", _APOSTROPHES.sub("", text)).casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(_STRIP_MARKS)
    text = _BEFORE_COLLAPSE.sub("weerbaarheid", text)
    return _TOKEN.findall(_REPEATS.sub(r"\1", text))


def _unleet(token: str) -> str:
    """Fold a token that is not all letters: leetspeak in words, "@"/"$" alone dropped."""
    if not _HAS_LETTER.search(token):
        # Numbers such as 112 or 1813 stay as they are; a lone "@" or "$" is punctuation.
        return token.replace("@", "").replace("$", "")
    return _REPEATS.sub(r"\1", token.translate(_LEET))


def plain(text: str) -> tuple[str, ...]:
    """Fold a table entry with every step except the tables themselves."""
    folded = (tok if tok.isalpha() else _unleet(tok) for tok in _base_tokens(text))
    return tuple(tok for tok in folded if tok)


def _single(text: str) -> str:
    folded = plain(text)
    if len(folded) != 1:
        raise ValueError(f"table entry {text!r} must be one token")
    return folded[0]


def _build_table() -> dict[str, tuple[str, ...]]:
    """One lookup per token: a digit word, chat spelling or filler maps to its replacement
    tokens (none for a filler); a token not in the table stays as it is."""
    fillers = {_single(word) for word in _RAW_FILLERS}

    def replacement(written: str) -> tuple[str, ...]:
        return tuple(tok for tok in plain(written) if tok not in fillers)

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
