"""The team lead's statistics on the dashboard, through the real application and database:
the page in the staff member's language, the CSV and the charts; small groups "< 5"; a coach
refused; every view and export audited; and nobody identifiable anywhere in them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from aiohttp.test_utils import TestClient
from sqlalchemy import select, update

from flows.messages import Inbound
from storage.audit import latest
from storage.db import Database
from storage.models import Staff, Youngster
from tests.bot.dashboard.web import sign_in
from tests.bot.served import Serve
from tests.bot.services.test_appointments import confirmed
from tests.bot.team import AHMED, LOTTE, MONEY_AND_HOME, Team, add
from tests.conftest import Clock

TODAY = "from=2026-11-23&to=2026-11-23"  # the test clock's day
ZWANHILDE = "Zwanhilde Quirijnsdottir"  # a name no text of Klik could hold


def main_of(page: str) -> str:
    """The page's own part: the header names who is signed in, on every page."""
    return page.split("<main>", 1)[1]


async def busy_day(team: Team, db: Database, clock: Clock) -> None:
    """Cases claimed by two coaches, messages both ways, an appointment, a close with its
    "klikte het?" answer, and a case still waiting."""
    await confirmed(team)  # y1: Lotte's, with an appointment
    zwanhilde = await add(db, clock, "c-zwan", role="coach", name=ZWANHILDE, capacity=5)
    team.ids["c-zwan"] = zwanhilde
    for youngster in ("y2", "y3"):
        await team.youngster(youngster, *MONEY_AND_HOME)
        case = await team.case()
        await team.say("c-zwan", Inbound("choice", choice=f"claim:{case.id}"))
        await team.say("c-zwan", Inbound("text", text=f"Hoi, ik ben {ZWANHILDE}"))
        await team.say(youngster, Inbound("text", text="Hoi!"))
    await team.say("c-zwan", Inbound("choice", choice=f"close:{case.id}:goal_reached"))
    await team.say("y3", Inbound("choice", choice="feedback:good"))
    await team.youngster("y4", *MONEY_AND_HOME)


async def pseudonyms(db: Database) -> list[str]:
    async with db.transaction() as session:
        return list((await session.execute(select(Youngster.pseudonym))).scalars())


async def get(client: TestClient, path: str) -> tuple[int, str]:  # type: ignore[type-arg]
    response = await client.get(path)
    return response.status, await response.text()


async def test_a_team_lead_sees_every_table_in_dutch_with_small_groups_as_fewer_than_five(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        status, page = await get(it.client, f"/dashboard/statistics?{TODAY}")
    assert status == 200
    assert "Van start tot coach" in page and "Waar jongeren stoppen" in page
    assert "Klikte het? Antwoorden per week" in page
    assert '<td class="hidden">&lt; 5</td>' in page


async def test_the_page_speaks_english_to_a_team_lead_who_reads_english(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(Staff).where(Staff.id == team.ids[AHMED]).values(languages="en")
        )
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        status, page = await get(it.client, f"/dashboard/statistics?{TODAY}")
    assert status == 200 and "From start to coach" in page and "Download as CSV" in page


async def test_a_coach_is_refused_the_page_the_csv_and_the_charts(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[LOTTE])
        statuses = [
            (await it.client.get(path)).status
            for path in (
                "/dashboard/statistics",
                "/dashboard/statistics.csv",
                "/dashboard/statistics/charts/funnel.svg",
            )
        ]
    assert statuses == [403, 403, 403]


async def test_without_a_targets_file_the_page_says_how_to_write_one(
    serve: Serve, team: Team, db: Database, clock: Clock, tmp_path: Path
) -> None:
    async with serve(targets_file=tmp_path / "targets.yaml") as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        _, page = await get(it.client, "/dashboard/statistics")
    assert "TARGETS_FILE" in page and "docs/targets.example.yaml" in page


async def test_without_a_targets_file_the_page_shows_no_path_on_the_server(
    serve: Serve, team: Team, db: Database, clock: Clock, tmp_path: Path
) -> None:
    async with serve(targets_file=tmp_path / "targets.yaml") as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        _, page = await get(it.client, "/dashboard/statistics")
    assert tmp_path.name not in page and "/targets.yaml" not in page


async def test_a_targets_file_that_is_not_right_is_named_by_its_setting_not_its_path(
    serve: Serve, team: Team, db: Database, clock: Clock, tmp_path: Path
) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text("aims: [", encoding="utf-8")
    async with serve(targets_file=targets) as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        _, page = await get(it.client, "/dashboard/statistics")
    assert "Het doelenbestand (de instelling TARGETS_FILE) klopt niet" in page
    assert tmp_path.name not in page


async def test_a_target_stands_beside_its_figure(
    serve: Serve, team: Team, db: Database, clock: Clock, tmp_path: Path
) -> None:
    targets = tmp_path / "targets.yaml"
    targets.write_text("aims:\n  within_24h: 87\n", encoding="utf-8")
    async with serve(targets_file=targets) as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        _, page = await get(it.client, "/dashboard/statistics")
    assert "doel eerste bericht" in page and "<td>87%</td>" in page
    assert "docs/targets.example.yaml" not in page


async def test_days_that_cannot_be_read_show_the_last_four_weeks_and_say_why(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        status, page = await get(it.client, "/dashboard/statistics?from=gisteren&to=<b>")
    assert status == 200
    assert "Die datums kan ik niet lezen" in page and 'value="2026-10-27"' in page


async def test_a_csv_asked_for_a_year_and_more_is_refused_with_why(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        status, said = await get(
            it.client, "/dashboard/statistics.csv?from=2020-01-01&to=2026-11-23"
        )
    assert status == 400 and said.startswith("Kies hoogstens een jaar")


async def test_the_csv_is_an_attachment_with_the_small_group_hidden(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    await team.youngster("y1", *MONEY_AND_HOME)
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        response = await it.client.get(f"/dashboard/statistics.csv?{TODAY}")
        body = await response.text()
    assert response.status == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="klik-statistics-2026-11-23-2026-11-23.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(body)))
    started = next(r for r in rows if r["table"] == "funnel" and r["row"] == "gestart")
    assert started["value"] == "< 5"


async def test_a_chart_is_an_svg_without_script_under_its_own_narrow_policy(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        response = await it.client.get(f"/dashboard/statistics/charts/funnel.svg?{TODAY}")
        svg = await response.text()
        missing = await it.client.get(f"/dashboard/statistics/charts/nothing.svg?{TODAY}")
    assert response.status == 200 and response.content_type == "image/svg+xml"
    assert "<svg" in svg and "<script" not in svg
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'"
    )
    assert missing.status == 404


async def test_a_chart_with_nobody_to_draw_says_so_in_the_staff_members_words(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        _, svg = await get(it.client, f"/dashboard/statistics/charts/timing.svg?{TODAY}")
    assert "Nog geen cijfers voor deze periode" in svg and "No data" not in svg  # not pygal's


async def test_every_page_view_and_export_is_in_the_audit_log_with_the_period_only(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    async with serve() as it:
        await sign_in(it.client, db, clock, team.ids[AHMED])
        await it.client.get(f"/dashboard/statistics?{TODAY}")
        await it.client.get(f"/dashboard/statistics.csv?{TODAY}")
        _, audit = await get(it.client, "/dashboard/audit")
    async with db.transaction() as session:
        entries = await latest(session, limit=2, staff_id=team.ids[AHMED])
    assert [(e.action, e.detail) for e in entries] == [
        ("statistics_export", "csv:2026-11-23:2026-11-23"),
        ("statistics_view", "2026-11-23:2026-11-23"),
    ]
    assert "statistics_export" in audit and "statistics_view" in audit


async def test_no_coach_name_and_no_pseudonym_appears_in_any_statistic(
    serve: Serve, team: Team, db: Database, clock: Clock
) -> None:
    await busy_day(team, db, clock)
    names = ["Lotte", "Bram", ZWANHILDE, "Zwanhilde", *await pseudonyms(db)]
    shown: list[str] = []
    async with serve() as it:
        for language in ("nl", "en"):
            async with db.transaction() as session:
                await session.execute(
                    update(Staff).where(Staff.id == team.ids[AHMED]).values(languages=language)
                )
            await sign_in(it.client, db, clock, team.ids[AHMED])
            _, page = await get(it.client, f"/dashboard/statistics?{TODAY}")
            shown.append(main_of(page))
            shown.append((await get(it.client, f"/dashboard/statistics.csv?{TODAY}"))[1])
            for chart in sorted(set(page.split('src="/dashboard/statistics/charts/')[1:])):
                status, svg = await get(
                    it.client,
                    "/dashboard/statistics/charts/" + chart.split('"')[0].replace("&amp;", "&"),
                )
                assert status == 200
                shown.append(svg)
    assert len(shown) > 20  # both pages, both CSVs and every chart
    assert [name for name in names if any(name in text for text in shown)] == []
