"""The dashboard in a real browser (Debian's chromium through Playwright) against the real
`klik run` process and the Bot API stand-in: a coach asks /dashboard in Telegram, signs in
with the link, claims from the queue, replies (the youngster gets it in Telegram), adds a
note and a goal; a coach is refused the team-lead pages and another coach's case; a team lead
reads the board; the pages work at a phone's width. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from flows.staff import Profile, make_invite_code
from storage.db import Database
from storage.staff import add_invite, add_profile
from tests.e2e.browser import PHONE, browser, shoot, signed_in
from tests.e2e.test_intake_e2e import Klik
from tests.support.botapi import FakeBotApi

pytestmark = pytest.mark.e2e
__all__ = ["browser"]  # the fixture, used by name

YOUNGSTER, LOTTE, BRAM, AHMED = 7101, 8101, 8102, 8103
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as stand_in:
        stand_in.user(YOUNGSTER, first_name="Jo", username="jo_handle", language_code="nl")
        for user, name in ((LOTTE, "Lotte"), (BRAM, "Bram"), (AHMED, "Ahmed")):
            stand_in.user(user, first_name=name, username=f"{name.lower()}_tg", language_code="nl")
        yield stand_in


async def _add_team(database_url: str) -> dict[int, str]:
    """Lotte and Bram (coaches) and Ahmed (team lead), as `klik coach add` writes them, in
    one transaction (three CLI runs cost seconds each); who works every hour, since the
    process runs on the wall clock. Each one's invite code."""
    db = Database(database_url)
    codes: dict[int, str] = {}
    now = datetime.now(UTC)
    async with db.transaction() as session:
        for user, role, name in (
            (LOTTE, "coach", "Lotte"),
            (BRAM, "coach", "Bram"),
            (AHMED, "teamlead", "Ahmed"),
        ):
            coach = role == "coach"
            profile = Profile(
                name=name,
                languages=("nl",),
                focus=("money", "home") if coach else None,
                capacity=8 if coach else None,
                modes=("chat",) if coach else None,
                hours="mon-sun 00:00-24:00",
            )
            staff = await add_profile(session, role=role, profile=profile, now=now)
            assert staff.id is not None
            codes[user] = make_invite_code(random.SystemRandom())
            await add_invite(session, staff_id=staff.id, code=codes[user], now=now)
    await db.close()
    return codes


def team(api: FakeBotApi, klik: Klik, database_url: str) -> None:
    """Lotte and Bram (coaches) and Ahmed (team lead), linked in Telegram, klik running."""
    # In a thread of its own: Playwright's sync API runs an event loop in this one.
    with ThreadPoolExecutor(1) as apart:
        codes = apart.submit(asyncio.run, _add_team(database_url)).result()
    klik.start()
    assert api.wait_until_polling(timeout=30)
    for user, code in codes.items():
        api.send_command(user, f"/coach {code}")
        api.wait_for_message(user, contains="Welkom", timeout=20)


def youngster_waits(api: FakeBotApi) -> None:
    api.send_command(YOUNGSTER, "/start")
    consent = api.wait_for_message(YOUNGSTER, contains="Is dat oké voor jou?", timeout=20)
    api.tap(YOUNGSTER, consent["message_id"], text="👍 Oké, we beginnen")
    age = api.wait_for_message(YOUNGSTER, contains="Hoe oud ben je?", timeout=20)
    api.tap(YOUNGSTER, age["message_id"], text="16 - 17")
    opener = api.wait_for_message(YOUNGSTER, contains="Vraag 1 van 6", timeout=20)
    api.tap(YOUNGSTER, opener["message_id"], text="💬 Ik wil gewoon met iemand praten")
    api.wait_for_message(YOUNGSTER, contains="Je staat in de wachtrij ✅", timeout=20)


def lotte_in(browser: Browser, api: FakeBotApi, **context: object) -> Page:
    return signed_in(browser, api, LOTTE, shot="sign-in", **context)


def claim_first(page: Page) -> None:
    page.goto(page.url.split("/dashboard")[0] + "/dashboard/queue")
    page.get_by_role("button", name="Opnemen").first.click()
    expect(page.get_by_text("Het gesprek is van jou")).to_be_visible()


def test_a_coach_signs_in_claims_from_the_queue_and_the_youngster_gets_the_reply(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    youngster_waits(api)
    page = lotte_in(browser, api)
    expect(page.get_by_role("heading", name="Wachtrij")).to_be_visible()
    shoot(page, "queue")
    page.get_by_role("button", name="Opnemen").first.click()
    expect(page.get_by_text("Het gesprek is van jou")).to_be_visible()
    page.get_by_label("Antwoord").fill("Hoi, ik ben Lotte. Waar kan ik je mee helpen?")
    page.get_by_role("button", name="Versturen").click()
    api.wait_for_message(YOUNGSTER, contains="Waar kan ik je mee helpen?", timeout=20)
    api.send_text(YOUNGSTER, "Ik heb schulden")
    expect(page.locator("#history")).to_contain_text("Ik heb schulden", timeout=20_000)
    for secret in ("jo_handle", str(YOUNGSTER), "Jo "):  # the youngster's Telegram identity
        assert secret not in page.content()
    assert klik.stop() == 0


def test_a_coach_adds_a_note_and_a_goal_and_ticks_the_goal(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    youngster_waits(api)
    page = lotte_in(browser, api)
    claim_first(page)
    page.get_by_placeholder("Nieuwe notitie").fill("Praat liever 's avonds")
    page.locator("form.add", has=page.get_by_placeholder("Nieuwe notitie")).get_by_role(
        "button", name="Toevoegen"
    ).click()
    page.get_by_placeholder("Nieuwe stap").fill("Bel de schuldhulp")
    page.locator("form.add", has=page.get_by_placeholder("Nieuwe stap")).get_by_role(
        "button", name="Toevoegen"
    ).click()
    expect(page.locator(".notes")).to_contain_text("Praat liever 's avonds")
    page.get_by_role("button", name="Gedaan").click()
    expect(page.locator(".goals li.done")).to_contain_text("Bel de schuldhulp")
    assert klik.stop() == 0


def test_a_coach_is_refused_the_team_lead_pages_and_another_coachs_case(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    youngster_waits(api)
    lotte = lotte_in(browser, api)
    claim_first(lotte)
    case_url = lotte.url.split("?")[0]
    bram = signed_in(browser, api, BRAM)
    assert bram.goto(case_url).status == 403  # type: ignore[union-attr]
    expect(bram.get_by_text("Deze pagina is niet voor jou.")).to_be_visible()
    base = case_url.split("/dashboard")[0]
    for path in ("/dashboard/board", "/dashboard/staff", "/dashboard/audit"):
        assert bram.goto(base + path).status == 403  # type: ignore[union-attr]
    ahmed = signed_in(browser, api, AHMED)
    expect(ahmed.get_by_role("heading", name="Overzicht")).to_be_visible()
    shoot(ahmed, "board")
    ahmed.goto(base + "/dashboard/staff")
    shoot(ahmed, "staff")
    ahmed.goto(base + "/dashboard/audit")
    expect(ahmed.locator("table.audit")).to_contain_text("view")
    shoot(ahmed, "audit")
    assert klik.stop() == 0


def test_the_pages_work_at_a_phones_width(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    youngster_waits(api)
    page = lotte_in(browser, api, viewport=PHONE, is_mobile=True, has_touch=True)
    expect(page.get_by_role("button", name="Opnemen").first).to_be_in_viewport()
    shoot(page, "queue-phone")
    claim_first(page)
    page.get_by_label("Antwoord").fill("Hoi!")
    page.get_by_role("button", name="Versturen").click()
    api.wait_for_message(YOUNGSTER, contains="Hoi!", timeout=20)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], "the case page scrolls sideways on a phone"
    shoot(page, "case-phone")
    assert klik.stop() == 0


def test_a_coach_proposes_an_appointment_on_the_case_page_and_the_youngster_gets_it(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    youngster_waits(api)
    page = lotte_in(browser, api)
    claim_first(page)
    page.get_by_label("Antwoord").fill("Hoi, ik ben Lotte. Zullen we eens videobellen?")
    page.get_by_role("button", name="Versturen").click()
    api.wait_for_message(YOUNGSTER, contains="Zullen we eens videobellen?", timeout=20)
    api.send_text(YOUNGSTER, "Ja, graag")
    expect(page.locator("#history")).to_contain_text("Ja, graag", timeout=20_000)
    page.get_by_label("Soort afspraak").select_option("video")
    page.get_by_label("Of typ het, bv. morgen 15u").first.fill("morgen 15u")
    page.get_by_label("Link (bij video)").fill("https://meet.example.org/lotte")
    page.get_by_role("button", name="Voorstellen").click()
    expect(page.get_by_text("Voorstel verstuurd.")).to_be_visible()
    proposed = api.wait_for_message(YOUNGSTER, contains="stelt een afspraak voor", timeout=20)
    assert "https://meet.example.org/lotte" in proposed["text"] and "15:00" in proposed["text"]
    api.tap(YOUNGSTER, proposed["message_id"], text="✅ Past")
    api.wait_for_message(YOUNGSTER, contains="Top, afgesproken met Lotte", timeout=20)
    page.reload()
    expect(page.locator("ul.appointments")).to_contain_text("afgesproken")
    shoot(page, "case")
    page.goto(page.url.split("/dashboard")[0] + "/dashboard/cases")
    expect(page.get_by_text("Volgende afspraak:")).to_be_visible()
    assert klik.stop() == 0


def test_a_colleague_accepts_a_hand_over_on_the_web(
    api: FakeBotApi, klik: Klik, database_url: str, tmp_path: Path, browser: Browser
) -> None:
    team(api, klik, database_url)
    youngster_waits(api)
    lotte = lotte_in(browser, api)
    claim_first(lotte)
    lotte.get_by_label("Aan collega").select_option(label="Bram")
    lotte.get_by_role("button", name="Overdragen").click()
    expect(lotte.get_by_text("Je collega krijgt de vraag")).to_be_visible()
    bram = signed_in(browser, api, BRAM)
    bram.goto(bram.url.split("/dashboard")[0] + "/dashboard/cases")
    expect(bram.get_by_text("Lotte vraagt of jij")).to_be_visible()
    bram.get_by_role("button", name="🤝 Ik neem het over").click()
    expect(bram.get_by_text("Het gesprek is nu van jou.")).to_be_visible()
    api.wait_for_message(YOUNGSTER, contains="geeft het stokje door aan Bram", timeout=20)
    expect(bram.get_by_label("Antwoord")).to_be_visible()
    assert klik.stop() == 0
