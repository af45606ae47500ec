"""Debian's chromium driven by Playwright for the dashboard's browser tests. Playwright's own
browser download cannot work here, so the tests launch /usr/bin/chromium; where it (or
Playwright) is missing they skip with a plain reason, and with KLIK_REQUIRE_CHROMIUM=1 (CI)
that skip is a failure, as KLIK_REQUIRE_POSTGRES does for PostgreSQL."""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.support.botapi import FakeBotApi

CHROMIUM = Path(os.environ.get("KLIK_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_CHROMIUM = os.environ.get("KLIK_REQUIRE_CHROMIUM") == "1"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/dashboard/in/[A-Za-z0-9_-]+)")
# Where screenshots of the main pages go when asked (docs/screenshots/ holds the last ones).
SHOTS = os.environ.get("KLIK_SCREENSHOTS")


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.is_file():
        return f"chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    return None


@pytest.fixture
def browser() -> Iterator[Browser]:
    reason = missing()
    if reason is not None:
        if REQUIRE_CHROMIUM:
            pytest.fail(f"{reason}; KLIK_REQUIRE_CHROMIUM=1 asks for the browser tests")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield launched
        launched.close()


def shoot(page: Page, name: str) -> None:
    """A screenshot of the page, when KLIK_SCREENSHOTS names a folder."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def dashboard_link(api: FakeBotApi, user: int) -> str:
    """/dashboard in Telegram, and the link it answers with."""
    before = len(api.messages(user))
    api.send_command(user, "/dashboard")
    api.wait_for(
        lambda a: any("/dashboard/in/" in m.get("text", "") for m in a.messages(user)[before:]),
        timeout=20,
    )
    said = next(
        m["text"] for m in api.messages(user)[before:] if "/dashboard/in/" in m.get("text", "")
    )
    found = LINK.search(said)
    assert found, said
    return found.group(1)


def signed_in(
    browser: Browser, api: FakeBotApi, user: int, *, shot: str = "", **context: object
) -> Page:
    """The one way every browser test signs in: /dashboard in Telegram, the link opened in a
    fresh context (its own cookies; `context`: a phone's viewport), the button pressed.
    `shot`: a screenshot of the sign-in page under that name."""
    page = browser.new_context(**context).new_page()  # type: ignore[arg-type]
    page.goto(dashboard_link(api, user))
    if shot:
        shoot(page, shot)
    page.get_by_role("button", name="Inloggen").click()
    return page
