"""The team lead's statistics: the figures of a period as HTML tables in the staff member's
language, each beside its chart (an SVG drawn on the server, served from this origin), and
the same figures as one CSV download. A coach gets 403. Aggregates only, small groups
"< 5" (storage/statistics.py); every page view and every CSV is an audit entry with the
period, never a figure."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.dashboard.pages import page
from bot.dashboard.pages import words as words_of
from bot.dashboard.session import Viewer, desk_of, lead
from bot.process.keys import CLOCK, CONTENT, DATABASE, SETTINGS
from bot.process.statistics_export import Words, as_csv, chart
from bot.process.stats_cli import load_targets
from flows.statistics.cells import HIDDEN
from flows.statistics.periods import QUICK, Days, chosen, period_of, quick
from flows.statistics.report import Report, shape_of
from flows.statistics.table import Table
from flows.statistics.targets import Targets, TargetsError
from storage.audit import record_audit
from storage.statistics import read_statistics

KEPT_FOR = timedelta(minutes=1)
KEPT = 8
# An SVG may style itself (pygal's drawing carries its own <style>) and nothing more: no
# script, nothing fetched. The page around it keeps the dashboard's strict policy.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


class Reports:
    """The last few periods' figures, for a minute: a page's charts are asked for one by one
    right after the page, and each would otherwise read the whole period again. Another
    worker, or a minute later, simply reads them anew."""

    def __init__(self) -> None:
        self.kept: OrderedDict[tuple[date, date], tuple[datetime, Report]] = OrderedDict()

    def get(self, days: Days, now: datetime) -> Report | None:
        found = self.kept.get((days.first, days.last))
        if found is None or now - found[0] > KEPT_FOR:
            return None
        return found[1]

    def put(self, days: Days, now: datetime, report: Report) -> None:
        self.kept[(days.first, days.last)] = (now, report)
        self.kept.move_to_end((days.first, days.last))
        while len(self.kept) > KEPT:
            self.kept.popitem(last=False)


REPORTS = web.AppKey("statistics_reports", Reports)


@dataclass(frozen=True)
class Shown:
    """A table as the page shows it: its words, and which cells are hidden."""

    name: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[tuple[str, bool]]]]  # label, (cell, hidden)


def _days(request: web.Request) -> Days:
    zone = desk_of(request).rules.timezone
    today = request.app[CLOCK]().astimezone(zone).date()
    return chosen(request.query.get("from"), request.query.get("to"), today)


def _targets(request: web.Request) -> tuple[Targets, str]:
    """The targets, and how they stand: "set", "none" (no file) or "wrong". The page names
    the TARGETS_FILE setting, never the file's path: the server's folders stay on the server."""
    try:
        targets = load_targets(request.app[SETTINGS].targets_file)
    except TargetsError:
        return Targets(), "wrong"
    return targets, "set" if targets.reach or targets.aims else "none"


async def _report(request: web.Request, who: Viewer, days: Days, action: str) -> Report:
    """The period's figures (kept a minute), with the audit entry for this view or export."""
    desk, now = desk_of(request), request.app[CLOCK]()
    reports = request.app[REPORTS]
    report = reports.get(days, now) if action == "chart" else None
    async with request.app[DATABASE].transaction() as session:
        if report is None:
            shape = shape_of(desk.content.questionnaire, desk.rules)
            targets, _ = _targets(request)
            report = await read_statistics(
                session, period_of(days, desk.rules.timezone), shape, targets
            )
            reports.put(days, now, report)
        if action != "chart":
            detail = f"{days.first}:{days.last}"
            if action == "statistics_export":
                detail = f"csv:{detail}"
            await record_audit(session, at=now, actor=who.actor, action=action, detail=detail)
    return report


def _shown(table: Table, words: Words) -> Shown:
    rows = [
        (words.row(row.label), [(str(cell), isinstance(cell, HIDDEN)) for cell in row.cells])
        for row in table.rows
    ]
    return Shown(table.name, words.title(table), [words.column(c) for c in table.columns], rows)


async def statistics_page(request: web.Request) -> web.Response:
    who = await lead(request)
    days = _days(request)
    report = await _report(request, who, days, "statistics_view")
    words = Words(request.app[CONTENT], who.language)
    _, targets = _targets(request)
    today = quick(request.app[CLOCK]().astimezone(desk_of(request).rules.timezone).date())
    context: dict[str, Any] = {
        "days": days,
        "quick": [(name, today[name]) for name in QUICK],
        "tables": [_shown(table, words) for table in report.tables],
        "targets": targets,
        "legend": words.say("legend"),
    }
    return page(request, who, "statistics.html", context)


async def statistics_csv(request: web.Request) -> web.StreamResponse:
    who = await lead(request)
    days = _days(request)
    if days.problem is not None:
        said = words_of(request, who).t(f"web.statistics.problem.{days.problem}")
        return web.Response(text=said, status=400)
    report = await _report(request, who, days, "statistics_export")
    body = as_csv(report, Words(request.app[CONTENT], who.language))
    name = f"klik-statistics-{days.first}-{days.last}.csv"
    return web.Response(
        text=body,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def statistics_chart(request: web.Request) -> web.StreamResponse:
    """One table's chart; its table stands beside it on the page."""
    who = await lead(request)
    days = _days(request)
    report = await _report(request, who, days, "chart")
    name = request.match_info["name"]
    table = next((t for t in report.tables if t.name == name), None)
    if table is None:
        raise web.HTTPNotFound(text="404")
    drawn = chart(table, Words(request.app[CONTENT], who.language))
    return web.Response(
        text=drawn,
        content_type="image/svg+xml",
        charset="utf-8",
        headers={"Content-Security-Policy": SVG_CSP},
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/dashboard/statistics", statistics_page),
        web.get("/dashboard/statistics.csv", statistics_csv),
        web.get(r"/dashboard/statistics/charts/{name:[a-z_.]+}.svg", statistics_chart),
    ]
