"""/dashboard in Telegram: the link, or why there is none."""

from __future__ import annotations

from flows.coaching.dashboard import sign_in_link
from flows.coaching.effects import Reply


def test_the_link_is_said_with_its_minutes() -> None:
    outcome = sign_in_link("http://127.0.0.1:8080/dashboard/in/abc")
    (sent,) = outcome.sends
    assert isinstance(sent, Reply)
    assert sent.messages[0].key == "dashboard.link"
    assert sent.messages[0].params == {
        "url": "http://127.0.0.1:8080/dashboard/in/abc",
        "minutes": 10,
    }


def test_without_an_address_for_the_dashboard_there_is_no_link() -> None:
    (sent,) = sign_in_link(None).sends
    assert isinstance(sent, Reply) and sent.messages[0].key == "dashboard.unreachable"


def test_nothing_changes_when_a_link_is_asked() -> None:
    assert sign_in_link("http://x/dashboard/in/abc").changes == ()
