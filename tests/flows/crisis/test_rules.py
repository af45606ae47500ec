"""Rules of nearness on their own: tagging stems and phrases, negation, the word window."""

from __future__ import annotations

from flows.crisis import PLAIN
from flows.crisis.lexicon import Rule
from flows.crisis.rules import Occurrence, Plan, Tagger, find, negated

CONCEPTS = {
    "nl": {
        "self": ["ik", "me"],
        "subject": ["ik", "hij"],
        "not": ["niet", "nooit"],
        "clause": ["maar"],
        "hurt": ["slaat", "snij*"],
        "wish": ["niet meer leven"],
        "want": ["wil"],
        "end": ["dood"],
    }
}


def tags(text: str) -> list[tuple[str, str]]:
    tokens = PLAIN(text).split()
    return [
        (o.concept, " ".join(tokens[o.start : o.end])) for o in Tagger(CONCEPTS, PLAIN).tag(tokens)
    ]


def test_a_stem_takes_every_ending() -> None:
    assert ("hurt", "snijden") in tags("ik ga snijden")
    assert ("hurt", "snij") in tags("ik snij")


def test_a_phrase_is_tagged_as_one_occurrence() -> None:
    assert ("wish", "niet mer leven") in tags("ik wil niet meer leven")


def test_phrases_found_at_one_word_keep_the_lexicon_s_order() -> None:
    concepts = {"nl": {"wish": ["wil niet meer leven"], "not": ["wil niet"]}}
    tokens = PLAIN("ik wil niet meer leven").split()
    found = [o.concept for o in Tagger(concepts, PLAIN).tag(tokens)]
    assert found == ["wish", "not"]


def _negated(text: str) -> set[str]:
    tokens = PLAIN(text).split()
    found = Tagger(CONCEPTS, PLAIN).tag(tokens)
    return {" ".join(tokens[o.start : o.end]) for o in negated(found)}


def test_a_negation_after_the_act_turns_it_around() -> None:
    assert _negated("hij slaat me nooit") == {"slat"}


def test_a_negation_before_the_wish_turns_it_around() -> None:
    assert "dod" in _negated("ik wil niet dood")


def test_a_negation_inside_a_phrase_negates_nothing() -> None:
    assert _negated("ik wil niet meer leven") == set()


def test_a_new_clause_stops_a_negation() -> None:
    assert _negated("het gaat niet maar hij slaat me") == set()


def test_a_new_subject_after_the_act_stops_a_negation_further_on() -> None:
    assert _negated("ik ben aan het snijden, ik weet niet hoe ik moet stoppen") == set()
    assert _negated("hij slaat me als ik niet luister") == set()


def test_the_object_after_the_act_does_not_stop_a_negation() -> None:
    assert _negated("hij slaat me niet") == {"slat"}


def _rule(*groups: str, within: int = 3) -> Plan:
    return Plan.of(
        Rule(id="wish", category="suicide", level="worry", all=list(groups), within=within)
    )


def _by_concept(text: str) -> dict[str, list[Occurrence]]:
    by: dict[str, list[Occurrence]] = {}
    for occ in Tagger(CONCEPTS, PLAIN).tag(PLAIN(text).split()):
        by.setdefault(occ.concept, []).append(occ)
    return by


def test_a_rule_fires_when_its_concepts_stand_within_the_window() -> None:
    assert find(_rule("want", "end"), _by_concept("ik wil echt wel dood")) is not None


def test_a_rule_stays_quiet_when_its_concepts_stand_too_far_apart() -> None:
    text = "ik wil graag naar huis en later ben ik dood moe"
    assert find(_rule("want", "end"), _by_concept(text)) is None


def test_a_group_with_alternatives_takes_either() -> None:
    assert find(_rule("want", "end|wish"), _by_concept("wil niet meer leven")) is not None


def test_a_rule_without_one_of_its_concepts_never_fires() -> None:
    assert find(_rule("want", "end"), _by_concept("ik wil naar huis")) is None
