"""The web chat in a real browser (Debian's chromium through Playwright) against the real
`klik run` process: a youngster does the intake on /chat and waits in the queue, a coach
claims on the dashboard and they talk both ways live; the quick exit leaves no chat in the
history; a message typed while offline arrives once; a text longer than one message reaches
the coach whole, one larger than the chat takes stays in the box with the reason (offline
too), one the chat refuses goes back into it. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.e2e.browser import browser, shoot
from tests.e2e.test_dashboard_browser_e2e import LOTTE, api, claim_first, signed_in, team
from tests.e2e.test_intake_e2e import Klik
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e
__all__ = ["api", "browser"]  # the fixtures, used by name

PHONE = {"width": 360, "height": 740}
EXIT = "https://www.google.com/"


def chat_url(klik: Klik) -> str:
    return f"http://127.0.0.1:{klik.port}/chat?lang=nl"


def neutral_site(route: Route) -> None:
    """The browser has no network: the quick exit's site answers from here."""
    route.fulfill(status=200, content_type="text/html", body="<title>Google</title>zoeken")


def youngster_in_queue(browser: Browser, klik: Klik, **context: object) -> Page:
    page = browser.new_context(**context).new_page()  # type: ignore[arg-type]
    page.goto(chat_url(klik))
    page.get_by_role("button", name="Start de chat").click()
    page.get_by_role("button", name="👍 Oké, we beginnen").click()
    page.get_by_role("button", name="16 - 17").click()
    # The age question has a 💬 too: wait for the next question, whose 💬 is the one to tap.
    expect(page.locator("#log")).to_contain_text("Vraag 1 van 6", timeout=20_000)
    page.get_by_role("button", name="💬 Ik wil gewoon met iemand praten").click()
    expect(page.locator("#log")).to_contain_text("Je staat in de wachtrij ✅", timeout=20_000)
    return page


def talking(
    api: FakeBotApi, klik: Klik, database_url: str, browser: Browser, **context: object
) -> tuple[Page, Page]:
    """A youngster in the queue on the web, and Lotte on the dashboard, who claimed the case."""
    team(api, klik, database_url)
    youngster = youngster_in_queue(browser, klik, **context)
    coach = signed_in(browser, api, LOTTE)
    claim_first(coach)
    return youngster, coach


def test_a_youngster_on_the_web_talks_live_with_a_coach_on_the_dashboard(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    youngster, coach = talking(
        api, klik, database_url, browser, viewport=PHONE, is_mobile=True, has_touch=True
    )
    coach.get_by_label("Antwoord").fill("Hoi, ik ben Lotte. Waar kan ik je mee helpen?")
    coach.get_by_role("button", name="Versturen").click()
    expect(youngster.locator("#log")).to_contain_text("Waar kan ik je mee helpen?", timeout=20_000)
    expect(youngster.locator("#log")).to_contain_text("Lotte (coach)")
    youngster.get_by_placeholder("Typ je bericht").fill("Ik heb schulden")
    youngster.get_by_role("button", name="Stuur").click()
    expect(coach.locator("#history")).to_contain_text("Ik heb schulden", timeout=20_000)
    wide = youngster.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], "the chat scrolls sideways on a phone"
    shoot(youngster, "chat-phone")
    shoot(coach, "chat-coach")
    assert klik.stop() == 0


def test_the_quick_exit_leaves_no_chat_in_the_history(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    page = youngster_in_queue(browser, klik)
    page.context.route("https://www.google.com/**", neutral_site)
    before = f"http://127.0.0.1:{klik.port}/healthz"
    page.goto(before)
    page.goto(chat_url(klik))
    expect(page.locator("#log")).to_contain_text("Je staat in de wachtrij ✅", timeout=20_000)
    page.get_by_role("button", name="Snel weg").click()
    page.wait_for_url(EXIT)
    page.go_back()
    assert "/chat" not in page.url
    assert page.url == before
    assert klik.stop() == 0


def test_the_escape_key_is_a_quick_exit_too(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    page = youngster_in_queue(browser, klik)
    page.context.route("https://www.google.com/**", neutral_site)
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT)
    assert klik.stop() == 0


def test_a_message_typed_while_offline_reaches_the_coach_once(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    youngster, coach = talking(api, klik, database_url, browser)
    coach.get_by_label("Antwoord").fill("Hoi, ik ben Lotte.")
    coach.get_by_role("button", name="Versturen").click()
    expect(youngster.locator("#log")).to_contain_text("Hoi, ik ben Lotte.", timeout=20_000)
    youngster.context.set_offline(True)
    youngster.get_by_placeholder("Typ je bericht").fill("Getypt zonder verbinding")
    youngster.get_by_role("button", name="Stuur").click()
    expect(youngster.locator("#notice")).to_contain_text("Geen verbinding", timeout=10_000)
    youngster.context.set_offline(False)
    expect(coach.locator("#history")).to_contain_text("Getypt zonder verbinding", timeout=30_000)
    coach.reload()
    assert coach.locator("#history").inner_text().count("Getypt zonder verbinding") == 1
    assert klik.stop() == 0


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_a_text_larger_than_the_chat_takes_stays_in_the_box_with_the_reason(
    offline: bool,
    api: FakeBotApi,
    klik: Klik,
    database_url: str,
    tmp_path: Path,
    browser: Browser,
) -> None:
    team(api, klik, database_url)
    youngster = youngster_in_queue(browser, klik)
    youngster.context.set_offline(offline)
    pasted = "Dit is veel te veel tekst. " * 3000  # 81,000 characters: over the 64 KB limit
    box = youngster.get_by_placeholder("Typ je bericht")
    box.fill(pasted)
    youngster.get_by_role("button", name="Stuur").click()
    expect(youngster.locator("#notice")).to_contain_text(
        "Je bericht is te lang om in één keer te sturen. Het staat nog in het tekstvak"
    )
    youngster.context.set_offline(False)
    expect(youngster.locator("#log")).not_to_contain_text("veel te veel")
    assert box.input_value() == pasted
    # Not kept to be sent on reconnect either: it would only be refused then.
    assert youngster.evaluate("sessionStorage.getItem('klik-chat-pending') || '[]'") == "[]"
    assert klik.stop() == 0


def test_a_text_longer_than_one_message_reaches_the_coach_to_its_last_word(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    youngster, coach = talking(api, klik, database_url, browser)
    typed = "Op school gaat het wel 👍🏽 maar thuis is het druk. " * 200 + "Dat was alles."
    youngster.get_by_placeholder("Typ je bericht").fill(typed)  # 10,014 characters
    youngster.get_by_role("button", name="Stuur").click()
    expect(coach.locator("#history")).to_contain_text("druk. Dat was alles.", timeout=30_000)
    assert klik.stop() == 0


def test_a_text_the_chat_refuses_goes_back_into_the_box(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    youngster = youngster_in_queue(browser, klik)
    slow_down = "Even rustig aan: je stuurt veel na elkaar. Wacht een minuutje."
    # The chat's own answer to a 41st message in a minute, for every message from now on.
    youngster.route(
        "**/chat/send?*", lambda route: route.fulfill(status=429, json={"notice": slow_down})
    )
    box = youngster.get_by_placeholder("Typ je bericht")
    box.fill("Dit mag niet verloren gaan")
    youngster.get_by_role("button", name="Stuur").click()
    expect(youngster.locator("#notice")).to_contain_text(slow_down)
    expect(box).to_have_value("Dit mag niet verloren gaan")
    expect(youngster.locator("#log")).not_to_contain_text("Dit mag niet verloren gaan")
    assert klik.stop() == 0
