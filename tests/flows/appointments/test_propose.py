"""The dashboard's proposal form read into a Draft by the same rules as /afspraak, or why
not; nothing is drafted without a moment still to come."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.appointments.facts import AppointmentRules, Draft
from flows.appointments.propose import planned
from flows.case import CLOSED
from tests.conftest import BRUSSELS
from tests.flows.coaching.people import bram, case, lotte

NOW = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # Monday 14:00 in Brussels
RULES = AppointmentRules(BRUSSELS)
TUESDAY_3PM = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


def test_a_date_time_field_is_read_on_the_wall_clock_of_the_service() -> None:
    made = planned(lotte(), case(), {"mode": "chat", "at": "2026-11-24T15:00"}, NOW, RULES)
    assert made == Draft(7, "chat", starts_at=TUESDAY_3PM)


def test_typed_words_are_read_as_after_afspraak() -> None:
    made = planned(lotte(), case(), {"mode": "call", "words": "morgen 15u"}, NOW, RULES)
    assert isinstance(made, Draft) and made.starts_at == TUESDAY_3PM


def test_a_link_is_kept_for_video_and_a_place_for_meeting_up() -> None:
    asked = {"at": "2026-11-24T15:00", "link": "https://meet.example.org/x", "place": "Gent"}
    video = planned(lotte(), case(), {**asked, "mode": "video"}, NOW, RULES)
    meet = planned(lotte(), case(), {**asked, "mode": "meet"}, NOW, RULES)
    assert isinstance(video, Draft) and (video.link, video.place) == (asked["link"], "")
    assert isinstance(meet, Draft) and (meet.link, meet.place) == ("", "Gent")


@pytest.mark.parametrize(
    ("asked", "why"),
    [
        ({"mode": "chat", "words": "ooit"}, "not_understood"),
        ({"mode": "chat"}, "not_understood"),
        ({"mode": "chat", "at": "24/11 15u"}, "not_understood"),
        ({"mode": "chat", "at": "2026-11-23T09:00"}, "past"),
        ({"mode": "fax", "at": "2026-11-24T15:00"}, "unknown"),
        ({"mode": "video", "at": "2026-11-24T15:00", "link": "javascript:x"}, "link"),
    ],
)
def test_a_form_that_names_no_moment_to_come_is_refused_with_why(
    asked: dict[str, str], why: str
) -> None:
    assert planned(lotte(), case(), asked, NOW, RULES) == why


def test_only_the_coach_of_the_case_proposes() -> None:
    assert planned(bram(), case(), {"mode": "chat", "words": "morgen 15u"}, NOW, RULES) == (
        "unknown"
    )


def test_a_closed_case_takes_no_proposal() -> None:
    asked = {"mode": "chat", "words": "morgen 15u"}
    assert planned(lotte(), case(CLOSED), asked, NOW, RULES) == "stale"
