"""content/crisis.yaml as data: what the loader refuses, and the help lines it must hold."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from flows.crisis import CrisisLexicon, lexicon_problems


def _minimal_lexicon() -> dict[str, Any]:
    line = {"name": "112", "phone": "112", "text": {"nl": "Bel 112.", "en": "Call 112."}}
    country = {
        purpose: [copy.deepcopy(line)] for purpose in ("crisis", "under_age", "while_waiting")
    }
    built_in = {
        "self": ["ik"],
        "friend": ["vriendin"],
        "other": ["hij"],
        "not": ["niet"],
        "nobody": ["niemand"],
        "clause": ["maar"],
        "common": ["de"],
    }
    nl = {**built_in, "want": ["wil"], "end": ["dood"], "story": ["boek"]}
    en = {
        **{
            name: [word]
            for name, word in zip(
                built_in, ["i", "friend", "he", "not", "nobody", "but", "the"], strict=True
            )
        },
        "want": ["want"],
        "end": ["die"],
        "story": ["book"],
    }
    return {
        "concepts": {"nl": nl, "en": en},
        "rules": [
            {"id": "wish", "category": "suicide", "level": "worry", "all": ["want", "end"]},
        ],
        "harmless": {"nl": ["dood van het lachen"], "en": []},
        "help_lines": {"BE": country, "NL": copy.deepcopy(country)},
        "answers": {
            "nl": {"yes": ["ja"], "no": ["nee"], "unsure": ["weet niet"]},
            "en": {"yes": ["yes"], "no": ["no"], "unsure": ["idk"]},
        },
    }


def _only_error(data: dict[str, Any]) -> tuple[tuple[int | str, ...], str]:
    with pytest.raises(ValidationError) as caught:
        CrisisLexicon.model_validate(data)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    return errors[0]["loc"], errors[0]["msg"]


def test_minimal_lexicon_is_accepted() -> None:
    lexicon = CrisisLexicon.model_validate(_minimal_lexicon())
    assert lexicon_problems(lexicon, ["nl", "en"]) == []


def test_a_language_without_typed_answers_is_reported() -> None:
    data = _minimal_lexicon()
    del data["answers"]["en"]
    lexicon = CrisisLexicon.model_validate(data)
    assert lexicon_problems(lexicon, ["nl", "en"]) == [
        ("answers.en", "no typed answers for this language")
    ]


def test_a_typed_answer_that_means_two_things_is_refused() -> None:
    data = _minimal_lexicon()
    data["answers"]["en"]["unsure"].append("JA")  # "ja" is yes in Dutch; everyone may type it
    loc, msg = _only_error(data)
    assert loc == ("answers",)
    assert msg == "en.unsure 'JA' already means nl.yes"


def test_a_typed_answer_written_twice_in_one_list_is_refused() -> None:
    data = _minimal_lexicon()
    data["answers"]["nl"]["no"].append("Neeee")
    loc, msg = _only_error(data)
    assert loc == ("answers", "nl")
    assert msg == "no[1] 'Neeee' is a duplicate of 'nee' after normalising"


def test_a_term_written_twice_in_one_concept_is_refused() -> None:
    data = _minimal_lexicon()
    data["concepts"]["nl"]["end"].append("DOOOOD")
    loc, msg = _only_error(data)
    assert loc == ("concepts", "nl")
    assert msg == "end[1] 'DOOOOD' is a duplicate of 'dood' after normalising"


def test_a_stem_and_the_same_whole_word_are_different_terms() -> None:
    data = _minimal_lexicon()
    data["concepts"]["nl"]["end"].append("dood*")
    CrisisLexicon.model_validate(data)


def test_an_empty_term_is_refused() -> None:
    data = _minimal_lexicon()
    data["concepts"]["en"]["want"].append("   ")
    loc, msg = _only_error(data)
    assert loc == ("concepts", "en", "want", 1)
    assert msg == "empty term"


def test_a_stem_shorter_than_three_letters_is_refused() -> None:
    data = _minimal_lexicon()
    data["concepts"]["en"]["want"].append("wa*")
    loc, msg = _only_error(data)
    assert loc == ("concepts", "en", "want", 1)
    assert msg == "'wa*': '*' only at the end, after at least three letters"


def test_a_harmless_idiom_of_only_emoji_is_refused() -> None:
    data = _minimal_lexicon()
    data["harmless"]["nl"].append("🙂🙂")
    loc, msg = _only_error(data)
    assert loc == ("harmless", "nl", 1)
    assert msg == "phrase normalises to nothing"


def test_a_rule_naming_an_unknown_concept_is_refused() -> None:
    data = _minimal_lexicon()
    data["rules"][0]["all"] = ["want", "ending"]
    loc, msg = _only_error(data)
    assert loc == ()
    assert msg == "rules[0] (wish): unknown concept ending"


def test_a_rule_with_an_unknown_category_or_level_is_refused() -> None:
    data = _minimal_lexicon()
    data["rules"][0]["category"] = "suicde"
    loc, _ = _only_error(data)
    assert loc == ("rules", 0, "category")
    data = _minimal_lexicon()
    data["rules"][0]["level"] = "urgent"
    loc, msg = _only_error(data)
    assert (loc, msg) == (("rules", 0, "level"), "level must be acute or worry")


def test_help_line_without_phone_or_url_is_refused() -> None:
    data = _minimal_lexicon()
    del data["help_lines"]["BE"]["crisis"][0]["phone"]
    loc, msg = _only_error(data)
    assert loc == ("help_lines", "BE", "crisis", 0)
    assert msg == "needs phone or url"


def test_lexicon_without_netherlands_help_lines_is_refused() -> None:
    data = _minimal_lexicon()
    del data["help_lines"]["NL"]
    loc, msg = _only_error(data)
    assert loc == ("help_lines",)
    assert msg == "missing country NL"


def test_a_language_without_harmless_entry_is_refused() -> None:
    data = _minimal_lexicon()
    del data["harmless"]["en"]
    loc, msg = _only_error(data)
    assert loc == ("harmless",)
    assert msg == "missing entry for language en (an empty list is fine)"


def test_misspelt_key_is_refused() -> None:
    data = _minimal_lexicon()
    data["help_lines"]["NL"]["crisis"][0]["phonenumber"] = "113"
    loc, _ = _only_error(data)
    assert loc == ("help_lines", "NL", "crisis", 0, "phonenumber")


def test_lexicon_problems_reports_help_line_missing_english_text() -> None:
    data = _minimal_lexicon()
    del data["help_lines"]["NL"]["under_age"][0]["text"]["en"]
    lexicon = CrisisLexicon.model_validate(data)
    assert lexicon_problems(lexicon, ["nl", "en"]) == [
        ("help_lines.NL.under_age[0].text", "missing 'en' text")
    ]


def test_lexicon_problems_reports_a_language_without_concepts() -> None:
    lexicon = CrisisLexicon.model_validate(_minimal_lexicon())
    assert ("concepts.tr", "no concepts for this language") in lexicon_problems(
        lexicon, ["nl", "tr"]
    )


def test_lexicon_problems_reports_a_missing_built_in_concept() -> None:
    data = _minimal_lexicon()
    del data["concepts"]["en"]["not"]
    lexicon = CrisisLexicon.model_validate(data)
    assert lexicon_problems(lexicon, ["nl", "en"]) == [
        ("concepts.en.not", "missing built-in concept")
    ]


def test_real_lexicon_has_no_problems(lexicon: CrisisLexicon) -> None:
    assert lexicon_problems(lexicon, ["nl", "en"]) == []


def _phones(lexicon: CrisisLexicon, country: str, purpose: str) -> set[str]:
    lines = getattr(lexicon.help_lines[country], purpose)
    return {line.phone for line in lines if line.phone is not None}


def test_112_is_the_first_crisis_line_in_both_countries(lexicon: CrisisLexicon) -> None:
    assert [lines.crisis[0].phone for lines in lexicon.help_lines.values()] == ["112", "112"]


def test_belgian_crisis_lines_are_112_zelfmoordlijn_and_awel(lexicon: CrisisLexicon) -> None:
    assert _phones(lexicon, "BE", "crisis") == {"112", "1813", "102"}


def test_dutch_crisis_lines_are_112_113_and_kindertelefoon(lexicon: CrisisLexicon) -> None:
    assert _phones(lexicon, "NL", "crisis") == {"112", "0800-0113", "0800-0432"}


def test_under_age_youngsters_are_sent_to_awel_and_kindertelefoon(
    lexicon: CrisisLexicon,
) -> None:
    assert _phones(lexicon, "BE", "under_age") == {"102"}
    assert _phones(lexicon, "NL", "under_age") == {"0800-0432"}


def test_every_help_line_speaks_dutch_and_english(lexicon: CrisisLexicon) -> None:
    for lines in lexicon.help_lines.values():
        for line in [*lines.crisis, *lines.under_age, *lines.while_waiting]:
            assert set(line.text) == {"nl", "en"}, line.name
