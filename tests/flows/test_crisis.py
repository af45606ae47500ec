"""Crisis detection: the real content/crisis.yaml against messages as young people type them."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from flows.crisis import (
    CrisisDetector,
    CrisisHit,
    CrisisLexicon,
    lexicon_problems,
    normalise,
)

CRISIS_YAML = Path(__file__).resolve().parents[2] / "content" / "crisis.yaml"


@pytest.fixture(scope="module")
def lexicon() -> CrisisLexicon:
    with CRISIS_YAML.open(encoding="utf-8") as handle:
        return CrisisLexicon.model_validate(yaml.safe_load(handle))


@pytest.fixture(scope="module")
def detector(lexicon: CrisisLexicon) -> CrisisDetector:
    return CrisisDetector(lexicon)


# --- Dutch ------------------------------------------------------------------------------------

NL_SIGNALS: list[tuple[str, str]] = [
    ("ik wil er nie meer zijn 😞", "suicide"),
    ("Eerlijk, iedereen is beter af zonder mij", "suicide"),
    ("ik wil gewoon niet meer wakker worden morgen", "suicide"),
    ("k wil gwn dood", "suicide"),
    ("ik denk de laatste tijd heel veel aan zm", "suicide"),
    ("heb sinds de zomer zelfmoordgedachtes...", "suicide"),
    ("ik ga Z3LFM00RD plegen", "suicide"),
    ("soms wil ik dood, echt waar", "suicide"),
    ("niemand zou me missen als ik weg ben", "suicide"),
    ("ik wil een eind maken aan m'n leven", "suicide"),
    ("kwil mezelf iets aandoen", "suicide"),
    ("ik ga me ophangen ik meen het", "suicide"),
    ("ik heb net al mn pillen ingenomen", "suicide"),
    ("mn leven heeft geen zin meer", "suicide"),
    ("ik zie het leven niet meer zitten", "suicide"),
    ("Ik wou dat ik nooit geboren was", "suicide"),
    ("ik ben levensmoe", "suicide"),
    ("IK WIL ER NIET MEER ZIJN!!!", "suicide"),
    ("wat heeft het nog voor zin, niemand gaat me missen", "suicide"),
    ("ik heb een afscheidsbrief geschreven voor mn mama", "suicide"),
    ("ik ga van de flat springen", "suicide"),
    ("ik wil dooooood", "suicide"),
    ("ik snij mezelf weer", "self_harm"),
    ("heb gister weer in mn armen gesneden", "self_harm"),
    ("ik ben weer aan het krassen 😔", "self_harm"),
    ("ik doe mezelf pijn als ik boos ben", "self_harm"),
    ("ik heb mezelf expres pijn gedaan", "self_harm"),
    ("zelfbeschadiging is voor mij normaal geworden", "self_harm"),
    ("mijn stiefvader slaat me", "abuse"),
    ("m'n pa slaat mij als hij dronken is", "abuse"),
    ("ik word thuis geslagen", "abuse"),
    ("mijn oom zit aan me en ik wil dat niet", "abuse"),
    ("ik ben verkracht op een feestje", "abuse"),
    ("hij dreigt mijn naaktfoto's te verspreiden", "abuse"),
    ("ik durf niet naar huis want mn vader is boos", "abuse"),
    ("ik ben echt bang voor mn stiefvader", "abuse"),
    ("ik ben in elkaar geslagen na school", "violence"),
    ("ik word elke dag opgewacht na school", "violence"),
    ("een jongen uit mijn klas heeft een mes bij", "violence"),
    ("ik word bedreigd op insta", "violence"),
    ("ze willen me neersteken", "violence"),
    ("ik word gepest en ze dreigen me dood te maken", "violence"),
    ("ik slaap vannacht op straat", "homeless_tonight"),
    ("mijn ouders hebben me eruit gegooid", "homeless_tonight"),
    ("ik weet niet waar ik vannacht moet slapen", "homeless_tonight"),
    ("ik heb geen slaapplek", "homeless_tonight"),
    ("ben uit huis gezet vandaag", "homeless_tonight"),
    ("ik ben van huis weggelopen en heb geen geld", "homeless_tonight"),
    ("ik kan nergens heen vannacht", "homeless_tonight"),
    ("ik ben dakloos sinds vorige week", "homeless_tonight"),
]

NL_HARMLESS: list[str] = [
    "ik ga dood van het lachen 😂😂",
    "ik ben doodmoe na de training",
    "ik sterf van de honger, wat eten we?",
    "ik schiet in de lach als ik hem zie",
    "die game is echt moordend",
    "hahaha ik lach me dooood",
    "ik schaamde me dood in de klas",
    "wiskunde is dodelijk saai",
    "ik verveel me dood in de les",
    "dat was sociale zelfmoord lol",
    "ik kon mezelf wel slaan, sleutels vergeten",
    "ik ben dood op na het werk",
    "die outfit is killer",
    "mijn moeder vermoordt me als ze dit ziet",
    "ik wil dood graag mee naar dat concert",
    "ik heb het brood gesneden",
    "ik word gek van die hitte",
    "we slapen vannacht in een tent op de camping",
    "mijn broer verslaat me altijd met fifa",
    "ik sta met stomheid geslagen",
    "dat slaat nergens op",
    "dat slaat me met stomheid",
    "ik ben kapot van de training",
    "mijn hoofd gaat ontploffen van de stress",
    "we hebben ze kapot gemaakt in de finale",
    "ik ga hem afmaken in fortnite",
    "ik heb me dood geschrokken",
    "dat raakt me echt",
    "dat bericht raakt me aan het hart",
    "ik wil niet meer naar die stomme les",
    "ik zie het niet zitten om morgen te gaan sporten",
    "ik kan nergens heen op vakantie dit jaar",
    "papa heeft me geholpen met mijn huiswerk",
    "ik had een overdosis suiker op dat feest",
    "de tijger wordt bedreigd met uitsterven",
    "hij zit aan me te zeuren over de afwas",
    "ik heb me kapot gelachen",
    "ik ga echt dood van de warmte",
    "we gaan morgen naar huis",
    "mijn coach zegt dat ik veel veerkracht heb",
    "die leraar zit aan me kop te zeuren",
    "ik sla mezelf er wel doorheen",
]


# --- English ----------------------------------------------------------------------------------

EN_SIGNALS: list[tuple[str, str]] = [
    ("honestly i just wanna dieee", "suicide"),
    ("nobody would miss me if i was gone", "suicide"),
    ("everyone would be better off without me tbh", "suicide"),
    ("I don't want to wake up anymore", "suicide"),
    ("im gonna kms", "suicide"),
    ("been thinking about unaliving myself", "suicide"),
    ("i keep thinking about su1c1de", "suicide"),
    ("I'm so tired of being alive", "suicide"),
    ("there's no reason to live anymore", "suicide"),
    ("im gonna end it all tonight", "suicide"),
    ("I wish I was never born fr", "suicide"),
    ("i think i took too many pills 😵", "suicide"),
    ("i dont want to be here anymore", "suicide"),
    ("I'm such a burden to my family", "suicide"),
    ("sometimes i want to jump off a bridge", "suicide"),
    ("KILL MYSELF", "suicide"),
    ("my life is not worth living", "suicide"),
    ("no1 would care if i died", "suicide"),
    ("i want to die for real", "suicide"),
    ("I cut myself again last night", "self_harm"),
    ("been hurting myself again", "self_harm"),
    ("i started self-harming in year 9", "self_harm"),
    ("i burn myself with a lighter", "self_harm"),
    ("I want to hurt myself so bad", "self_harm"),
    ("i've been starving myself for weeks", "self_harm"),
    ("my stepdad hits me", "abuse"),
    ("my dad beats me when he's drunk", "abuse"),
    ("my mum hit me with a belt", "abuse"),
    ("he touched me inappropriately and I froze", "abuse"),
    ("I was sexually abused by my uncle", "abuse"),
    ("my boyfriend forced me to send nudes", "abuse"),
    ("im scared of my dad", "abuse"),
    ("he threatened to leak my nudes", "abuse"),
    ("some guys beat me up after school", "violence"),
    ("I got jumped last night", "violence"),
    ("a kid in my class brought a knife to school", "violence"),
    ("they keep threatening me online", "violence"),
    ("someone pulled a knife on me", "violence"),
    ("i want to hurt someone so bad rn", "violence"),
    ("my parents kicked me out tonight", "homeless_tonight"),
    ("i have nowhere to sleep tonight", "homeless_tonight"),
    ("i'm sleeping on the street tonight", "homeless_tonight"),
    ("idk where to sleep tonight", "homeless_tonight"),
    ("i ran away from home and my phone is at 5%", "homeless_tonight"),
    ("im homeless now", "homeless_tonight"),
    ("I've got no place to stay", "homeless_tonight"),
]

EN_HARMLESS: list[str] = [
    "this homework is killing me",
    "I'm dead 😂😂",
    "that's a killer outfit",
    "I could kill for a pizza rn",
    "lmaooo im dying",
    "you absolutely killed it on stage",
    "we were just killing time at the mall",
    "my mom is going to kill me when she sees my grades",
    "i was dying of embarrassment",
    "bored to death in maths",
    "I literally died laughing",
    "the suicide squad movie was mid",
    "coach made us do suicide sprints",
    "posting that would be social suicide",
    "hit me up later",
    "that song hits me different",
    "my brother always beats me at fifa",
    "you beat me to it",
    "she stabbed me in the back with that rumour",
    "it's time to take my life back",
    "the teacher kicked me out of class",
    "I cut myself shaving this morning lol",
    "dead tired after practice",
    "I'm dead serious",
    "this cake is to die for",
    "I'd die for my friends",
    "I'm starving, let's eat",
    "we crushed them in the final",
    "the villain kills everyone in the end",
    "my phone died again",
    "killing myself laughing at this meme",
    "he's such a lady killer",
    "i almost died when my crush texted back",
    "I'm gonna crash at my friend's place tonight",
    "my parents grounded me for a week",
    "the news hit me hard",
    "I'm proud of myself today",
    "I need to take better care of myself",
    "my nose is bleeding again",
    "I don't want to wake up early tomorrow",
    "my parents kicked me out of the kitchen lol",
]


@pytest.mark.parametrize(("text", "category"), NL_SIGNALS)
def test_dutch_signal_is_detected(detector: CrisisDetector, text: str, category: str) -> None:
    hit = detector.detect(text)
    assert hit is not None, text
    assert hit.category == category


@pytest.mark.parametrize("text", NL_HARMLESS)
def test_dutch_everyday_phrase_is_not_a_signal(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize(("text", "category"), EN_SIGNALS)
def test_english_signal_is_detected(detector: CrisisDetector, text: str, category: str) -> None:
    hit = detector.detect(text)
    assert hit is not None, text
    assert hit.category == category


@pytest.mark.parametrize("text", EN_HARMLESS)
def test_english_everyday_phrase_is_not_a_signal(detector: CrisisDetector, text: str) -> None:
    assert detector.detect(text) is None


# --- behaviour --------------------------------------------------------------------------------


def test_normalise_folds_accents_case_repeats_and_leetspeak() -> None:
    assert normalise("Ik wil DOOOOD!!!") == "ik wil dod"
    assert normalise("Z3lfm00rd") == "zelfmord"
    assert normalise("suïcidaal") == "suicidal"
    assert normalise("pleaseee   help") == "please help"
    assert normalise("zelf\u200bmoord") == "zelfmord"
    assert normalise("ＤＯＯＤ") == "dod"


def test_normalise_maps_chat_spellings() -> None:
    assert normalise("k wil er nie meer zijn") == "ik wil er niet mer zijn"
    assert normalise("m'n pa slaat mij") == "mijn pa slat me"
    assert normalise("im gonna kms") == "i am going to kil myself"
    assert normalise("I don't care") == "i do not care"


def test_normalise_turns_emoji_and_punctuation_into_single_spaces() -> None:
    assert normalise("hey 😂😂 ... wat?!\n\tok") == "hey wat ok"


def test_english_signal_is_detected_inside_a_dutch_message(detector: CrisisDetector) -> None:
    hit = detector.detect("ik weet het echt niet meer man, i just want to die")
    assert hit == CrisisHit(category="suicide", language="en")


def test_dutch_signal_is_detected_inside_an_english_message(detector: CrisisDetector) -> None:
    hit = detector.detect("idk what to do, mijn stiefvader slaat me again")
    assert hit == CrisisHit(category="abuse", language="nl")


def test_an_idiom_does_not_hide_a_real_signal_later_in_the_message(
    detector: CrisisDetector,
) -> None:
    hit = detector.detect("ik ga dood van het lachen om die meme maar eigenlijk wil ik dood")
    assert hit == CrisisHit(category="suicide", language="nl")


def test_long_emoji_text_without_a_signal_returns_none(detector: CrisisDetector) -> None:
    text = ("😂🔥 haha 💀 " * 400)[:4000]
    assert len(text) == 4000
    assert detector.detect(text) is None


def test_long_emoji_text_with_a_signal_at_the_end_is_detected(detector: CrisisDetector) -> None:
    ending = " ik wil niet meer leven"
    text = ("😭💔 " * 2000)[: 4000 - len(ending)] + ending
    assert len(text) == 4000
    assert detector.detect(text) == CrisisHit(category="suicide", language="nl")


def test_a_long_text_full_of_near_misses_is_checked_quickly(detector: CrisisDetector) -> None:
    near_misses = "ik wil wil niet meer meer kill kill my my self dood dood 😂 zelf zelf "
    text = (near_misses * 100)[:4096]
    started = time.perf_counter()
    assert detector.detect(text) is None
    # Typically a few milliseconds; the bound only catches runaway backtracking.
    assert time.perf_counter() - started < 0.5


def test_hit_never_carries_the_text(detector: CrisisDetector) -> None:
    hit = detector.detect("ik wil dood")
    assert hit is not None
    assert set(vars(hit)) == {"category", "language", "level", "rule", "about"}


# --- lexicon validation -----------------------------------------------------------------------


def _minimal_lexicon() -> dict[str, Any]:
    line = {"name": "112", "phone": "112", "text": {"nl": "Bel 112.", "en": "Call 112."}}
    country = {
        purpose: [copy.deepcopy(line)] for purpose in ("crisis", "under_age", "while_waiting")
    }
    categories = {
        "suicide": ["ik wil dood"],
        "self_harm": ["snij mezelf"],
        "abuse": ["slaat me"],
        "violence": ["word bedreigd"],
        "homeless_tonight": ["slaap op straat"],
    }
    return {
        "signals": {"nl": categories, "en": copy.deepcopy(categories)},
        "harmless": {"nl": ["dood van het lachen"], "en": []},
        "help_lines": {"BE": country, "NL": copy.deepcopy(country)},
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


def test_lexicon_with_a_duplicate_phrase_is_refused() -> None:
    data = _minimal_lexicon()
    data["signals"]["nl"]["abuse"].append("Ik wil DOOOD!")
    loc, msg = _only_error(data)
    assert loc == ("signals", "nl")
    assert msg == "abuse[1] 'Ik wil DOOOD!' is a duplicate of 'ik wil dood' after normalising"


def test_lexicon_with_an_empty_phrase_is_refused() -> None:
    data = _minimal_lexicon()
    data["signals"]["en"]["violence"].append("   ")
    loc, msg = _only_error(data)
    assert loc == ("signals", "en", "violence", 1)
    assert msg == "empty phrase"


def test_lexicon_with_a_phrase_of_only_emoji_is_refused() -> None:
    data = _minimal_lexicon()
    data["harmless"]["nl"].append("😂😂")
    loc, msg = _only_error(data)
    assert loc == ("harmless", "nl", 1)
    assert msg == "phrase normalises to nothing"


def test_lexicon_with_a_missing_category_is_refused() -> None:
    data = _minimal_lexicon()
    del data["signals"]["en"]["homeless_tonight"]
    loc, msg = _only_error(data)
    assert loc == ("signals", "en")
    assert msg == "missing category homeless_tonight"


def test_lexicon_with_an_unknown_category_is_refused() -> None:
    data = _minimal_lexicon()
    data["signals"]["nl"]["suicde"] = ["ik wil sterven"]
    loc, msg = _only_error(data)
    assert loc == ("signals", "nl")
    assert msg == "unknown category suicde"


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


def test_signal_language_without_harmless_entry_is_refused() -> None:
    data = _minimal_lexicon()
    del data["harmless"]["en"]
    loc, msg = _only_error(data)
    assert loc == ("harmless",)
    assert msg == "missing entry for signal language en (an empty list is fine)"


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


def test_lexicon_problems_reports_a_language_without_signals() -> None:
    lexicon = CrisisLexicon.model_validate(_minimal_lexicon())
    assert lexicon_problems(lexicon, ["nl"]) == []
    assert ("signals.tr", "no signal phrases for this language") in lexicon_problems(
        lexicon, ["nl", "tr"]
    )


def test_lexicon_problems_reports_a_signal_hidden_by_a_harmless_phrase() -> None:
    data = _minimal_lexicon()
    data["harmless"]["en"].append("ik wil dood graag")
    data["signals"]["nl"]["suicide"].append("ik wil dood graag weg")
    lexicon = CrisisLexicon.model_validate(data)
    assert lexicon_problems(lexicon, ["nl", "en"]) == [
        ("signals.nl.suicide[1]", "not detected: a harmless phrase hides it")
    ]


def test_real_lexicon_has_no_problems(lexicon: CrisisLexicon) -> None:
    assert lexicon_problems(lexicon, ["nl", "en"]) == []


# --- help lines -------------------------------------------------------------------------------


def _phones(lexicon: CrisisLexicon, country: str, purpose: str) -> set[str]:
    lines = getattr(lexicon.help_lines[country], purpose)
    return {line.phone for line in lines if line.phone is not None}


def test_belgian_crisis_lines_are_112_zelfmoordlijn_and_awel(lexicon: CrisisLexicon) -> None:
    assert _phones(lexicon, "BE", "crisis") == {"112", "1813", "102"}
    urls = {line.url for line in lexicon.help_lines["BE"].crisis}
    assert "https://www.zelfmoord1813.be" in urls
    assert "https://www.awel.be" in urls


def test_dutch_crisis_lines_are_112_113_and_kindertelefoon(lexicon: CrisisLexicon) -> None:
    assert _phones(lexicon, "NL", "crisis") == {"112", "0800-0113", "0800-0432"}
    line_113 = next(line for line in lexicon.help_lines["NL"].crisis if line.phone == "0800-0113")
    assert "113" in line_113.name
    assert "0800-0113" in line_113.text["nl"]
    urls = {line.url for line in lexicon.help_lines["NL"].crisis}
    assert "https://www.113.nl" in urls
    assert "https://www.kindertelefoon.nl" in urls


def test_under_age_youngsters_are_sent_to_awel_and_kindertelefoon(
    lexicon: CrisisLexicon,
) -> None:
    assert _phones(lexicon, "BE", "under_age") == {"102"}
    assert _phones(lexicon, "NL", "under_age") == {"0800-0432"}


def test_every_help_line_speaks_dutch_and_english(lexicon: CrisisLexicon) -> None:
    for lines in lexicon.help_lines.values():
        for line in [*lines.crisis, *lines.under_age, *lines.while_waiting]:
            assert set(line.text) == {"nl", "en"}, line.name
