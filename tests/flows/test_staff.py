"""Rules for coaches and team leads: invite codes and availability."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

from flows.hours import parse_service_hours
from flows.staff import StaffMember, code_digest, is_available, make_invite_code, reads_now
from tests.conftest import BRUSSELS

SERVICE = parse_service_hours("mon-fri 09:00-21:00")
MONDAY_2PM = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
LOTTE = StaffMember(id=1, role="coach", name="Lotte", languages=("nl",), capacity=8)


def test_an_invite_code_is_easy_to_read_aloud() -> None:
    code = make_invite_code(random.Random(5))
    assert re.fullmatch(r"KLIK-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)


def test_a_code_typed_in_lower_case_or_without_dashes_still_matches() -> None:
    assert code_digest("KLIK-7F3K-Q9ZD") == code_digest("klik 7f3k q9zd") == code_digest("7F3KQ9ZD")
    assert code_digest("KLIK-7F3K-Q9ZD") != code_digest("KLIK-7F3K-Q9ZE")


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
