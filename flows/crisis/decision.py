"""The decision: which signal a message carries, at which level, and by which rule."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TypeAlias

from flows.crisis.lexicon import BUILT_IN, COMMON, NEGATION, CrisisLexicon
from flows.crisis.model import CrisisModel, Heard
from flows.crisis.normalise import SENTENCE
from flows.crisis.rules import Occurrence, Plan, Tagger, find, negated

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


STORY = "story"  # a book, film, game, the news, a school task: mutes what is said of others
JOKE = "laugh"  # the concept of "lol", "haha", "grapje": a joke, which keeps most rules quiet
SERIOUS = "serious"  # a joke taken back ("lol. ok niet lol", "no joke", "dit is geen grap"):
# then the laugh beside it mutes nothing, and "geen grap" itself holds the word "grap"
CONTEXT_REACH = 20  # words around an acute rule's stretch in which context quiets it
MODEL_RULE = "model"  # the rule id of a signal only the model heard
ACUTE_FROM = 0.5  # the model's own signal is acute from this probability
ACUTE_OVER_WORRY = 0.7  # a rule's worry is acute from this acute probability of the model.
# Chosen out of fold on the tune split (8 folds, the rules' levels beside the model's acute
# output): it calls 93 % of the acute messages acute instead of 80 % (English) and 95 % instead
# of 87 % (Dutch), while worry messages called acute rise by half a point (19.4 to 20.1 %,
# 17.9 to 18.4 %); 0.9 caught 90 / 93 %, 0.5 called one more worry in a hundred acute.
MODEL_MIN_WORDS = 3  # on fewer words the rules alone decide: in "en nu?" or "nog iets" the model
# hears the corpus's habits ("nu", "nog"), not a message, and it must not overrule "zelfmoord"


class CrisisDetector:
    """Finds crisis signals in free text; build once per lexicon and reuse for every message."""

    def __init__(self, lexicon: CrisisLexicon, model: CrisisModel | None = None) -> None:
        """Index every concept term and compile one regex for the harmless idioms; with a
        model, also listen to it."""
        self._plans = [Plan.of(rule) for rule in lexicon.rules]
        self._model = model
        self.normalise = lexicon.spelling.normaliser()
        self._tagger = Tagger(lexicon.concepts, self.normalise)
        harmless = {self.normalise(p) for phrases in lexicon.harmless.values() for p in phrases}
        self._harmless = _phrase_regex(harmless) if harmless else None

    def detect(self, text: str) -> CrisisHit | None:
        """The strongest signal in `text`, checking every language at once, or None.

        The rules speak first: acute beats worry, and among equals the rule first in
        content/crisis.yaml wins. With a model, its probability and the rules' verdict add up
        (flows/crisis/model.py, Stack): the model can overrule a rule that fired on everyday
        words, and raises a signal of its own, named "model", where no rule fired.
        """
        tokens = self.tokens(text)
        occurrences = self._tagger.tag(tokens)
        turned = negated(occurrences)
        hit, firm, span = self._by_rules(occurrences, turned)
        if self._model is None or len(tokens) < MODEL_MIN_WORDS:
            return hit
        # Where a rule fired, the model weighs the words around it: in a long message about
        # the weekend, school and a rabbit's babies, the one sentence with the rope is the
        # message the model was trained to hear, not the chatter that would dilute it.
        view = _model_view(*_around(tokens, occurrences, span))
        if firm and hit is not None:
            # A firm rule decides that there is a signal; the model may still hear it as acute
            # (asked only about a worry, so a firm acute hit costs nothing more).
            if hit.acute:
                return hit
            return _raised(hit, self._model.hear(*view))
        heard = self._model.hear(*view)
        level = hit.level if hit else None
        language = _main_language(occurrences)
        if not self._model.stack.signal(heard.crisis, level, language):
            return None
        if hit is not None:
            return _raised(hit, heard)
        verdict = heard.verdict()
        level = "acute" if verdict.acute >= ACUTE_FROM else "worry"
        about = _about_anyone(occurrences)
        return CrisisHit(verdict.category, language, level, MODEL_RULE, about)

    def rules_verdict(self, text: str) -> tuple[str | None, bool]:
        """The level the rules alone give a text (None: no rule fired), and whether a firm
        rule fired; for fitting the model beside them."""
        occurrences = self._tagger.tag(self.tokens(text))
        hit, firm, _ = self._by_rules(occurrences, negated(occurrences))
        return (hit.level if hit is not None else None), firm

    def reading(self, text: str) -> tuple[list[str], list[int]]:
        """What the model reads: the masked tokens and where negations stand among them."""
        tokens = self.tokens(text)
        return _model_view(tokens, self._tagger.tag(tokens))

    def tokens(self, text: str) -> list[str]:
        """The normalised words of a text, harmless idioms masked: what rules and model read."""
        normalised = self.normalise(text)
        if self._harmless is not None:
            normalised = self._harmless.sub(_MASK, normalised)
        return normalised.split()

    def _by_rules(
        self, occurrences: list[Occurrence], turned: set[Occurrence]
    ) -> tuple[CrisisHit | None, bool, Span | None]:
        """The strongest hit of the rules, whether a firm rule fired, and the words the hit
        stands on; `turned` holds the occurrences a negation turned around."""
        if not occurrences:
            return None, False, None
        # Context ("lol", a game, a school task) counts in whatever language it is written, and
        # is never turned around: "geen idee" after "scheren" still means shaving.
        # Context quiets an acute rule (a means, a place or an act with intent, or now) only
        # when it stands near: in a long message, a "haha" about the weekend or the film seen
        # on Saturday does not make the rope ready for tomorrow a joke or a story. A worry's
        # strong words ("ik ga dood") are a joke or a quote as often far from the context as
        # near it, so for worries it counts wherever it stands. Measured on blind11.tsv (long
        # messages): near context for worries too raised false alarms by 1 and 3 points and
        # caught nothing more.
        where: dict[str, list[int]] = {}
        for occ in occurrences:
            where.setdefault(occ.concept, []).append(occ.start)
        context = set(where)
        if SERIOUS in context:
            context.discard(JOKE)
        # Each language is matched on its own words, and only the languages the message is
        # written in: Dutch "wil" folds to the letters of English "will", "pil" to "pill".
        languages = _written_in(occurrences)
        by_language: dict[str, dict[str, list[Occurrence]]] = {}
        for occ in occurrences:
            if occ not in turned and occ.language in languages:
                by_language.setdefault(occ.language, {}).setdefault(occ.concept, []).append(occ)
        best: CrisisHit | None = None
        span: Span | None = None
        firm = False
        for plan in self._plans:
            rule = plan.rule
            if best is not None and (best.acute or rule.level != "acute") and not rule.firm:
                continue
            quieting = plan.unless & context
            if quieting and rule.level != "acute":
                continue
            for language, by_concept in by_language.items():
                found = find(plan, by_concept)
                if found is None:
                    continue
                if any(_near(found, where[concept], CONTEXT_REACH) for concept in quieting):
                    continue
                about = _about(found, by_concept)
                if about != "self" and STORY in context:
                    continue
                firm = firm or rule.firm
                if best is None or (rule.level == "acute" and not best.acute):
                    about = "self" if about == "unknown" else about
                    best = CrisisHit(rule.category, language, rule.level, rule.id, about)
                    span = (min(occ.start for occ in found), max(occ.end for occ in found))
                break
        return best, firm, span


Span = tuple[int, int]  # tokens start..end (exclusive) that a rule's hit stands on
MODEL_REACH = 25  # words either side of a rule's hit that the model weighs with it


def _around(
    tokens: list[str], occurrences: list[Occurrence], span: Span | None
) -> tuple[list[str], list[Occurrence]]:
    """The words within MODEL_REACH of `span`, with the occurrences among them counted from
    the window's start; all of them when there is no span or the message is short."""
    if span is None:
        return tokens, occurrences
    low, high = max(0, span[0] - MODEL_REACH), min(len(tokens), span[1] + MODEL_REACH)
    if low == 0 and high == len(tokens):
        return tokens, occurrences
    inside = [
        occ._replace(start=occ.start - low, end=occ.end - low)
        for occ in occurrences
        if low <= occ.start and occ.end <= high
    ]
    return tokens[low:high], inside


def _near(found: list[Occurrence], positions: list[int], reach: int) -> bool:
    """Whether any of `positions` stands within `reach` words of the stretch `found`."""
    first = min(occ.start for occ in found) - reach
    last = max(occ.end for occ in found) + reach
    return any(first <= at < last for at in positions)


def _raised(hit: CrisisHit, heard: Heard) -> CrisisHit:
    """A rule's worry hit is acute when the model hears the message as acute: "ik zie het niet
    meer zitten" with "vannacht" and "de pillen" in other words than any rule holds. The rule
    then no longer names the level, so the coach reads that the wording did (rule "model")."""
    if hit.acute or heard.acute < ACUTE_OVER_WORRY:
        return hit
    return replace(hit, level="acute", rule=MODEL_RULE)


def _model_view(tokens: list[str], occurrences: list[Occurrence]) -> tuple[list[str], list[int]]:
    """The words the model weighs and where negations stand among them: sentence ends left out,
    and every number one and the same word. Sentence ends stop negations for the rules; to the
    model, how many full stops a message has, or which numbers, would be a habit of the
    corpus's writers, not a signal (a long message full of numbers read as a crisis)."""
    kept = [at for at, token in enumerate(tokens) if token != SENTENCE]
    moved = {old: new for new, old in enumerate(kept)}
    words = [NUMBER if tokens[at].isdigit() else tokens[at] for at in kept]
    return words, [moved[at] for at in _negations(occurrences)]


NUMBER = "0"  # what the model reads for any number


def _negations(occurrences: list[Occurrence]) -> list[int]:
    return [
        occ.start for occ in occurrences if occ.concept == NEGATION and occ.end - occ.start == 1
    ]


def _written_in(occurrences: list[Occurrence]) -> set[str]:
    """The languages a message is written in, by their most common words: every language with
    at least a third as many as the best one (all of them when there are none), so a Dutch
    message with an English sentence in it is read in both."""
    common = Counter(occ.language for occ in occurrences if occ.concept == COMMON)
    best = max(common.values(), default=0)
    return {occ.language for occ in occurrences if 3 * common[occ.language] >= best}


def _main_language(occurrences: list[Occurrence]) -> str:
    """The language with the most of its common words in the message ("" when none)."""
    counts: dict[str, int] = {}
    for occ in occurrences:
        if occ.concept == COMMON:
            counts[occ.language] = counts.get(occ.language, 0) + 1
    return max(counts, key=lambda language: counts[language], default="")


def _about_anyone(occurrences: list[Occurrence]) -> str:
    """For the model's own signal: about a friend when somebody else is named and the
    youngster is not."""
    concepts = {occ.concept for occ in occurrences}
    return "friend" if "self" not in concepts and concepts & {"friend", "other"} else "self"


def _about(found: list[Occurrence], by_concept: dict[str, list[Occurrence]]) -> str:
    """Whom a hit is about: "self" when the youngster speaks of themselves near the signal,
    "friend" when only somebody else is named there, "unknown" when nobody is."""

    def near(concept: str) -> bool:
        return _near(found, [occ.start for occ in by_concept.get(concept, ())], 2)

    if near("self"):
        return "self"
    if near("friend") or near("other"):
        return "friend"
    return "self" if near("mine") else "unknown"


def lexicon_problems(lexicon: CrisisLexicon, languages: Iterable[str]) -> list[tuple[str, str]]:
    """Cross-checks after parsing, as (yaml key path, reason): help-line texts for every
    language in `languages`, its typed answers, and the concepts the engine itself needs in
    each of them."""
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
        if language not in lexicon.answers:
            problems.append((f"answers.{language}", "no typed answers for this language"))
        if language not in lexicon.concepts:
            problems.append((f"concepts.{language}", "no concepts for this language"))
            continue
        for concept in BUILT_IN:
            if concept not in lexicon.concepts[language]:
                problems.append((f"concepts.{language}.{concept}", "missing built-in concept"))
    return problems
