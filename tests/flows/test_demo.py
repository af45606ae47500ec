"""Local mode's demo accounts as a rule: what they are, and what an account found under a demo
name means."""

from __future__ import annotations

from flows.content import Content
from flows.demo import DemoAccount, demo_accounts, demo_member
from flows.staff import StaffMember


def coach_of(content: Content) -> DemoAccount:
    return demo_accounts(content.texts["nl"], ("nl", "en"))[0]


def test_the_demo_accounts_are_a_coach_and_a_team_lead_named_in_dutch_content(
    content: Content,
) -> None:
    accounts = demo_accounts(content.texts["nl"], ("nl", "en"))
    assert [(a.role, a.name) for a in accounts] == [
        ("coach", "Demo coach"),
        ("teamlead", "Demo teamleider"),
    ]


def test_the_demo_coach_speaks_every_offered_language_and_has_room_for_eight(
    content: Content,
) -> None:
    profile = coach_of(content).profile
    assert (profile.languages, profile.capacity, profile.modes) == (("nl", "en"), 8, ("chat",))


def test_no_account_under_the_name_means_it_is_still_to_be_made(content: Content) -> None:
    assert demo_member(coach_of(content), []) is None


def test_an_active_account_under_the_name_is_the_one_that_gets_a_link(content: Content) -> None:
    found = StaffMember(id=3, role="coach", name="Demo coach", languages=("nl",))
    assert demo_member(coach_of(content), [found]) == found


def test_a_deactivated_account_under_the_name_gets_a_line_how_to_reactivate(
    content: Content,
) -> None:
    found = StaffMember(id=3, role="coach", name="Demo coach", languages=("nl",), active=False)
    assert demo_member(coach_of(content), [found]) == (
        "Demo coach is deactivated; to let them work again use: klik coach reactivate 3"
    )


def test_a_team_lead_under_the_coach_s_name_gets_a_line_and_is_not_used(content: Content) -> None:
    found = StaffMember(id=4, role="teamlead", name="Demo coach", languages=("nl",))
    assert demo_member(coach_of(content), [found]) == (
        "Demo coach is a team lead; use: klik teamlead ..."
    )
