"""The coach queue: the order of waiting cases and which coaches are suggested, and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from flows.matching import CoachProfile, Suggestion, WaitingCase, queue_order, suggest
from flows.messages import Ref

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def case(case_id: int = 1, **changes: Any) -> WaitingCase:
    """A waiting case: not urgent, queued at noon, a Dutch speaker without check-ins or wishes."""
    base = WaitingCase(
        case_id=case_id,
        urgent=False,
        queued_at=NOON,
        deadline=NOON + timedelta(hours=24),
        language="nl",
        checkins={},
    )
    return replace(base, **changes)


def coach(coach_id: int, **changes: Any) -> CoachProfile:
    """A free, Dutch-speaking chat coach without focus, 3 of 8 places taken."""
    base = CoachProfile(
        coach_id=coach_id,
        name=f"coach {coach_id}",
        languages=("nl",),
        focus=(),
        capacity=8,
        active_cases=3,
        available=True,
    )
    return replace(base, **changes)


def at(hours: float) -> datetime:
    return NOON + timedelta(hours=hours)


def ids(suggestions: list[Suggestion]) -> list[int]:
    return [s.coach_id for s in suggestions]


# -- queue order ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        pytest.param(
            [case(1, deadline=at(2)), case(2, urgent=True, deadline=at(20))],
            [2, 1],
            id="urgent before a closer deadline",
        ),
        pytest.param(
            [case(1, urgent=True, deadline=at(9)), case(2, urgent=True, deadline=at(3))],
            [2, 1],
            id="urgent cases among themselves by deadline",
        ),
        pytest.param(
            [case(1, queued_at=at(-5), deadline=at(10)), case(2, queued_at=at(-1), deadline=at(4))],
            [2, 1],
            id="deadline before waiting time",
        ),
        pytest.param(
            [case(1, queued_at=at(-1)), case(2, queued_at=at(-3))],
            [2, 1],
            id="same deadline: longest waiting first",
        ),
        pytest.param(
            [case(7), case(3), case(5)],
            [3, 5, 7],
            id="full tie: lowest case id first",
        ),
    ],
)
def test_the_queue_puts_urgent_first_then_deadline_then_waiting_time(
    cases: list[WaitingCase], expected: list[int]
) -> None:
    assert [c.case_id for c in queue_order(cases)] == expected


def test_the_queue_order_does_not_depend_on_the_order_cases_come_in() -> None:
    cases = [case(4), case(2, deadline=at(5)), case(9, urgent=True), case(1)]
    expected = [9, 2, 1, 4]
    assert [c.case_id for c in queue_order(cases)] == expected
    assert [c.case_id for c in queue_order(cases[::-1])] == expected


# -- who is never suggested -----------------------------------------------------------------

PERFECT_FIT = case(checkins={"money": 1}, coach_gender="woman", region="90")


@pytest.mark.parametrize(
    ("capacity", "active_cases"),
    [
        pytest.param(8, 8, id="all places taken"),
        pytest.param(8, 9, id="more cases than places"),
        pytest.param(0, 0, id="no places at all"),
    ],
)
def test_a_coach_at_capacity_is_never_suggested(capacity: int, active_cases: int) -> None:
    full = coach(1, focus=("money",), gender="woman", regions=("90",), capacity=capacity)
    full = replace(full, active_cases=active_cases)
    assert ids(suggest(PERFECT_FIT, [full, coach(2)])) == [2]


def test_an_unavailable_coach_is_never_suggested() -> None:
    away = coach(1, focus=("money",), gender="woman", regions=("90",), available=False)
    assert ids(suggest(PERFECT_FIT, [away, coach(2)])) == [2]


def test_nobody_is_suggested_when_no_coach_is_free() -> None:
    assert suggest(case(), [coach(1, available=False), coach(2, active_cases=8)]) == []


# -- language -------------------------------------------------------------------------------


def test_a_chosen_language_excludes_coaches_who_do_not_speak_it() -> None:
    wants_english = case(coach_language="en", checkins={"money": 1})
    coaches = [
        coach(1, languages=("nl",), focus=("money",)),
        coach(2, languages=("nl", "en")),
        coach(3, languages=("en",)),
    ]
    assert ids(suggest(wants_english, coaches)) == [2, 3]


@pytest.mark.parametrize(
    "english_speaker",
    [
        pytest.param(None, id="nobody speaks it"),
        pytest.param(coach(9, languages=("en",), available=False), id="only speaker is away"),
        pytest.param(coach(9, languages=("en",), active_cases=8), id="only speaker is full"),
    ],
)
def test_without_a_free_coach_who_speaks_the_chosen_language_all_free_coaches_are_suggested(
    english_speaker: CoachProfile | None,
) -> None:
    wants_english = case(coach_language="en")
    coaches = [coach(1), coach(2, active_cases=1)]
    if english_speaker is not None:
        coaches.append(english_speaker)
    suggestions = suggest(wants_english, coaches)
    assert ids(suggestions) == [2, 1]
    assert [r.key for r in suggestions[0].reasons] == ["match.places"]


def test_the_chat_language_is_a_bonus_but_never_excludes() -> None:
    writes_english = case(language="en")
    coaches = [coach(1, languages=("nl",), active_cases=0), coach(2, languages=("nl", "en"))]
    assert ids(suggest(writes_english, coaches)) == [2, 1]


def test_any_language_gives_no_language_bonus() -> None:
    any_language = case(language="en", coach_language="any")
    coaches = [coach(1, languages=("en",)), coach(2, languages=("nl",), active_cases=2)]
    assert ids(suggest(any_language, coaches)) == [2, 1]


# -- domain fit -----------------------------------------------------------------------------

LOW_ON_MONEY_AND_HOME = case(checkins={"health": 4, "home": 2, "money": 1, "network": 5})


@pytest.mark.parametrize(
    ("youngster", "coaches", "expected"),
    [
        pytest.param(
            LOW_ON_MONEY_AND_HOME,
            [
                coach(1, focus=("health", "network")),
                coach(2, focus=("home",)),
                coach(3, focus=("money",)),
                coach(4, focus=("money", "home")),
            ],
            [4, 3, 2],
            id="money and home coach first for a youngster low on money and home",
        ),
        pytest.param(
            case(checkins={"home": 3, "money": 1}),
            [coach(1, focus=("home",)), coach(2, focus=("money",))],
            [2, 1],
            id="the lowest check-in weighs most",
        ),
        pytest.param(
            case(checkins={"goals": 4, "money": 5}),
            [coach(1, focus=("goals", "money"), active_cases=5), coach(2)],
            [2, 1],
            id="answers 4 and 5 are no needs",
        ),
    ],
)
def test_domain_fit_ranks_coaches_whose_focus_covers_the_lowest_check_ins_first(
    youngster: WaitingCase, coaches: list[CoachProfile], expected: list[int]
) -> None:
    assert ids(suggest(youngster, coaches)) == expected


# -- preferences ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wish", "matching", "other"),
    [
        pytest.param(
            {"coach_gender": "woman"}, {"gender": "woman"}, {"gender": "man"}, id="gender"
        ),
        pytest.param(
            {"region": "90"}, {"regions": ("90", "91")}, {"regions": ("10",)}, id="region"
        ),
        pytest.param(
            {"contact_mode": "meet"}, {"modes": ("chat", "meet")}, {"modes": ("chat",)}, id="mode"
        ),
    ],
)
def test_a_preference_is_a_bonus_that_never_excludes(
    wish: dict[str, Any], matching: dict[str, Any], other: dict[str, Any]
) -> None:
    # The other coach has more free places, so only the preference puts the matching one first.
    coaches = [coach(1, active_cases=0, **other), coach(2, **matching)]
    assert ids(suggest(case(**wish), coaches)) == [2, 1]


def test_no_gender_preference_gives_no_gender_bonus() -> None:
    coaches = [coach(1, gender="woman"), coach(2, gender="man", active_cases=2)]
    assert ids(suggest(case(coach_gender="any"), coaches)) == [2, 1]


# -- free capacity and ties -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("coaches", "expected"),
    [
        pytest.param(
            [coach(1, active_cases=6), coach(2, active_cases=2)],
            [2, 1],
            id="the emptier caseload first",
        ),
        pytest.param(
            [coach(1, capacity=4, active_cases=1), coach(2, capacity=8, active_cases=4)],
            [1, 2],
            id="a share, not a count: 1 of 4 taken beats 4 of 8",
        ),
        pytest.param(
            [coach(1, capacity=4, active_cases=2), coach(2, capacity=8, active_cases=4)],
            [2, 1],
            id="same share: more free places first",
        ),
        pytest.param([coach(3), coach(1), coach(2)], [1, 2, 3], id="full tie: lowest coach id"),
    ],
)
def test_free_capacity_breaks_ties_between_equal_coaches(
    coaches: list[CoachProfile], expected: list[int]
) -> None:
    assert ids(suggest(case(), coaches)) == expected


def test_a_domain_fit_outweighs_free_capacity() -> None:
    coaches = [coach(1, active_cases=0), coach(2, focus=("home",), active_cases=7)]
    assert ids(suggest(case(checkins={"home": 3}), coaches)) == [2, 1]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        pytest.param(None, [1, 2, 3], id="three by default"),
        pytest.param(2, [1, 2], id="two"),
        pytest.param(10, [1, 2, 3, 4, 5], id="more than there are coaches"),
        pytest.param(0, [], id="zero"),
    ],
)
def test_the_limit_caps_the_number_of_suggestions(limit: int | None, expected: list[int]) -> None:
    coaches = [coach(i, active_cases=i) for i in (5, 3, 1, 4, 2)]
    suggestions = (
        suggest(case(), coaches) if limit is None else suggest(case(), coaches, limit=limit)
    )
    assert ids(suggestions) == expected


# -- reasons and score ----------------------------------------------------------------------


def places(used: int, capacity: int) -> Ref:
    return Ref("match.places", {"used": used, "capacity": capacity})


def label(domain: str) -> Ref:
    return Ref(f"q.{domain}.topic")


@pytest.mark.parametrize(
    ("youngster", "the_coach", "expected"),
    [
        pytest.param(
            case(coach_language="en", checkins={"money": 1, "home": 2, "health": 5}),
            coach(1, languages=("nl", "en"), focus=("home", "money", "health")),
            (
                Ref("match.speaks", {"language": Ref("match.language.en")}),
                Ref(
                    "match.focus",
                    {"domains": Ref("match.domains.2", {"a": label("money"), "b": label("home")})},
                ),
                places(3, 8),
            ),
            id="chosen language, two needs covered",
        ),
        pytest.param(
            case(
                checkins={"goals": 3},
                coach_gender="man",
                region="10",
                contact_mode="call",
            ),
            coach(1, focus=("goals",), gender="man", regions=("10",), modes=("chat", "call")),
            (
                Ref("match.speaks", {"language": Ref("match.language.nl")}),
                Ref("match.focus", {"domains": label("goals")}),
                Ref("match.gender.man"),
                Ref("match.region", {"area": "10"}),
                Ref("match.mode.call"),
                places(3, 8),
            ),
            id="chat language, one need, every wish met",
        ),
        pytest.param(
            case(
                language="en",
                checkins={"goals": 3},
                coach_gender="woman",
                region="90",
                contact_mode="video",
            ),
            coach(1, focus=("money",), gender="man", regions=("10",), active_cases=0),
            (places(0, 8),),
            id="nothing applies: only the places",
        ),
        pytest.param(
            case(checkins={"health": 3, "home": 2, "goals": 2, "money": 1, "network": 3}),
            coach(1, focus=("health", "home", "goals", "money", "network"), active_cases=7),
            (
                Ref("match.speaks", {"language": Ref("match.language.nl")}),
                Ref(
                    "match.focus",
                    {
                        "domains": Ref(
                            "match.domains.3",
                            {"a": label("money"), "b": label("home"), "c": label("goals")},
                        )
                    },
                ),
                places(7, 8),
            ),
            id="at most three needs named, lowest first, ties in questionnaire order",
        ),
    ],
)
def test_the_reasons_name_exactly_what_applies(
    youngster: WaitingCase, the_coach: CoachProfile, expected: tuple[Ref, ...]
) -> None:
    [suggestion] = suggest(youngster, [the_coach])
    assert suggestion.reasons == expected


def test_the_score_is_the_sum_of_the_weights_that_apply() -> None:
    youngster = case(
        checkins={"money": 1, "home": 2, "goals": 3, "health": 4},
        coach_gender="woman",
        region="90",
        contact_mode="meet",
    )
    the_coach = coach(
        1,
        focus=("money", "home", "health"),
        gender="woman",
        regions=("90",),
        modes=("meet",),
        capacity=8,
        active_cases=6,
    )
    # language 2 + money (1) 3 + home (2) 2 + gender 1.5 + region 1 + mode 1 + 0.5 × 2/8 free
    assert suggest(youngster, [the_coach])[0].score == pytest.approx(10.625)
