"""Rendering: words from content/, dates in words with Babel, help lines per country."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.render import Renderer
from flows.content import Content
from flows.intake import IntakeFlow
from flows.messages import HelpLines, Inbound, Outbound, Ref, When
from tests.conftest import BRUSSELS

DEADLINE = When(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))
NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)


def test_a_deadline_is_told_in_dutch_words_in_brussels_time(renderer: Renderer) -> None:
    assert renderer.param(DEADLINE, "nl") == "dinsdag 24 november om 14:00"


def test_a_deadline_is_told_in_english_words(renderer: Renderer) -> None:
    assert renderer.param(DEADLINE, "en") == "Tuesday 24 November at 14:00"


def test_summer_time_is_respected(renderer: Renderer) -> None:
    july = When(datetime(2026, 7, 7, 12, 0, tzinfo=UTC))
    assert renderer.param(july, "nl") == "dinsdag 7 juli om 14:00"


def test_belgian_crisis_lines_include_112_and_1813(renderer: Renderer) -> None:
    text = renderer.param(HelpLines("crisis"), "nl")
    assert "112" in text and "1813" in text and "102" in text


def test_dutch_crisis_lines_include_113_and_the_kindertelefoon(content: Content) -> None:
    dutch = Renderer(content, timezone=BRUSSELS, country="NL")
    text = dutch.param(HelpLines("crisis"), "nl")
    assert "113" in text and "0800-0432" in text and "1813" not in text


def test_under_age_referral_points_to_awel_in_belgium(renderer: Renderer) -> None:
    assert "Awel" in renderer.param(HelpLines("under_age"), "nl")


def test_a_reference_can_name_its_own_language(renderer: Renderer) -> None:
    assert renderer.ref(Ref("language.name", language="en"), "nl") == "🇬🇧 English"


def test_buttons_are_rendered_with_their_data(renderer: Renderer) -> None:
    from flows.messages import Button

    message = Outbound("age.ask", buttons=((Button(Ref("age.skip"), "age:skip"),),))
    assert renderer.render(message, "en").buttons == ((("Rather not say", "age:skip"),),)


def test_match_reasons_read_as_one_line_in_words(renderer: Renderer) -> None:
    from datetime import timedelta

    from flows.matching import CoachProfile, WaitingCase, suggest
    from flows.messages import Joined

    queued = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
    case = WaitingCase(
        case_id=1,
        urgent=False,
        queued_at=queued,
        deadline=queued + timedelta(days=1),
        language="nl",
        checkins={"money": 1, "home": 2, "health": 5},
        coach_language="en",
    )
    lotte = CoachProfile(
        coach_id=7,
        name="Lotte",
        languages=("nl", "en"),
        focus=("money", "home"),
        capacity=8,
        active_cases=3,
        available=True,
    )
    (best,) = suggest(case, [lotte])
    assert (
        renderer.param(Joined(best.reasons), "nl")
        == "spreekt Engels, focus geld en thuis, 3 van 8 plaatsen bezet"
    )
    assert (
        renderer.param(Joined(best.reasons), "en")
        == "speaks English, focus on money and home, 3 of 8 places taken"
    )


@pytest.mark.parametrize(
    ("country", "language", "named", "not_named"),
    [
        ("BE", "nl", "niet het OCMW en niet de VDAB", "UWV"),
        ("NL", "nl", "niet het UWV en niet de sociale dienst", "OCMW"),
        ("BE", "en", "not the OCMW (social welfare) and not the VDAB (job centre)", "UWV"),
        ("NL", "en", "not the UWV and not the municipality's benefits office", "OCMW"),
    ],
)
def test_the_welcome_names_the_offices_of_the_service_s_own_country(
    content: Content, flow: IntakeFlow, country: str, language: str, named: str, not_named: str
) -> None:
    welcome = flow.handle(None, Inbound("start", language_hint=language), NOW).outbound[0]
    text = Renderer(content, timezone=BRUSSELS, country=country).render(welcome, language).text
    assert named in text and not_named not in text
