"""The 24-hour guard's rules: when each step is due and whom it reaches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.render import Renderer
from flows.content import Content
from flows.hours import parse_service_hours
from flows.intake import IntakeFlow
from flows.matching import WaitingCase
from flows.queue import may_claim
from flows.sla import promise, service_time_left, time_left, who_to_remind
from flows.state import Rules
from tests.flows.chat import Chat
from tests.flows.coaches import coach

BRUSSELS = ZoneInfo("Europe/Brussels")


def rules(hours: str = "mon-fri 09:00-21:00", promise_hours: int = 24) -> Rules:
    return Rules(promise_hours, 12, BRUSSELS, parse_service_hours(hours))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Brussels time from Monday 23 to Monday 30 November 2026, and Tuesday 1 December."""
    return datetime(2026, 12 if day == 1 else 11, day, hour, minute, tzinfo=BRUSSELS)


QUEUED = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
CASE = WaitingCase(
    case_id=1,
    urgent=False,
    queued_at=QUEUED,
    deadline=QUEUED + timedelta(hours=24),
    language="nl",
    checkins={"money": 1},
)


TEAM = [coach(1), coach(2), coach(3, available=False), coach(4, active=4)]


# A whole week with the default hours, mon-fri 09:00-21:00: 12 open hours a day, so the
# 24-hour promise is two working days of open time, and nights and weekends do not count.
WEEK = [
    pytest.param(at(23, 7), at(24, 21), id="monday morning before opening"),
    pytest.param(at(23, 9), at(24, 21), id="monday at opening"),
    pytest.param(at(23, 14), at(25, 14), id="monday afternoon"),
    pytest.param(at(23, 20, 59), at(25, 20, 59), id="monday a minute before closing"),
    pytest.param(at(23, 21), at(25, 21), id="monday at closing"),
    pytest.param(at(23, 23, 30), at(25, 21), id="monday late evening"),
    pytest.param(at(24, 3), at(25, 21), id="tuesday night"),
    pytest.param(at(24, 12, 30), at(26, 12, 30), id="tuesday lunchtime"),
    pytest.param(at(25, 10), at(27, 10), id="wednesday morning"),
    pytest.param(at(25, 22), at(27, 21), id="wednesday evening after closing"),
    pytest.param(at(26, 10), at(30, 10), id="thursday morning: over the weekend"),
    pytest.param(at(26, 20, 30), at(30, 20, 30), id="thursday just before closing"),
    pytest.param(at(26, 23), at(30, 21), id="thursday night"),
    pytest.param(at(27, 8), at(30, 21), id="friday before opening"),
    pytest.param(at(27, 14), at(1, 14), id="friday afternoon"),
    pytest.param(at(27, 20, 59), at(1, 20, 59), id="friday a minute before closing"),
    pytest.param(at(27, 22, 30), at(1, 21), id="friday 22:30"),
    pytest.param(at(28, 12), at(1, 21), id="saturday noon"),
    pytest.param(at(29, 23, 59), at(1, 21), id="sunday just before midnight"),
]


@pytest.mark.parametrize(("queued", "deadline"), WEEK)
def test_the_deadline_is_24_open_hours_after_queueing(queued: datetime, deadline: datetime) -> None:
    assert promise(queued, rules()).deadline == deadline


def test_the_deadline_is_the_same_moment_whatever_zone_the_clock_gives() -> None:
    friday_night_utc = datetime(2026, 11, 27, 21, 30, tzinfo=UTC)  # 22:30 in Brussels
    assert promise(friday_night_utc, rules()).deadline == at(1, 21)


@pytest.mark.parametrize(
    ("hours", "promise_hours", "deadline"),
    [
        pytest.param("mon-sun 00:00-24:00", 24, at(28, 22, 30), id="open day and night: +24 h"),
        pytest.param(
            "mon-fri 09:00-21:00, sat-sun 10:00-16:00", 24, at(30, 21), id="weekend cover"
        ),
        pytest.param("mon-fri 09:00-21:00", 12, at(30, 21), id="a promise of one working day"),
    ],
)
def test_friday_night_with_other_hours_and_promises(
    hours: str, promise_hours: int, deadline: datetime
) -> None:
    assert promise(at(27, 22, 30), rules(hours, promise_hours)).deadline == deadline


def test_open_day_and_night_the_ladder_is_every_six_hours() -> None:
    assert promise(at(27, 22, 30), rules("mon-sun 00:00-24:00")).steps == (
        ("remind_suggested", at(28, 4, 30)),
        ("remind_available", at(28, 10, 30)),
        ("alert_teamleads", at(28, 16, 30)),
        ("tell_youngster", at(28, 22, 30)),
    )


@pytest.mark.parametrize(
    ("queued", "steps"),
    [
        pytest.param(
            at(23, 14),
            (at(23, 20), at(24, 14), at(24, 20), at(25, 14)),
            id="monday afternoon",
        ),
        pytest.param(
            at(26, 10), (at(26, 16), at(27, 10), at(27, 16), at(30, 10)), id="thursday morning"
        ),
        pytest.param(
            # Half of the open time runs out at Monday's closing; that reminder waits for
            # Tuesday's opening, when coaches can read it.
            at(27, 22, 30),
            (at(30, 15), at(1, 9), at(1, 15), at(1, 21)),
            id="friday 22:30",
        ),
    ],
)
def test_the_ladder_is_a_quarter_half_and_three_quarters_of_the_open_time_and_the_deadline(
    queued: datetime, steps: tuple[datetime, ...]
) -> None:
    names = ("remind_suggested", "remind_available", "alert_teamleads", "tell_youngster")
    assert promise(queued, rules()).steps == tuple(zip(names, steps, strict=True))


@pytest.mark.parametrize(
    ("hours", "said"),
    [
        (
            "mon-fri 09:00-21:00",
            "Een coach reageert hier in deze chat, binnen 24 uur. "
            "Alleen de uren dat we open zijn tellen mee.",
        ),
        ("mon-sun 00:00-24:00", "Een coach reageert hier in deze chat, binnen 24 uur.\n"),
    ],
)
def test_the_welcome_says_whether_only_open_hours_count(
    content: Content, renderer: Renderer, hours: str, said: str
) -> None:
    chat = Chat(IntakeFlow(content, rules(hours)), renderer, at(27, 22, 30))
    assert said in renderer.render(chat.start().outbound[0], "nl").text


def test_time_left_is_never_negative() -> None:
    assert time_left(QUEUED, QUEUED + timedelta(hours=1)) == timedelta(0)


@pytest.mark.parametrize(
    ("now", "left"),
    [
        pytest.param(at(23, 14), 24, id="just queued: the whole promise"),
        pytest.param(at(23, 23), 17, id="that night: only the open evening hours are gone"),
        pytest.param(at(25, 14), 0, id="at the deadline"),
        pytest.param(at(25, 22), -7, id="overdue: the closed evening adds nothing"),
        pytest.param(at(26, 10), -8, id="overdue by the open hours since the deadline"),
    ],
)
def test_service_time_left_counts_open_hours_and_goes_negative_once_overdue(
    now: datetime, left: int
) -> None:
    deadline = promise(at(23, 14), rules()).deadline  # wednesday 14:00
    assert service_time_left(deadline, now, rules()) == timedelta(hours=left)


@pytest.mark.parametrize(
    ("rung", "offered", "reached"),
    [
        ("remind_suggested", {2, 3, 4}, [2]),  # told before, and still available with room
        ("remind_suggested", set(), []),
        ("remind_available", set(), [1, 2]),  # never the away coach (3) or the full one (4)
        ("alert_teamleads", {1, 2}, [90, 91]),
        ("tell_youngster", {1, 2}, []),
    ],
)
def test_each_step_reaches_the_right_people(
    rung: str, offered: set[int], reached: list[int]
) -> None:
    notices = who_to_remind(rung, CASE, TEAM, [90, 91], frozenset(offered))
    assert sorted(n.staff_id for n in notices) == reached


@pytest.mark.parametrize(
    ("role", "capacity", "active", "allowed"),
    [("coach", 4, 3, True), ("coach", 4, 4, False), ("teamlead", 0, 5, True)],
)
def test_a_coach_claims_only_below_capacity_and_a_team_lead_always(
    role: str, capacity: int, active: int, allowed: bool
) -> None:
    assert may_claim(role, capacity, active) is allowed
