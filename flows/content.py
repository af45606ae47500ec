"""Loads and checks everything in content/: the questionnaire, the texts and the crisis words.

Every problem is reported as file, key and reason, so a volunteer editing a YAML file is told
exactly what to fix. The service refuses to start while any problem remains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from flows.audit import ACTIONS
from flows.command_words import needed_keys as staff_word_keys
from flows.command_words import word_problems
from flows.crisis import CATEGORIES, CrisisDetector, CrisisHit, CrisisLexicon, lexicon_problems
from flows.crisis.answers import TypedAnswers
from flows.crisis.lexicon import REQUIRED_COUNTRIES
from flows.crisis.model import CrisisModel
from flows.state import ACUTE, SIGNAL_RULES, WORRY
from flows.texts import text_problems
from flows.web_chat import needed_keys as web_chat_keys

_M = TypeVar("_M", bound=BaseModel)
_ID = re.compile(r"[a-z0-9_]{1,16}")

# The content shipped with the code: the `content` package's data, found where it is installed
# (a wheel, an editable install or a checkout), never relative to the current folder.
# libyaml's safe loader where PyYAML was built with it (the wheels are): the same data, and
# crisis.yaml read in 20 ms instead of 200 with fewer objects left behind (2 MB less, read
# alone). A broken file is told as the pure Python loader tells it (_yaml_problem).
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_CONTENT_DIR = Path(str(resources.files("content")))


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong in a content file."""

    file: str
    key: str
    reason: str

    def __str__(self) -> str:
        # One line each, whatever a library put in the reason: a problem a line, to grep.
        return " ".join(f"{self.file}: {self.key}: {self.reason}".split())


class ContentError(Exception):
    """Raised when content/ has problems; carries all of them, not just the first."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AgeBand(_Strict):
    """An age band the youngster can tap; bounds are inclusive."""

    id: str
    min: int | None = None
    max: int | None = None


class ScalePoint(_Strict):
    """One point of the 5-point emoji check-in."""

    value: int
    emoji: str


class Question(_Strict):
    """An intake question: "open" takes free text, "checkin" a tap on the scale."""

    id: str
    kind: Literal["open", "checkin"]


class Preference(_Strict):
    """An optional preference about the coach, offered from the summary."""

    id: str
    kind: Literal["choice", "postcode"]
    options: tuple[str, ...] = ()
    only_without_source: bool = False

    @model_validator(mode="after")
    def _choices_have_options(self) -> Preference:
        if self.kind == "choice" and not self.options:
            raise ValueError("a choice needs options")
        return self


class ReachQuestion(_Strict):
    """A short optional question for the statistics (whom Klik reaches), asked only once the
    youngster is in the queue; one tap answers it, one tap skips them all."""

    id: str
    options: tuple[str, ...]


class Questionnaire(_Strict):
    """The intake as data: languages, sources, age bands, scale, questions, preferences."""

    languages: tuple[str, ...]
    sources: tuple[str, ...]
    age_bands: tuple[AgeBand, ...]
    scale: tuple[ScalePoint, ...]
    questions: tuple[Question, ...]
    preferences: tuple[Preference, ...]
    reach: tuple[ReachQuestion, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Questionnaire:
        if not self.languages:
            raise ValueError("at least one language is needed")
        if [p.value for p in self.scale] != [1, 2, 3, 4, 5]:
            raise ValueError("the scale needs the values 1 to 5, in order")
        ids = [q.id for q in self.questions] + [p.id for p in self.preferences]
        ids += [r.id for r in self.reach]
        doubles = sorted({i for i in ids if ids.count(i) > 1})
        if doubles:
            raise ValueError(f"ids used twice: {', '.join(doubles)}")
        if not self.questions:
            raise ValueError("at least one question is needed")
        # Ids travel in button data ("q.health:3", max 64 bytes on Telegram): keep them plain.
        names = [*ids, *self.sources, *(b.id for b in self.age_bands)]
        names += [o for p in self.preferences for o in p.options]
        names += [o for r in self.reach for o in r.options]
        bad = sorted({n for n in names if not _ID.fullmatch(n)})
        if bad:
            raise ValueError(f"ids must be 1-16 lower-case letters, digits or _: {', '.join(bad)}")
        return self

    @property
    def default_language(self) -> str:
        """The language used until the youngster picks another one."""
        return self.languages[0]

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if any."""
        return next((q for q in self.questions if q.id == question_id), None)

    def preference(self, preference_id: str) -> Preference | None:
        """The preference with this id, if any."""
        return next((p for p in self.preferences if p.id == preference_id), None)

    def age_band(self, band_id: str) -> AgeBand | None:
        """The age band with this id, if any."""
        return next((b for b in self.age_bands if b.id == band_id), None)

    def text_keys(self) -> Iterable[str]:
        """Every text key the questionnaire implies, for the translation check."""
        yield "language.name"
        for band in self.age_bands:
            yield f"age.{band.id}"
        for point in self.scale:
            yield f"scale.{point.value}"
        for q in self.questions:
            yield f"q.{q.id}.ask"
            yield f"q.{q.id}.label"
            if q.kind == "checkin":
                yield f"q.{q.id}.topic"  # lower case, inside a sentence: "focus geld en thuis"
        for p in self.preferences:
            yield f"pref.{p.id}.ask"
            yield f"pref.{p.id}.label"
            for option in p.options:
                yield f"opt.{p.id}.{option}"
        for r in self.reach:
            yield f"reach.{r.id}.ask"
            yield f"reach.{r.id}.label"
            for option in r.options:
                yield f"opt.{r.id}.{option}"


class Detector(Protocol):
    """Whatever finds crisis signals in a text (flows/crisis/decision.py; tests use fixed ones)."""

    def detect(self, text: str) -> CrisisHit | None: ...


@dataclass(frozen=True)
class Content:
    """Everything the bot says and asks, checked and ready to use."""

    questionnaire: Questionnaire
    texts: dict[str, dict[str, str]]  # language -> flat key -> text
    crisis: CrisisLexicon
    detector: Detector
    answers: TypedAnswers  # typed answers to Klik's own crisis questions

    def text(self, language: str, key: str) -> str:
        """The text for a key in a language, falling back to the default language."""
        texts = self.texts.get(language) or self.texts[self.questionnaire.default_language]
        return texts[key]


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(data, dict):
        return {prefix: data}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _loc(loc: tuple[int | str, ...]) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key or "(top)"


def _read_yaml(path: Path, shown: str, problems: list[ContentProblem]) -> Any:
    """The file's data; None, with the problem noted, when it is missing, broken or empty."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=SAFE_LOADER)
    except FileNotFoundError:
        problems.append(ContentProblem(shown, "(file)", "file is missing"))
        return None
    except yaml.YAMLError:
        problems.append(_yaml_problem(text, shown))
        return None
    if data is None or data == {}:
        # Only comments, or nothing: everything in it would be reported missing, once per key.
        problems.append(ContentProblem(shown, "(file)", "file is empty"))
        return None
    return data


def _yaml_problem(text: str, shown: str) -> ContentProblem:
    """What is wrong in a file that is not valid YAML, as the pure Python loader says it: it
    names what it found where ("expected <block end>, but found ','"), libyaml only what it
    missed."""
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        # PyYAML's own text spans lines and quotes the file; what went wrong is enough here.
        parts = (getattr(error, "context", None), getattr(error, "problem", None))
        what = ", ".join(part for part in parts if part) or str(error)
        return ContentProblem(shown, where, f"not valid YAML: {what}")
    return ContentProblem(shown, "(file)", "not valid YAML")  # libyaml alone refused it


def _validate(model: type[_M], data: Any, shown: str, problems: list[ContentProblem]) -> _M | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            reason = item["msg"].removeprefix("Value error, ")
            problems.append(ContentProblem(shown, _loc(tuple(item["loc"])), reason))
    return None


def crisis_text_keys() -> Iterable[str]:
    """Every text key a crisis signal may need: the worry question per category, and the
    words the coach reads for each category, level and rule."""
    for category in CATEGORIES:
        yield f"crisis.category.{category}"
        yield f"crisis.worry_ask.{category}"
    for level in (ACUTE, WORRY):
        yield f"crisis.level.{level}"
    for rule in SIGNAL_RULES:
        yield f"crisis.rule.{rule}"


def _check_country_texts(texts: dict[str, dict[str, Any]], problems: list[ContentProblem]) -> None:
    """Words one country knows (country.<COUNTRY>.<name>) need a text for every country the
    COUNTRY setting allows, or the welcome breaks for the other one."""
    for language, flat in texts.items():
        shown = f"texts/{language}.yaml"
        split = [key.split(".", 2) for key in flat if key.startswith("country.")]
        for key in sorted(".".join(parts) for parts in split if len(parts) < 3):
            problems.append(ContentProblem(shown, key, "needs a country and a name"))
        wrong = {parts[1] for parts in split if len(parts) == 3} - set(REQUIRED_COUNTRIES)
        for country in sorted(wrong):
            reason = f"not a country Klik serves ({', '.join(REQUIRED_COUNTRIES)})"
            problems.append(ContentProblem(shown, f"country.{country}", reason))
        for name in sorted({parts[2] for parts in split if len(parts) == 3}):
            for country in REQUIRED_COUNTRIES:
                if f"country.{country}.{name}" not in flat:
                    reason = "missing (every country needs its own words here)"
                    problems.append(ContentProblem(shown, f"country.{country}.{name}", reason))


def load_content(directory: Path = DEFAULT_CONTENT_DIR) -> Content:
    """Read and check content/; raise ContentError listing every problem found."""
    problems: list[ContentProblem] = []
    raw_questionnaire = _read_yaml(directory / "questionnaire.yaml", "questionnaire.yaml", problems)
    questionnaire = (
        _validate(Questionnaire, raw_questionnaire, "questionnaire.yaml", problems)
        if raw_questionnaire is not None
        else None
    )
    languages = questionnaire.languages if questionnaire else ("nl", "en")
    texts: dict[str, dict[str, Any]] = {}
    for language in languages:
        shown = f"texts/{language}.yaml"
        raw = _read_yaml(directory / "texts" / f"{language}.yaml", shown, problems)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            problems.append(ContentProblem(shown, "(top)", "must be a mapping of keys to texts"))
            continue
        texts[language] = _flatten(raw)
        for key in texts[language]:
            if any(part in ("True", "False", "None") for part in key.split(".")):
                reason = "key reads as true/false/null in YAML (yes, no, on, off): quote it"
                problems.append(ContentProblem(shown, key, reason))
    if questionnaire is not None and texts:
        # Also with a language file missing: what is wrong in the others is told at once.
        needed = {key: "a crisis signal needs it" for key in crisis_text_keys()}
        needed |= {key: "the questionnaire needs it" for key in questionnaire.text_keys()}
        needed |= staff_word_keys() | web_chat_keys()
        # The audit page reads every action by its label; an action added without one is
        # found here, not as a bare code on the page.
        needed |= {f"web.audit.actions.{a}": "the audit page needs its label" for a in ACTIONS}
        for language, key, reason in text_problems(texts, needed, questionnaire.default_language):
            problems.append(ContentProblem(f"texts/{language}.yaml", key, reason))
        _check_country_texts(texts, problems)
        for language, key, reason in word_problems(texts):
            problems.append(ContentProblem(f"texts/{language}.yaml", key, reason))
    raw_crisis = _read_yaml(directory / "crisis.yaml", "crisis.yaml", problems)
    crisis = (
        _validate(CrisisLexicon, raw_crisis, "crisis.yaml", problems)
        if raw_crisis is not None
        else None
    )
    if crisis is not None:
        for key, reason in lexicon_problems(crisis, languages):
            problems.append(ContentProblem("crisis.yaml", key, reason))
        # The coach reads every rule by name: a rule added to crisis.yaml needs its words.
        for language, flat in texts.items():
            for rule in sorted(set(crisis.rule_ids()) - set(SIGNAL_RULES)):
                if f"crisis.rule.{rule}" not in flat:
                    reason = "missing (a rule in crisis.yaml needs it)"
                    problems.append(
                        ContentProblem(f"texts/{language}.yaml", f"crisis.rule.{rule}", reason)
                    )
    model = _crisis_model(directory, crisis, problems) if crisis is not None else None
    if problems or questionnaire is None or crisis is None:
        raise ContentError(problems)
    clean = {
        lang: {k: v for k, v in flat.items() if isinstance(v, str)} for lang, flat in texts.items()
    }
    detector = CrisisDetector(crisis, model)
    return Content(questionnaire, clean, crisis, detector, TypedAnswers(crisis))


def _crisis_model(
    directory: Path, crisis: CrisisLexicon, problems: list[ContentProblem]
) -> CrisisModel | None:
    """The weights file crisis.yaml names, read and checked; None when it names none."""
    if crisis.model is None:
        return None
    try:
        with (directory / crisis.model).open(encoding="utf-8") as handle:
            return CrisisModel.parse(handle)
    except FileNotFoundError:
        problems.append(ContentProblem(crisis.model, "(file)", "file is missing"))
    except ValueError as error:
        problems.append(ContentProblem(crisis.model, "(file)", str(error)))
    return None
