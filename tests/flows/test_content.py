"""The content loader: the real content is valid, and broken files give precise errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from flows.content import DEFAULT_CONTENT_DIR, ContentError, ContentProblem, load_content


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(directory: Path) -> list[ContentProblem]:
    with pytest.raises(ContentError) as caught:
        load_content(directory)
    return caught.value.problems


def test_the_real_content_is_valid() -> None:
    content = load_content()
    assert content.questionnaire.languages == ("nl", "en")
    assert [q.id for q in content.questionnaire.questions] == [
        "strengths", "health", "home", "goals", "money", "network",
    ]  # fmt: skip


def test_every_text_exists_in_every_language() -> None:
    content = load_content()
    assert set(content.texts["nl"]) == set(content.texts["en"])


def test_a_missing_translation_names_the_file_and_key(copy: Path) -> None:
    edit(copy / "texts/en.yaml", '  safe_unsure: "I don\'t know"\n', "")
    assert ContentProblem(
        "texts/en.yaml", "crisis.safe_unsure", "missing (present in nl.yaml)"
    ) in problems(copy)


def test_different_placeholders_between_languages_are_reported(copy: Path) -> None:
    edit(copy / "texts/en.yaml", "reply by {deadline} at the latest", "reply soon")
    assert problems(copy) == [
        ContentProblem(
            "texts/en.yaml", "queued.confirm", "placeholders [] differ from nl.yaml ['deadline']"
        )
    ]


def test_a_placeholder_the_code_never_fills_is_reported_in_each_language(copy: Path) -> None:
    edit(copy / "texts/nl.yaml", "meteen in de wachtrij.", "meteen in de wachtrij, tot {deadline}.")
    edit(copy / "texts/en.yaml", "queue right away.", "queue until {deadline}.")
    never = "uses {deadline}, which the code never fills (it sends this text without any)"
    assert problems(copy) == [
        ContentProblem("texts/nl.yaml", "queued.talk_now", never),
        ContentProblem("texts/en.yaml", "queued.talk_now", never),
    ]


def test_a_renamed_placeholder_is_reported_with_the_names_the_code_fills(copy: Path) -> None:
    edit(copy / "texts/nl.yaml", "uiterlijk {deadline}. Je krijgt", "uiterlijk {time}. Je krijgt")
    edit(copy / "texts/en.yaml", "reply by {deadline} at", "reply by {time} at")
    never = "uses {time}, which the code never fills (it fills {deadline})"
    assert problems(copy) == [
        ContentProblem("texts/nl.yaml", "queued.confirm", never),
        ContentProblem("texts/en.yaml", "queued.confirm", never),
    ]


def test_a_placeholder_with_a_number_format_is_reported(copy: Path) -> None:
    edit(copy / "texts/nl.yaml", '"Vraag {n} van {total}"', '"Vraag {n:02d} van {total}"')
    assert problems(copy) == [
        ContentProblem(
            "texts/nl.yaml", "progress", "write {n:02d} as {n}: the code fills in plain words"
        )
    ]


@pytest.mark.parametrize("empty", ["", "# de teksten komen later\n", "{}\n"])
def test_an_empty_language_file_is_one_problem(copy: Path, empty: str) -> None:
    (copy / "texts/en.yaml").write_text(empty, encoding="utf-8")
    assert problems(copy) == [ContentProblem("texts/en.yaml", "(file)", "file is empty")]


def test_a_missing_language_file_is_one_problem(copy: Path) -> None:
    (copy / "texts/en.yaml").unlink()
    assert problems(copy) == [ContentProblem("texts/en.yaml", "(file)", "file is missing")]


def test_with_a_language_file_missing_the_other_files_are_still_checked(copy: Path) -> None:
    (copy / "texts/en.yaml").unlink()
    edit(copy / "texts/nl.yaml", '"Vraag {n} van {total}"', '"Vraag {n} van {all}"')
    never = "uses {all}, which the code never fills (it fills {n}, {total})"
    assert problems(copy) == [
        ContentProblem("texts/en.yaml", "(file)", "file is missing"),
        ContentProblem("texts/nl.yaml", "progress", never),
    ]


def test_a_text_missing_only_in_dutch_is_reported(copy: Path) -> None:
    edit(copy / "texts/nl.yaml", '  talk_now: "Goed! Ik zet je meteen in de wachtrij."\n', "")
    assert problems(copy) == [
        ContentProblem("texts/nl.yaml", "queued.talk_now", "missing (present in en.yaml)")
    ]


def test_a_text_the_code_sends_missing_in_every_language_is_reported(copy: Path) -> None:
    for language in ("nl", "en"):
        text = (copy / f"texts/{language}.yaml").read_text(encoding="utf-8")
        kept = [line for line in text.splitlines() if not line.startswith("  header: ")]
        (copy / f"texts/{language}.yaml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert problems(copy) == [
        ContentProblem("texts/nl.yaml", "queue.header", "missing (the code sends it)"),
        ContentProblem("texts/en.yaml", "queue.header", "missing (the code sends it)"),
    ]


def test_an_unbalanced_brace_is_reported(copy: Path) -> None:
    edit(
        copy / "texts/nl.yaml",
        'progress: "Vraag {n} van {total}"',
        'progress: "Vraag {n van {total}"',
    )
    assert ContentProblem("texts/nl.yaml", "progress", "unbalanced { or }") in problems(copy)


def test_broken_yaml_is_reported_with_its_line(copy: Path) -> None:
    edit(copy / "texts/nl.yaml", 'raw: "{text}"', 'raw: "{text}\n  bad: [')
    found = problems(copy)
    assert found[0].file == "texts/nl.yaml" and found[0].key.startswith("line ")
    assert "not valid YAML" in found[0].reason


def test_a_yes_key_without_quotes_is_reported(copy: Path) -> None:
    edit(copy / "texts/nl.yaml", '  "yes": "👍 Oké', '  yes: "👍 Oké')
    keys = {(p.file, p.key) for p in problems(copy)}
    assert ("texts/nl.yaml", "consent.True") in keys


def test_a_new_domain_needs_its_texts_in_every_language(copy: Path) -> None:
    edit(
        copy / "questionnaire.yaml",
        "  - {id: network, kind: checkin}",
        "  - {id: network, kind: checkin}\n  - {id: free_time, kind: checkin}",
    )
    found = {(p.file, p.key, p.reason) for p in problems(copy)}
    for language in ("nl", "en"):
        for key in ("q.free_time.ask", "q.free_time.label"):
            assert (f"texts/{language}.yaml", key, "missing (the questionnaire needs it)") in found


def test_an_unknown_question_kind_is_reported_at_its_place(copy: Path) -> None:
    edit(copy / "questionnaire.yaml", "{id: money, kind: checkin}", "{id: money, kind: slider}")
    found = problems(copy)
    assert [(p.file, p.key) for p in found] == [("questionnaire.yaml", "questions[4].kind")]
    assert "'open' or 'checkin'" in found[0].reason


def test_a_typo_in_a_questionnaire_field_is_reported(copy: Path) -> None:
    edit(
        copy / "questionnaire.yaml", "{id: region, kind: postcode}", "{id: region, kidn: postcode}"
    )
    keys = {p.key for p in problems(copy)}
    assert "preferences[4].kidn" in keys and "preferences[4].kind" in keys


def test_a_question_id_used_twice_is_reported(copy: Path) -> None:
    edit(copy / "questionnaire.yaml", "{id: goals, kind: checkin}", "{id: health, kind: checkin}")
    found = problems(copy)
    assert any(
        p.file == "questionnaire.yaml" and "ids used twice: health" in p.reason for p in found
    )


def test_a_missing_crisis_file_is_reported(copy: Path) -> None:
    (copy / "crisis.yaml").unlink()
    assert ContentProblem("crisis.yaml", "(file)", "file is missing") in problems(copy)


def test_a_help_line_without_a_translation_is_reported(copy: Path) -> None:
    text = (copy / "crisis.yaml").read_text(encoding="utf-8")
    start = text.index("en:", text.index("help_lines:"))
    end = text.index("\n", start)
    (copy / "crisis.yaml").write_text(
        text[:start] + "xx:" + text[start + 3 : end] + text[end:], encoding="utf-8"
    )
    found = problems(copy)
    assert any(p.file == "crisis.yaml" and p.key.startswith("help_lines.") for p in found)


def test_all_problems_are_reported_at_once(copy: Path) -> None:
    edit(copy / "texts/en.yaml", '  safe_no: "No"\n', "")
    edit(copy / "texts/nl.yaml", '  safe_yes: "Ja"\n', "")
    assert {p.key for p in problems(copy)} >= {"crisis.safe_no", "crisis.safe_yes"}


def test_an_id_that_would_break_button_data_is_refused(copy: Path) -> None:
    edit(copy / "questionnaire.yaml", "sources: [insta,", "sources: [insta:gram,")
    found = problems(copy)
    assert any(
        "ids must be 1-16 lower-case letters" in p.reason and "insta:gram" in p.reason
        for p in found
    )


def test_a_crisis_rule_without_words_for_the_coach_is_reported(copy: Path) -> None:
    for language in ("nl", "en"):
        text = (copy / f"texts/{language}.yaml").read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if not line.startswith("    means_intent:")]
        (copy / f"texts/{language}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = {(p.file, p.key, p.reason) for p in problems(copy)}
    for language in ("nl", "en"):
        problem = (
            f"texts/{language}.yaml",
            "crisis.rule.means_intent",
            "missing (a crisis signal needs it)",
        )
        assert problem in found


def test_a_worry_question_missing_for_a_category_is_reported(copy: Path) -> None:
    edit(
        copy / "texts/en.yaml",
        '    violence: "Are you in danger',
        '    violent: "Are you in danger',
    )
    keys = {(p.file, p.key) for p in problems(copy)}
    assert ("texts/en.yaml", "crisis.worry_ask.violence") in keys


# Words for offices, services and schools that only one of the two countries uses (BE:
# Flanders, NL: the Netherlands). A youngster in the other country would not know them.
ONE_COUNTRY_WORDS = {
    "BE": [
        "OCMW", "VDAB", "RVA", "mutualiteit", "ziekenfonds", "leefloon", "CLB", "CAW", "Awel",
        "jeugdwerker", "secundair", "gsm", "kot",
    ],
    "NL": [
        "uitkeringsinstantie", "UWV", "sociale dienst", "zorgverzekeraar", "bijstand",
        "Kindertelefoon", "jeugdzorg", "wijkteam", "Veilig Thuis", "DUO", "mbo", "hbo", "vmbo",
    ],
}  # fmt: skip


def one_country_words(text: str) -> dict[str, list[str]]:
    """The one-country words in a text, by the country that knows them."""
    found = {
        country: [w for w in words if re.search(rf"\b{re.escape(w)}\b", text, re.IGNORECASE)]
        for country, words in ONE_COUNTRY_WORDS.items()
    }
    return {country: words for country, words in found.items() if words}


def test_no_text_for_both_countries_uses_a_word_only_one_country_knows() -> None:
    content = load_content()
    found = {
        f"{language}:{key}": words
        for language, texts in content.texts.items()
        for key, text in texts.items()
        if not key.startswith("country.") and (words := one_country_words(text))
    }
    assert found == {}


@pytest.mark.parametrize("country", ["BE", "NL"])
def test_a_country_s_own_texts_use_none_of_the_other_country_s_words(country: str) -> None:
    content = load_content()
    other = "NL" if country == "BE" else "BE"
    texts = [
        text
        for language in content.texts.values()
        for key, text in language.items()
        if key.startswith(f"country.{country}.")
    ]
    lines = content.crisis.help_lines[country]
    for purpose in ("crisis", "under_age", "while_waiting"):
        texts += [t for line in getattr(lines, purpose) for t in line.text.values()]
    assert texts
    assert [t for t in texts if other in one_country_words(t)] == []


def test_a_country_text_missing_for_one_country_is_reported(copy: Path) -> None:
    edit(
        copy / "texts/nl.yaml",
        '    benefit_offices: "niet het UWV en niet de sociale dienst"\n',
        '    other_offices: "niet het UWV"\n',
    )
    assert {(p.file, p.key, p.reason) for p in problems(copy)} >= {
        (
            "texts/nl.yaml",
            "country.NL.benefit_offices",
            "missing (every country needs its own words here)",
        ),
        (
            "texts/nl.yaml",
            "country.BE.other_offices",
            "missing (every country needs its own words here)",
        ),
    }


def test_a_country_text_for_a_country_klik_does_not_serve_is_reported(copy: Path) -> None:
    edit(copy / "texts/en.yaml", "  NL:\n    benefit_offices", "  FR:\n    benefit_offices")
    assert ("texts/en.yaml", "country.FR", "not a country Klik serves (BE, NL)") in {
        (p.file, p.key, p.reason) for p in problems(copy)
    }


def test_a_staff_command_word_that_means_two_things_is_reported(copy: Path) -> None:
    edit(copy / "texts/en.yaml", '    pause: "pause"\n', '    pause: "close"\n')
    assert ContentProblem(
        "texts/en.yaml",
        "commands.staff_words.close",
        "/close already means pause (en.yaml)",
    ) in problems(copy)


def test_a_missing_command_word_is_reported_in_each_language(copy: Path) -> None:
    for language in ("nl", "en"):
        path = copy / f"texts/{language}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r'\n    handover: "[a-z]+"', "", text), encoding="utf-8")
    found = [(p.file, p.key) for p in problems(copy)]
    assert ("texts/nl.yaml", "commands.staff_words.handover") in found
    assert ("texts/en.yaml", "commands.staff_words.handover") in found


def drop_in_each_language(copy: Path, line: str) -> None:
    """Take the text whose line matches `line` (a pattern) out of every language file."""
    for language in ("nl", "en"):
        path = copy / f"texts/{language}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(line, "", text), encoding="utf-8")


def test_an_audit_action_without_a_label_is_reported_in_each_language(copy: Path) -> None:
    drop_in_each_language(copy, r'\n      claim: "[^"]*"')
    assert [(p.file, p.key, p.reason) for p in problems(copy)] == [
        ("texts/nl.yaml", "web.audit.actions.claim", "missing (the audit page needs its label)"),
        ("texts/en.yaml", "web.audit.actions.claim", "missing (the audit page needs its label)"),
    ]


def test_a_web_chat_refusal_without_words_is_reported_in_each_language(copy: Path) -> None:
    drop_in_each_language(copy, r'\n  too_long: "[^"]*"')
    assert [(p.file, p.key, p.reason) for p in problems(copy)] == [
        ("texts/nl.yaml", "chat.too_long", "missing (the web chat refuses with it)"),
        ("texts/en.yaml", "chat.too_long", "missing (the web chat refuses with it)"),
    ]
