"""`klik stats` and `klik targets` on SQLite and PostgreSQL, against the hand-built week
(tests/storage/statistics_seed.py): the figures beside their targets, the CSV and the charts,
small groups as "< 5", and no coach's name anywhere in what is printed or written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from storage.db import Database
from tests.bot.conftest import StaffCli
from tests.storage.statistics_seed import COACHES, seed_week

TARGETS = """\
reach:
  age_band: {"12_15": 30, "16_17": 40, "18_20": 30}
  language: {nl: 70, en: 30}
aims:
  within_24h: 90
  median_service_hours: 4
"""
WEEK = ("stats", "--from", "2026-11-23", "--to", "2026-11-29")


@pytest.fixture
async def week(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    await seed_week(db)
    targets = tmp_path / "targets.yaml"
    targets.write_text(TARGETS, encoding="utf-8")
    monkeypatch.setenv("TARGETS_FILE", str(targets))
    return tmp_path


def line(out: str, starts: str) -> list[str]:
    (found,) = [row for row in out.splitlines() if row.strip().startswith(starts)]
    return found.split()


async def test_stats_prints_each_figure_with_small_groups_as_less_than_five(
    staff_cli: StaffCli, week: Path
) -> None:
    said = await staff_cli(*WEEK, "--language", "en")
    assert said.code == 0, said.err
    assert line(said.out, "started") == ["started", "23", "<", "5"]
    assert line(said.out, "12_15") == ["12_15", "<", "5", "<", "5", "30%"]


async def test_stats_counts_klikte_het_per_week_and_hides_a_small_language(
    staff_cli: StaffCli, week: Path
) -> None:
    said = await staff_cli(*WEEK, "--language", "en")
    weeks, languages = said.out.split("Did it click? Answers per week")[1].split("per language")
    assert line(weeks, "2026-11-23") == ["2026-11-23", "10", "6", "0", "16"]
    assert line(languages, "en") == ["en", "<", "5", "0", "0", "<", "5"]


async def test_stats_shows_each_figure_beside_its_target(staff_cli: StaffCli, week: Path) -> None:
    said = await staff_cli(*WEEK, "--language", "en")
    assert line(said.out, "16_17") == ["16_17", "12", "60%", "40%"]
    target = line(said.out, "target first message")
    assert target[3:] == ["-", "-", "-", "4.0", "90%", "-"]


async def test_the_csv_holds_the_same_aggregates_with_small_cells_hidden(
    staff_cli: StaffCli, week: Path
) -> None:
    path = week / "week.csv"
    said = await staff_cli(*WEEK, "--csv", str(path))
    assert said.code == 0, said.err
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    started = [r for r in rows if r["table"] == "funnel" and r["row"] == "gestart"]
    assert [r["value"] for r in started] == ["23", "< 5"]
    ages = {
        r["row"]: r["value"]
        for r in rows
        if r["table"] == "reach.age_band" and r["column"] == "mensen"
    }
    assert ages["12_15"] == "< 5"


async def test_every_table_gets_an_svg_chart_with_its_table_beside_it_and_no_script(
    staff_cli: StaffCli, week: Path
) -> None:
    folder = week / "charts"
    said = await staff_cli(*WEEK, "--svg", str(folder))
    assert said.code == 0, said.err
    charts = sorted(folder.glob("*.svg"))
    assert [chart.with_suffix(".csv").is_file() for chart in charts] == [True] * len(charts)
    assert "funnel.svg" in [chart.name for chart in charts]
    for chart in charts:
        drawn = chart.read_text(encoding="utf-8")
        assert drawn.startswith("<svg") and "<script" not in drawn


async def test_no_statistics_output_names_a_coach(staff_cli: StaffCli, week: Path) -> None:
    folder, path = week / "charts", week / "all.csv"
    said = await staff_cli(*WEEK, "--csv", str(path), "--svg", str(folder))
    written = [said.out, said.err, path.read_text(encoding="utf-8")]
    written += [file.read_text(encoding="utf-8") for file in sorted(folder.iterdir())]
    for name in COACHES:
        assert not [text for text in written if name.lower() in text.lower()]


async def test_targets_that_cannot_be_meant_are_refused_one_line_each(
    staff_cli: StaffCli, week: Path
) -> None:
    (week / "targets.yaml").write_text(
        "reach:\n  age_band: {16_17: 140}\n  shoe_size: {42: 10}\naims:\n  speed: 3\n",
        encoding="utf-8",
    )
    said = await staff_cli("targets")
    assert said.code == 2
    assert said.err.count("\n") == 4  # the path, then one line per problem


async def test_targets_shows_what_the_team_wrote_down(staff_cli: StaffCli, week: Path) -> None:
    said = await staff_cli("targets")
    assert said.code == 0
    assert "reach age_band: 12_15 30%, 16_17 40%, 18_20 30%" in said.out
    assert "aim within_24h: 90" in said.out


async def test_days_that_are_not_days_are_refused(staff_cli: StaffCli, week: Path) -> None:
    said = await staff_cli("stats", "--from", "2026-11-30", "--to", "2026-11-23")
    assert said.code == 2
    assert "--to is before --from" in said.err


async def test_stats_without_a_targets_file_names_the_setting_and_the_example(
    staff_cli: StaffCli, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_week(db)
    monkeypatch.setenv("TARGETS_FILE", str(tmp_path / "nowhere.yaml"))
    said = await staff_cli(*WEEK, "--language", "en")
    assert said.code == 0, said.err
    assert said.out.rstrip().endswith(
        "No targets written down yet. Write them in the file the TARGETS_FILE setting names; "
        "docs/targets.example.yaml shows how. Then every figure stands beside its target."
    )
    assert "nowhere.yaml" not in said.out
