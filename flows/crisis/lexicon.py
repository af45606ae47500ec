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

from flows.crisis.normalise import normalise

CATEGORIES: tuple[str, ...] = ("suicide", "self_harm", "abuse", "violence", "homeless_tonight")


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
