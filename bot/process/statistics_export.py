"""The statistics as a team lead reads them: plain text for `klik stats`, one CSV of every
table, and an SVG chart per table made on the server (pygal, no JavaScript) with the same
table beside it as CSV. Hidden cells stay hidden everywhere: "< 5" and "*" are written as
such, and a chart leaves their bar out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flows.content import Content
from flows.statistics.cells import Amount, Cell, Count
from flows.statistics.report import Report
from flows.statistics.table import TOTAL, Table

# Rows that sum or average the others: in the table, not among the bars.
SUMMING_ROWS = frozenset({TOTAL, "mean", "target_first_reply"})
# Per table, the columns worth a bar (others are counts beside shares, or mixed units).
PLOTTED = {
    "timing": ("median_hours", "p90_hours", "median_service_hours"),
    "funnel": ("people",),
    "reach": ("share", "target"),
}
# pygal writes "no data" at 64px: a sentence of 30-odd characters in its monospace font then
# runs past both edges of a 720px chart. At this size such a sentence fits with room to spare.
NO_DATA_FONT_SIZE = 18


@dataclass(frozen=True)
class Words:
    """The statistics' words in one language, from content/texts (stats.*); a code that
    has no text (a week, a postcode area, an age band) is shown as it is."""

    content: Content
    language: str

    def _get(self, key: str, fallback: str) -> str:
        texts = self.content.texts.get(self.language, {})
        return texts.get(key, fallback)

    def title(self, table: Table) -> str:
        return self._get(f"stats.{table.name}", table.name)

    def column(self, name: str) -> str:
        return self._get(f"stats.column.{name}", name)

    def row(self, label: str) -> str:
        """A stage or measure, else a question by its label on the summary, else the code."""
        question = self._get(f"q.{label}.label", label)
        return self._get(f"stats.row.{label}", question)

    def say(self, key: str) -> str:
        return self._get(f"stats.{key}", key)


def plain(report: Report, words: Words) -> str:
    """Every table as aligned text, the period first and the legend last."""
    last = report.period.end - timedelta(microseconds=1)  # the end is the next day's start
    period = f"{report.period.start:%Y-%m-%d} - {last:%Y-%m-%d}"
    lines = [words.say("heading"), f"{words.say('period')}: {period}", ""]
    for table in report.tables:
        header = ["", *(words.column(c) for c in table.columns)]
        body = [[words.row(row.label), *(str(cell) for cell in row.cells)] for row in table.rows]
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
        lines.append(words.title(table))
        for line in [header, *body]:
            first = line[0].ljust(widths[0])
            rest = (cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True))
            lines.append("  " + "  ".join([first, *rest]).rstrip())
        lines.append("")
    lines.append(words.say("legend"))
    return "\n".join(lines) + "\n"


def _rows(table: Table, words: Words) -> Iterator[list[str]]:
    for row in table.rows:
        for column, cell in zip(table.columns, row.cells, strict=True):
            yield [
                table.name,
                words.title(table),
                words.row(row.label),
                words.column(column),
                str(cell),
            ]


def as_csv(report: Report, words: Words) -> str:
    """One CSV of every table, a cell a line: table, title, row, column, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "title", "row", "column", "value"])
    for table in report.tables:
        writer.writerows(_rows(table, words))
    return out.getvalue()


def table_csv(table: Table, words: Words) -> str:
    """One table as a grid: the table beside its chart."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["", *(words.column(c) for c in table.columns)])
    for row in table.rows:
        writer.writerow([words.row(row.label), *(str(cell) for cell in row.cells)])
    return out.getvalue()


def _value(cell: Cell) -> float | None:
    """What a bar shows: nothing for a hidden or empty cell."""
    if isinstance(cell, Count):
        return float(cell.value)
    if isinstance(cell, Amount):
        return cell.value
    return None


def chart(table: Table, words: Words) -> str:
    """The table drawn as SVG: a bar (or line, over time) per plotted column, one point per
    row; the totals are in the table beside it, not among the bars."""
    # pygal is loaded when a team lead first asks for a chart, not in every worker at start:
    # it and its XML tree take about 4 MB that a worker serving youngsters never needs.
    import pygal
    from pygal.etree import etree
    from pygal.style import DefaultStyle

    plotted = PLOTTED.get(table.name.split(".")[0]) or tuple(c for c in table.columns if c != TOTAL)
    kind = pygal.Line if table.chart == "line" else pygal.Bar
    drawing = kind(
        title=words.title(table),
        style=DefaultStyle(no_data_font_size=NO_DATA_FONT_SIZE),
        js=[],  # no JavaScript: the SVG is drawn on the server and shown as it is
        disable_xml_declaration=True,
        print_values=False,
        no_data_text=words.say("no_data"),
        x_label_rotation=30,
        width=720,
        height=360,
    )
    rows = [row for row in table.rows if row.label not in SUMMING_ROWS]
    drawing.x_labels = [words.row(row.label) for row in rows]
    for column in plotted:
        at = table.columns.index(column)
        drawing.add(words.column(column), [_value(row.cells[at]) for row in rows])
    # pygal always puts its tooltip script (with a copy of the configuration) in the drawing;
    # a page here runs no JavaScript, so the script is taken out before it is written.
    tree = drawing.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if str(child.tag).rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return str(etree.tostring(tree, encoding="unicode"))  # lxml or xml.etree, as pygal drew


def write_charts(report: Report, words: Words, folder: Path) -> list[Path]:
    """Each table as <name>.svg with <name>.csv beside it; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in report.tables:
        svg, grid = folder / f"{table.name}.svg", folder / f"{table.name}.csv"
        svg.write_text(chart(table, words), encoding="utf-8")
        grid.write_text(table_csv(table, words), encoding="utf-8")
        written += [svg, grid]
    return written
