"""The lexicon model: content/crisis.yaml as typed, validated data."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated

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

from flows.crisis.normalise import PLAIN, Normaliser

CATEGORIES: tuple[str, ...] = ("suicide", "self_harm", "abuse", "violence", "homeless_tonight")


LEVELS: tuple[str, ...] = ("acute", "worry")
# Concepts every language needs, because the rule engine itself gives them a meaning: who the
# message is about, and the words that turn a phrase around or start a new clause.
WHO: tuple[str, ...] = ("self", "friend", "other")
NEGATION, CLAUSE, COMMON = "not", "clause", "common"
NOBODY = "nobody"  # a negation that is the subject: it turns around only what follows it
SUBJECT = "subject"  # optional: words that are always a sentence's subject ("ik", "hij", "i"):
# one between a negation and a word starts a new clause, either way ("slaat me, ik kan niet")
BUILT_IN: tuple[str, ...] = (*WHO, NEGATION, NOBODY, CLAUSE, COMMON)
WHO_GROUP = "who"  # in a rule: the youngster, a friend or somebody else, whoever is there
_CONCEPT_NAME = re.compile(r"^[a-z][a-z_]*$")


def _check_term(term: str) -> str:
    if not term.strip():
        raise PydanticCustomError("crisis_term", "empty term")
    if term.strip() == "*" or not PLAIN(term.rstrip("*")):
        raise PydanticCustomError(
            "crisis_term", "{term} normalises to nothing", {"term": repr(term)}
        )
    if "*" in term.rstrip("*") or (term.endswith("*") and len(PLAIN(term[:-1])) < 3):
        raise PydanticCustomError(
            "crisis_term",
            "{term}: '*' only at the end, after at least three letters",
            {"term": repr(term)},
        )
    return term


Term = Annotated[str, AfterValidator(_check_term)]


def _check_phrase(phrase: str) -> str:
    if not phrase.strip():
        raise PydanticCustomError("crisis_phrase", "empty phrase")
    if not PLAIN(phrase):
        raise PydanticCustomError("crisis_phrase", "phrase normalises to nothing")
    return phrase


Phrase = Annotated[str, AfterValidator(_check_phrase)]


def _duplicates(phrases: Iterable[tuple[str, str]]) -> None:
    """Refuse a (where, phrase) list in which two phrases normalise to the same text ("pil*"
    and "pil" are different terms: one takes every ending)."""
    seen: dict[str, str] = {}
    for where, phrase in phrases:
        key = PLAIN(phrase) + ("*" if phrase.rstrip().endswith("*") else "")
        if key in seen:
            raise PydanticCustomError(
                "crisis_duplicate",
                "{where} {phrase} is a duplicate of {first} after normalising",
                {"where": where, "phrase": repr(phrase), "first": repr(seen[key])},
            )
        seen[key] = phrase


def _check_concepts(concepts: dict[str, list[str]]) -> dict[str, list[str]]:
    for name in concepts:
        if not _CONCEPT_NAME.match(name):
            raise PydanticCustomError(
                "crisis_concept", "concept name {name} must be lower_case", {"name": repr(name)}
            )
    for name, terms in concepts.items():
        _duplicates((f"{name}[{i}]", term) for i, term in enumerate(terms))
    return concepts


def _check_harmless_list(phrases: list[str]) -> list[str]:
    _duplicates((f"[{i}]", phrase) for i, phrase in enumerate(phrases))
    return phrases


class Rule(BaseModel):
    """Concepts that, found together within a few words, signal one kind of danger.

    `all` lists groups; a group is a concept or alternatives written "a|b". The rule fires when
    one word of every group stands within `within` words of the others, none turned around by
    a negation. `unless` concepts anywhere in the message keep it quiet (a school assignment,
    a book, the news, a game), which is how context lowers a signal.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    category: str
    level: str
    all: list[str] = Field(min_length=1)
    within: int = Field(default=8, ge=1, le=40)
    unless: list[str] = Field(default_factory=list)
    firm: bool = False  # plain words: the model beside the rules may not overrule this rule

    @field_validator("category")
    @classmethod
    def _known_category(cls, category: str) -> str:
        if category not in CATEGORIES:
            raise PydanticCustomError(
                "crisis_category",
                "category must be one of {names}",
                {"names": ", ".join(CATEGORIES)},
            )
        return category

    @field_validator("level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        if level not in LEVELS:
            raise PydanticCustomError("crisis_level", "level must be acute or worry")
        return level

    def groups(self) -> list[tuple[str, ...]]:
        """Each group's alternatives, with "who" standing for self, friend and other."""
        return [
            WHO if group == WHO_GROUP else tuple(part.strip() for part in group.split("|"))
            for group in self.all
        ]


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


ANSWER_KINDS: tuple[str, ...] = ("yes", "no", "unsure", "safe", "unsafe")


class AnswerWords(BaseModel):
    """How a youngster types an answer to Klik's own crisis questions, in one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    yes: list[Phrase] = Field(min_length=1)
    no: list[Phrase] = Field(min_length=1)
    unsure: list[Phrase] = Field(min_length=1)
    safe: list[Phrase] = Field(default_factory=list)  # "ik ben veilig": of themselves
    unsafe: list[Phrase] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_duplicates(self) -> AnswerWords:
        for kind, phrases in self.by_kind().items():
            _duplicates((f"{kind}[{i}]", phrase) for i, phrase in enumerate(phrases))
        return self

    def by_kind(self) -> dict[str, list[str]]:
        return {kind: list(getattr(self, kind)) for kind in ANSWER_KINDS}


def _one_meaning(answers: dict[str, AnswerWords]) -> dict[str, AnswerWords]:
    """Refuse a typed answer that means two things: every language's words work for
    everyone, so "ja" cannot be "yes" in one and "unsure" in another."""
    meaning: dict[str, tuple[str, str]] = {}
    for language, words in answers.items():
        for kind, phrases in words.by_kind().items():
            for phrase in phrases:
                key = PLAIN(phrase)
                first = meaning.setdefault(key, (kind, f"{language}.{kind}"))
                if first[0] != kind:
                    raise PydanticCustomError(
                        "crisis_answer",
                        "{where} {phrase} already means {first}",
                        {"where": f"{language}.{kind}", "phrase": repr(phrase), "first": first[1]},
                    )
    return answers


class Spelling(BaseModel):
    """How young people spell: the tables of flows/crisis/normalise.py, as content."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    laughing: str = ""  # emoji that become the word "haha"
    emoji: dict[str, str] = Field(default_factory=dict)  # emoji that stand for a word
    renamed: dict[str, str] = Field(default_factory=dict)  # before doubled letters fold
    words: dict[str, str] = Field(default_factory=dict)
    digits: dict[str, str] = Field(default_factory=dict)
    joins: list[tuple[str, str, str]] = Field(default_factory=list)
    fillers: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_word_keys(self) -> Spelling:
        try:
            self.normaliser()
        except ValueError as error:
            raise PydanticCustomError(
                "crisis_spelling", "{reason}", {"reason": str(error)}
            ) from None
        return self

    def normaliser(self) -> Normaliser:
        return Normaliser(
            words=self.words,
            digits=self.digits,
            joins=self.joins,
            fillers=self.fillers,
            renamed=self.renamed,
            laughing=self.laughing,
            emoji=self.emoji,
        )


class CrisisLexicon(BaseModel):
    """content/crisis.yaml: concepts per language, rules, harmless idioms and help lines."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    spelling: Spelling = Field(default_factory=Spelling)
    concepts: dict[str, Annotated[dict[str, list[Term]], AfterValidator(_check_concepts)]]
    rules: list[Rule] = Field(min_length=1)
    harmless: dict[str, Annotated[list[Phrase], AfterValidator(_check_harmless_list)]]
    help_lines: dict[str, CountryHelpLines]
    # Typed answers to Klik's own crisis questions, per language (flows/crisis/answers.py).
    answers: Annotated[dict[str, AnswerWords], AfterValidator(_one_meaning)] = Field(
        default_factory=dict
    )
    # The weights file of the model beside the rules (flows/crisis/model.py), next to this file.
    model: str | None = Field(default=None, pattern=r"^[\w.-]+$")

    @field_validator("harmless")
    @classmethod
    def _harmless_per_language(
        cls, harmless: dict[str, list[str]], info: ValidationInfo
    ) -> dict[str, list[str]]:
        concepts: Mapping[str, object] = info.data.get("concepts", {})
        missing = [language for language in concepts if language not in harmless]
        if missing:
            raise PydanticCustomError(
                "crisis_harmless",
                "missing entry for language {names} (an empty list is fine)",
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

    @model_validator(mode="after")
    def _rules_name_known_concepts(self) -> CrisisLexicon:
        known = {name for by_name in self.concepts.values() for name in by_name}
        for index, rule in enumerate(self.rules):
            named = [c for group in rule.groups() for c in group] + list(rule.unless)
            unknown = sorted({c for c in named if c not in known})
            if unknown:
                raise PydanticCustomError(
                    "crisis_rule",
                    "rules[{i}] ({id}): unknown concept {names}",
                    {"i": index, "id": rule.id, "names": ", ".join(unknown)},
                )
        return self

    def rule_ids(self) -> list[str]:
        """Every rule's id, in file order; the coach reads each as the text crisis.rule.<id>."""
        return [rule.id for rule in self.rules]
