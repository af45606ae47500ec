"""The statistics page in a real browser (Debian's chromium through Playwright) against the
real `klik run` process: a team lead opens it, sees "< 5" for a small group, the charts load
under the dashboard's policy, and the CSV downloads with the same hidden cell; a coach is
refused the page and the CSV; at a phone's width nothing scrolls sideways. Runs on SQLite and
on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import PHONE, browser, shoot
from tests.e2e.test_dashboard_browser_e2e import (
    AHMED,
    LOTTE,
    api,
    signed_in,
    team,
    youngster_waits,
)
from tests.e2e.test_intake_e2e import Klik
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e
__all__ = ["api", "browser"]  # the fixtures, used by name


def base_of(url: str) -> str:
    return url.split("/dashboard")[0]


def charts_drawn(page: Page) -> bool:
    """Whether every chart on the page loaded and was drawn (a refused one has no width)."""
    charts = page.locator("img.chart")
    expect(charts.first).to_be_visible()
    page.wait_for_function("() => Array.from(document.images).every(image => image.complete)")
    drawn = charts.evaluate_all("images => images.map(image => image.naturalWidth > 0)")
    return bool(drawn) and all(drawn)


def test_a_team_lead_sees_a_small_group_as_fewer_than_five_and_downloads_the_csv(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    youngster_waits(api)
    page = signed_in(browser, api, AHMED, accept_downloads=True)
    page.get_by_role("link", name="Cijfers").click()
    expect(page.get_by_role("heading", name="Cijfers", exact=True)).to_be_visible()
    funnel = page.locator("section#funnel table")
    expect(funnel.get_by_role("row", name="gestart")).to_contain_text("< 5")
    assert charts_drawn(page), "a chart did not load under the page's policy"
    shoot(page, "statistics")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download als CSV").click()
    download = downloading.value
    assert download.suggested_filename.startswith("klik-statistics-")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "funnel,Van start tot coach,gestart,mensen,< 5" in text
    assert klik.stop() == 0


def test_a_coach_gets_403_on_the_statistics_page_and_its_csv(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    lotte = signed_in(browser, api, LOTTE)
    base = base_of(lotte.url)
    assert lotte.goto(base + "/dashboard/statistics").status == 403  # type: ignore[union-attr]
    expect(lotte.get_by_text("Deze pagina is niet voor jou.")).to_be_visible()
    expect(lotte.get_by_role("link", name="Cijfers")).to_have_count(0)
    csv = lotte.request.get(base + "/dashboard/statistics.csv")
    assert csv.status == 403 and "< 5" not in csv.text()
    assert klik.stop() == 0


def test_the_statistics_page_does_not_scroll_sideways_on_a_phone(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    youngster_waits(api)
    page = signed_in(browser, api, AHMED, viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(base_of(page.url) + "/dashboard/statistics")
    expect(page.get_by_role("heading", name="Cijfers", exact=True)).to_be_visible()
    assert charts_drawn(page)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], "the statistics page scrolls sideways on a phone"
    shoot(page, "statistics-phone")
    assert klik.stop() == 0
