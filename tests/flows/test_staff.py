"""Rules for coaches and team leads: invite codes, availability, and what an operator may set."""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, date, datetime

import pytest

from flows.content import Content
from flows.hours import parse_service_hours
from flows.staff import (
    Choices,
    InviteCode,
    Profile,
    StaffMember,
    away_problem,
    invite_problem,
    is_available,
    listed,
    make_invite_code,
    pick,
    profile_problem,
    read_code,
    reads_now,
    removal_problem,
)
from tests.conftest import BRUSSELS

SERVICE = parse_service_hours("mon-fri 09:00-21:00")
MONDAY_2PM = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
LOTTE = StaffMember(id=1, role="coach", name="Lotte", languages=("nl",), capacity=8)


def test_an_invite_code_is_easy_to_read_aloud() -> None:
    code = make_invite_code(random.Random(5))
    assert re.fullmatch(r"KLIK(-[2-9A-HJKMNP-Z]{4}){6}", code)


def test_an_invite_code_s_secret_holds_at_least_80_bits() -> None:
    parsed = read_code(make_invite_code(random.Random(5)))
    assert parsed is not None
    assert len(parsed.secret) * math.log2(31) >= 80


def test_a_code_typed_in_lower_case_or_without_dashes_still_reads_the_same() -> None:
    typed = ("KLIK-7F3K-Q9ZD-4MNP-R8WX-YT2H-ABCD", "klik 7f3k q9zd 4mnp r8wx yt2h abcd")
    assert read_code(typed[0]) == read_code(typed[1]) == read_code("7F3KQ9ZD4MNPR8WXYT2HABCD")
    assert read_code(typed[0]) == InviteCode("7F3K", "Q9ZD4MNPR8WXYT2HABCD")


def test_a_code_of_the_old_shorter_kind_is_no_code() -> None:
    assert read_code("KLIK-7F3K-Q9ZD") is None


def test_a_coach_is_available_within_service_hours() -> None:
    assert is_available(LOTTE, now=MONDAY_2PM, timezone=BRUSSELS, service_hours=SERVICE)


def test_a_coach_with_own_hours_is_available_only_then() -> None:
    mornings = StaffMember(
        **{**LOTTE.__dict__, "hours": parse_service_hours("mon-fri 09:00-12:00")}
    )
    assert not is_available(mornings, now=MONDAY_2PM, timezone=BRUSSELS, service_hours=SERVICE)


def test_a_coach_who_is_away_is_not_available() -> None:
    away = StaffMember(**{**LOTTE.__dict__, "away_until": datetime(2026, 12, 1, tzinfo=UTC)})
    assert not is_available(away, now=MONDAY_2PM, timezone=BRUSSELS, service_hours=SERVICE)


def test_a_deactivated_coach_or_a_team_lead_is_not_offered_youngsters() -> None:
    inactive = StaffMember(**{**LOTTE.__dict__, "active": False})
    lead = StaffMember(id=2, role="teamlead", name="Ahmed", languages=("nl",))
    for member in (inactive, lead):
        assert not is_available(member, now=MONDAY_2PM, timezone=BRUSSELS, service_hours=SERVICE)


AHMED = StaffMember(id=2, role="teamlead", name="Ahmed", languages=("nl",))
MONDAY_3AM = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_a_team_lead_within_hours_reads_a_crisis_alert() -> None:
    assert reads_now(AHMED, now=MONDAY_2PM, timezone=BRUSSELS, service_hours=SERVICE)


def test_at_night_neither_a_coach_nor_a_team_lead_reads_a_crisis_alert() -> None:
    for member in (LOTTE, AHMED):
        assert not reads_now(member, now=MONDAY_3AM, timezone=BRUSSELS, service_hours=SERVICE)


def test_a_team_lead_who_is_away_does_not_read_a_crisis_alert() -> None:
    away = StaffMember(**{**AHMED.__dict__, "away_until": datetime(2026, 12, 1, tzinfo=UTC)})
    assert not reads_now(away, now=MONDAY_2PM, timezone=BRUSSELS, service_hours=SERVICE)


CHOICES = Choices(
    domains=("health", "home", "money"),
    offered=("nl", "en"),
    modes=("chat", "call"),
    languages=frozenset({"nl", "en", "fr", "ar"}),
)
TAKEN = {"lotte", "ahmed"}


def test_options_are_read_trimmed_in_lower_case_and_once() -> None:
    assert listed(" NL, en,,nl ") == ("nl", "en")


@pytest.mark.parametrize(
    ("profile", "problem"),
    [
        (Profile(name=" "), "a name cannot be empty"),
        (
            Profile(name="LOTTE"),
            "there is already someone called LOTTE; add a letter, e.g. LOTTE B.",
        ),
        (Profile(name="42"), "'42' reads as an id; give a name with letters"),
        (Profile(name="Lo\ntte"), "a name is one line of plain characters"),
        (Profile(name="A" * 41), "a name has at most 40 characters"),
        (Profile(intro="x" * 401), "an intro has at most 400 characters (one or two sentences)"),
        (
            Profile(capacity=0),
            "capacity must be 1 or more (not 0); "
            "to take no new youngsters for a while use: klik coach away",
        ),
        (
            Profile(languages=("nl", "xx")),
            "unknown language xx; use codes such as nl, en, fr, ar, tr",
        ),
        (Profile(languages=("fr", "ar")), "languages must include one Klik talks in: nl, en"),
        (Profile(gender="robot"), "unknown gender robot; choose from woman, man, other"),
        (Profile(focus=("cooking",)), "unknown focus cooking; choose from health, home, money"),
        (Profile(modes=("fax",)), "unknown mode fax; choose from chat, call"),
        (Profile(modes=()), "give at least one mode: chat, call"),
        (
            Profile(regions=("9000",)),
            "regions are two-digit postcode areas such as 90,91 (not 9000)",
        ),
        (Profile(hours="always"), "hours: 'always' is not like 'mon-fri 09:00-17:00'"),
    ],
)
def test_a_profile_that_cannot_be_right_gets_one_reason(profile: Profile, problem: str) -> None:
    assert profile_problem(profile, choices=CHOICES, taken=TAKEN) == problem


@pytest.mark.parametrize(
    "profile",
    [
        Profile(name=" "),
        Profile(name="LOTTE"),
        Profile(name="42"),
        Profile(name="Lo\ntte"),
        Profile(name="A" * 41),
        Profile(intro="x" * 401),
        Profile(capacity=0),
        Profile(languages=("nl", "xx")),
        Profile(languages=("fr", "ar")),
        Profile(gender="robot"),
        Profile(focus=("cooking",)),
        Profile(modes=("fax",)),
        Profile(modes=()),
        Profile(regions=("9000",)),
        Profile(hours="always"),
    ],
)
def test_every_refusal_has_the_dashboards_words_in_every_language(
    profile: Profile, content: Content
) -> None:
    problem = profile_problem(profile, choices=CHOICES, taken=TAKEN)
    assert problem is not None
    for language in ("nl", "en"):
        assert content.text(language, f"web.problem.{problem.key}")


def test_a_full_profile_within_the_choices_is_right() -> None:
    profile = Profile(
        name="Bram",
        intro="Ik ben Bram.",
        languages=("nl", "ar"),
        gender="man",
        focus=("money",),
        regions=("90",),
        modes=("chat", "call"),
        capacity=3,
        hours="mon-thu 09:00-17:00",
    )
    assert profile_problem(profile, choices=CHOICES, taken=TAKEN) is None


def test_an_empty_gender_or_hours_clears_them_and_is_right() -> None:
    assert profile_problem(Profile(gender="", hours=""), choices=CHOICES, taken=TAKEN) is None


def test_an_away_day_in_the_past_is_refused_and_today_ends_an_absence() -> None:
    today = date(2026, 11, 23)
    assert away_problem(date(2026, 11, 22), today=today) == (
        "2026-11-22 is in the past; give the day they are back, e.g. 2026-11-23"
    )
    assert away_problem(today, today=today) is None


def test_an_unknown_name_is_refused_with_where_to_look() -> None:
    assert pick("Noor", "coach", []) == "no coach 'Noor' (see: klik coach list)"


def test_a_name_two_people_share_lists_them_with_their_ids() -> None:
    sam, other = (
        StaffMember(id=3, role="coach", name="Sam", languages=("nl",)),
        StaffMember(id=7, role="teamlead", name="Sam", languages=("nl",), active=False),
    )
    assert pick("sam", "coach", [sam, other]) == (
        "2 people are called sam; give the id instead:\n"
        "    3  Sam  coach\n"
        "    7  Sam  team lead, deactivated"
    )


def test_a_team_lead_is_not_found_by_a_coach_command() -> None:
    assert pick("Ahmed", "coach", [AHMED]) == "Ahmed is a team lead; use: klik teamlead ..."
    assert pick("2", "teamlead", [AHMED]) == AHMED


def test_a_deactivated_account_gets_no_invite_code() -> None:
    inactive = StaffMember(**{**LOTTE.__dict__, "active": False})
    assert invite_problem(inactive) == (
        "Lotte is deactivated; to let them work again use: klik coach reactivate 1"
    )
    assert invite_problem(LOTTE) is None


def test_a_refusal_names_its_text_key_for_the_dashboard_beside_the_cli_sentence() -> None:
    inactive = StaffMember(**{**LOTTE.__dict__, "active": False})
    problem = invite_problem(inactive)
    assert problem is not None
    assert (problem.key, problem.params) == ("deactivated", {"name": "Lotte"})


def test_a_coach_with_conversations_is_not_removed() -> None:
    assert removal_problem(LOTTE, conversations=2) == (
        "Lotte still has 2 conversation(s); hand them over in Telegram, or put them back in the "
        "queue with: klik coach deactivate 1; then remove"
    )
    assert removal_problem(LOTTE, conversations=0) is None
