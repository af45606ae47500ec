"""Crisis detection on messages as young people type them, through the real content/crisis.yaml.

The lists are a regression set; how well detection generalises is measured on a corpus the
lexicon was never tuned on (test_evaluate.py and `klik crisis-eval`).
"""

from __future__ import annotations

import pytest

from flows.content import Detector
from flows.crisis import CrisisDetector, CrisisHit, CrisisLexicon
from flows.crisis.model import CrisisModel

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

# The messages issue 12 names, each with the level it must get.
ACUTE: list[tuple[str, str]] = [
    ("ik sta op de brug en ik ga springen", "suicide"),
    ("im on the roof and i want to jump", "suicide"),
    ("kzit op het perron en ik wil voor de trein springen", "suicide"),
    ("i just took a whole pack of pills", "suicide"),
    ("heb net een hele strip paracetamol genomen", "suicide"),
    ("ik ga er vanavond een einde aan maken, het touw ligt klaar", "suicide"),
    ("mijn stiefvader komt elke nacht in mijn kamer", "abuse"),
    ("my stepdad comes into my bedroom at night", "abuse"),
    ("ik zit opgesloten in de badkamer en hij schopt tegen de deur", "abuse"),
    ("im locked in the bathroom and hes kicking the door", "abuse"),
    ("ze komen me vanavond halen en ze hebben een mes", "violence"),
    ("ik slaap al drie nachten in het park", "homeless_tonight"),
    ("been sleeping in the park for three nights", "homeless_tonight"),
    ("mn pa heeft me buitengezet en ik heb geen slaapplek vannacht", "homeless_tonight"),
    ("het touw hangt al op zolder", "suicide"),
    ("heb mijn lithium allemaal genomen", "suicide"),
]

WORRY: list[tuple[str, str]] = [
    ("ik zie het niet meer zitten", "suicide"),
    ("soms wil ik niet meer leven", "suicide"),
    ("iedereen is beter af zonder mij", "suicide"),
    ("i cut myself so nobody sees", "self_harm"),
    ("ik kras op plekken waar niemand het ziet", "self_harm"),
    ("mijn pa slaat me als hij gedronken heeft", "abuse"),
]

STORIES: list[str] = [
    "ik moet een werkstuk maken over kindermishandeling",
    "we have to write an essay about child abuse for school",
    "in het boek pleegt de hoofdpersoon zelfmoord",
    "in the book she kills herself at the end",
    "op het nieuws zeiden ze dat er iemand van de brug gesprongen is",
    "kys noob",
    "kys kys kys get rekt",
    "hij slaat me nooit, hij is echt lief",
    "my dad never hits me",
]


@pytest.mark.parametrize(("text", "category"), NL_SIGNALS + EN_SIGNALS)
def test_a_signal_is_detected_in_its_category(detector: Detector, text: str, category: str) -> None:
    hit = detector.detect(text)
    assert hit is not None
    assert hit.category == category


@pytest.mark.parametrize("text", NL_HARMLESS + EN_HARMLESS + STORIES)
def test_an_everyday_message_with_the_same_words_is_not_a_signal(
    detector: Detector, text: str
) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize(("text", "category"), ACUTE)
def test_a_means_place_or_act_with_intent_is_acute(
    detector: Detector, text: str, category: str
) -> None:
    hit = detector.detect(text)
    assert hit is not None
    assert (hit.category, hit.level) == (category, "acute")


@pytest.mark.parametrize(("text", "category"), WORRY)
def test_distress_without_a_plan_is_a_worry(detector: Detector, text: str, category: str) -> None:
    hit = detector.detect(text)
    assert hit is not None
    assert (hit.category, hit.level) == (category, "worry")


def test_a_hit_names_the_rule_that_fired(detector: Detector) -> None:
    hit = detector.detect("ik heb net al mijn pillen genomen")
    assert hit is not None
    assert (hit.level, hit.rule) == ("acute", "act_done")


def test_a_friend_in_danger_is_a_signal_about_a_friend(detector: Detector) -> None:
    hit = detector.detect("mijn beste vriendin zegt dat ze vanavond pillen gaat nemen")
    assert hit is not None
    assert (hit.category, hit.about) == ("suicide", "friend")


def test_the_youngster_s_own_signal_is_about_themselves(detector: Detector) -> None:
    hit = detector.detect("ik wil vanavond pillen nemen om dood te gaan")
    assert hit is not None
    assert hit.about == "self"


def test_a_negation_turns_an_act_around(detector: Detector) -> None:
    assert detector.detect("mijn vader slaat me niet") is None
    assert detector.detect("mijn vader slaat me") is not None


def test_english_signal_is_detected_inside_a_dutch_message(detector: Detector) -> None:
    hit = detector.detect("ik weet het echt niet meer man, i just want to die")
    assert hit is not None
    assert (hit.category, hit.language) == ("suicide", "en")


def test_dutch_signal_is_detected_inside_an_english_message(detector: Detector) -> None:
    hit = detector.detect("idk what to do, mijn stiefvader slaat me elke dag")
    assert hit is not None
    assert (hit.category, hit.language) == ("abuse", "nl")


def test_an_idiom_does_not_hide_a_real_signal_later_in_the_message(
    detector: Detector,
) -> None:
    hit = detector.detect("ik ga dood van het lachen om die meme maar eigenlijk wil ik dood")
    assert hit is not None
    assert hit.category == "suicide"


def test_long_emoji_text_without_a_signal_returns_none(detector: Detector) -> None:
    text = ("😂🔥 haha 💀 " * 400)[:4000]
    assert len(text) == 4000
    assert detector.detect(text) is None


def test_long_emoji_text_with_a_signal_at_the_end_is_detected(detector: Detector) -> None:
    ending = " ik wil niet meer leven"
    text = ("😭💔 " * 2000)[: 4000 - len(ending)] + ending
    assert len(text) == 4000
    hit = detector.detect(text)
    assert hit is not None
    assert hit.category == "suicide"


def test_hit_never_carries_the_text(detector: Detector) -> None:
    hit = detector.detect("ik wil dood")
    assert hit is not None
    assert set(vars(hit)) == {"category", "language", "level", "rule", "about"}


def _deaf_model() -> CrisisModel:
    """A model that hears a crisis nowhere and whose stack never raises a signal."""
    return CrisisModel.parse(["bias\t-30\t0\t0\t0\t0\t0\t0", "stack\t1\t0\t0\t-30\t0.99"])


def _model_hearing_acute(acute: float) -> CrisisModel:
    """A model whose stack raises a signal on everything and that hears every message as acute
    with log-odds `acute`."""
    return CrisisModel.parse([f"bias\t30\t{acute}\t0\t0\t0\t0\t0", "stack\t1\t0\t0\t0\t0.01"])


IDEATION = "ik denk aan zelfmoord"  # a worry rule (ideation), not firm


def test_a_worry_the_model_hears_as_acute_is_acute_and_says_the_wording_decided(
    lexicon: CrisisLexicon,
) -> None:
    assert CrisisDetector(lexicon).detect(IDEATION) == CrisisHit(
        "suicide", "nl", "worry", "ideation"
    )
    hit = CrisisDetector(lexicon, _model_hearing_acute(5)).detect(IDEATION)
    assert hit == CrisisHit("suicide", "nl", "acute", "model")


def test_a_worry_the_model_hears_as_a_worry_stays_a_worry_with_its_rule(
    lexicon: CrisisLexicon,
) -> None:
    hit = CrisisDetector(lexicon, _model_hearing_acute(-5)).detect(IDEATION)
    assert hit == CrisisHit("suicide", "nl", "worry", "ideation")


def test_a_firm_worry_the_model_hears_as_acute_is_acute(lexicon: CrisisLexicon) -> None:
    text = "ik zie het echt niet meer zitten"
    level, firm = CrisisDetector(lexicon).rules_verdict(text)
    assert (level, firm) == ("worry", True)
    hit = CrisisDetector(lexicon, _model_hearing_acute(5)).detect(text)
    assert hit is not None
    assert (hit.level, hit.rule) == ("acute", "model")


def test_a_firm_rule_stands_whatever_the_model_says(lexicon: CrisisLexicon) -> None:
    detector = CrisisDetector(lexicon, _deaf_model())
    hit = detector.detect("ik heb bleekwater gedronken")
    assert hit is not None
    assert (hit.level, hit.rule) == ("acute", "act_done")


def test_the_model_overrules_a_rule_that_is_not_firm(lexicon: CrisisLexicon) -> None:
    text = "ik zit op de brug en ik wil springen"
    assert CrisisDetector(lexicon).detect(text) is not None
    assert CrisisDetector(lexicon, _deaf_model()).detect(text) is None


def test_a_single_word_says_enough(detector: Detector) -> None:
    hit = detector.detect("zelfmoord")
    assert hit is not None
    assert hit.category == "suicide"


def test_being_locked_in_while_someone_kicks_the_door_is_named_for_what_it_is(
    detector: Detector,
) -> None:
    hit = detector.detect("ik zit opgesloten in de badkamer en hij trapt tegen de deur")
    assert hit is not None
    assert (hit.category, hit.level, hit.rule) == ("abuse", "acute", "locked_in")


def test_a_long_everyday_message_of_many_sentences_raises_no_signal(detector: Detector) -> None:
    # Crisis messages in the corpus happen to have more full stops; that is no signal.
    note = " ".join(f"Dit is zin {n} van mijn bericht, over thuis en school." for n in range(70))
    assert detector.detect(note) is None


@pytest.mark.parametrize("text", ["touw. zolder. nu.", "rope. attic. now."])
def test_a_means_and_now_with_nothing_else_is_acute(rules: CrisisDetector, text: str) -> None:
    hit = rules.detect(text)
    assert hit is not None and (hit.category, hit.level) == ("suicide", "acute")


@pytest.mark.parametrize("text", ["ik moet mijn pillen nu nemen", "i have to take my pills now"])
def test_taking_one_s_medicine_now_fires_no_rule(rules: CrisisDetector, text: str) -> None:
    assert rules.detect(text) is None


def test_a_long_everyday_message_full_of_numbers_raises_no_signal(detector: Detector) -> None:
    note = " ".join(f"Dit is zin {n} van bericht 1, over thuis en school." for n in range(70))
    assert detector.detect(note) is None


@pytest.mark.parametrize("text", ["op het dak. sorry", "on the roof. sorry"])
def test_a_place_and_an_apology_with_nothing_else_is_acute(
    rules: CrisisDetector, text: str
) -> None:
    hit = rules.detect(text)
    assert hit is not None and (hit.category, hit.level) == ("suicide", "acute")


@pytest.mark.parametrize(
    "text",
    ["morgen ben ik er niet meer, het is beslist", "i will be gone by the morning. signing off"],
)
def test_saying_one_will_not_be_there_tomorrow_is_a_farewell(
    rules: CrisisDetector, text: str
) -> None:
    hit = rules.detect(text)
    assert hit is not None and (hit.level, hit.rule) == ("acute", "plan")


@pytest.mark.parametrize(
    "text", ["ik moet gaan, mijn ma roept", "just watched a video about homeless people, so sad"]
)
def test_leaving_for_dinner_or_a_video_on_homelessness_is_not_firm(
    rules: CrisisDetector, text: str
) -> None:
    assert rules.rules_verdict(text)[1] is False


def test_being_homeless_oneself_is_firm(rules: CrisisDetector) -> None:
    assert rules.rules_verdict("ik ben dakloos")[1] is True


@pytest.mark.parametrize(
    "text", ["het jachtgeweer van mijn pa ligt klaar", "my dads shotgun is ready"]
)
def test_a_hunting_gun_is_a_means(rules: CrisisDetector, text: str) -> None:
    hit = rules.detect(text)
    assert hit is not None and hit.level == "acute"


@pytest.mark.parametrize("text", ["en nu?", "nog iets", "and now?", "nog even"])
def test_the_model_alone_never_raises_a_signal_on_two_words(detector: Detector, text: str) -> None:
    assert detector.detect(text) is None


def test_two_words_that_a_rule_knows_are_still_a_signal(detector: Detector) -> None:
    hit = detector.detect("wil dood")
    assert hit is not None and hit.category == "suicide"


@pytest.mark.parametrize(
    "text",
    ["kreeg weer een klap van ma omdat ik terugpraatte", "got hit by my stepdad again yesterday"],
)
def test_being_hit_by_a_parent_said_as_what_one_gets_is_firm(
    rules: CrisisDetector, text: str
) -> None:
    assert rules.rules_verdict(text) == ("worry", True)


@pytest.mark.parametrize(
    "text",
    [
        "ik sta op het dak van de wereld, geslaagd voor mn rijexamen!!!",
        "im on top of the world rn, passed my driving test",
    ],
)
def test_being_on_top_of_the_world_is_joy_not_a_roof(rules: CrisisDetector, text: str) -> None:
    assert rules.detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "zag een reportage over een jongen die buitengegooid werd",
        "had a nightmare about a boy whose dad kicked him out of the house",
    ],
)
def test_somebody_else_in_a_report_or_a_dream_told_is_a_story(
    rules: CrisisDetector, text: str
) -> None:
    assert rules.detect(text) is None


@pytest.mark.parametrize(
    "text", ["they would forget me in a week, thats how little i matter", "ik doe er niet toe"]
)
def test_feeling_one_does_not_matter_is_a_worry(rules: CrisisDetector, text: str) -> None:
    hit = rules.detect(text)
    assert hit is not None and (hit.category, hit.level) == ("suicide", "worry")


@pytest.mark.parametrize(
    "text",
    [
        "my cousin shot me with a nerf gun at the party",
        "kussengevecht met mn zus, ze sloeg me knock out",
    ],
)
def test_play_fighting_with_toys_is_no_attack(rules: CrisisDetector, text: str) -> None:
    assert rules.detect(text) is None


@pytest.mark.parametrize(
    "text",
    ["the ending made me cry on the bus", "she left me on read again"],
)
def test_a_film_that_made_one_cry_or_a_message_left_on_read_is_no_signal(
    rules: CrisisDetector, text: str
) -> None:
    assert rules.detect(text) is None


def test_a_threat_that_is_over_is_no_signal(rules: CrisisDetector) -> None:
    text = "the guy who was stalking me moved away and i feel safe now"
    assert rules.detect(text) is None


def test_a_threat_with_not_feeling_safe_now_is_still_a_signal(rules: CrisisDetector) -> None:
    hit = rules.detect("the guy who threatened me is back and i dont feel safe now")
    assert hit is not None and hit.category == "violence"


def test_a_blade_kept_in_dutch_chat_words_is_a_self_harm_worry(rules: CrisisDetector) -> None:
    hit = rules.detect("ik heb altijd een scherpje bij me")
    assert hit is not None and hit.category == "self_harm"


@pytest.mark.parametrize(
    "text",
    [
        "ze zeggen dat het een feest is maar het is mijn eigen trouw, mijn identiteitskaart is weg",
        "heard my aunt on the phone talking about my wedding, they hid my passport",
    ],
)
def test_a_wedding_of_ones_own_with_papers_taken_is_acute(rules: CrisisDetector, text: str) -> None:
    hit = rules.detect(text)
    assert hit is not None and (hit.category, hit.level) == ("abuse", "acute")


@pytest.mark.parametrize(
    "text",
    [
        "mijn ma heeft al een man voor mij gevonden in het thuisland",
        "my dad says he found me a husband back home",
    ],
)
def test_a_parent_who_arranges_ones_wedding_is_a_worry(rules: CrisisDetector, text: str) -> None:
    hit = rules.detect(text)
    assert hit is not None and (hit.category, hit.level) == ("abuse", "worry")


def test_a_wedding_of_ones_own_alone_is_no_signal(rules: CrisisDetector) -> None:
    assert rules.detect("my wedding is in june and i am so excited") is None


def test_being_out_for_the_evening_is_not_being_put_out(rules: CrisisDetector) -> None:
    assert rules.detect("my dad texts me every hour when im out") is None


def test_being_told_one_is_out_is_losing_ones_home(rules: CrisisDetector) -> None:
    hit = rules.detect("my landlord says im out by friday")
    assert hit is not None and hit.category == "homeless_tonight"


@pytest.mark.parametrize(
    "text",
    [
        "got a bat next to my bed now lol, just in case",
        "heb sinds gisteren een schroevendraaier in mijn rugzak haha",
    ],
)
def test_a_weapon_kept_close_is_a_worry_even_with_a_laugh(rules: CrisisDetector, text: str) -> None:
    hit = rules.detect(text)
    assert hit is not None and hit.category == "violence"


def test_somebody_at_the_door_is_acute_even_with_a_nervous_laugh(rules: CrisisDetector) -> None:
    hit = rules.detect("they know where i live, i barricaded my door lol im so scared")
    assert hit is not None and hit.level == "acute"


def test_sleeping_at_a_different_friends_each_night_is_no_place_to_sleep(
    rules: CrisisDetector,
) -> None:
    hit = rules.detect("ik pit al een week bij verschillende maten")
    assert hit is not None and hit.category == "homeless_tonight"
