"""The charts `klik stats` writes and the dashboard shows (bot/process/statistics_export.py):
a chart with nothing to draw says so in the reader's language, inside the picture."""

from __future__ import annotations

import re

import pytest

from bot.process.statistics_export import Words, chart
from flows.content import Content
from flows.statistics.cells import Small
from flows.statistics.table import Row, Table

# pygal draws in a monospace font: a character is about 0.6 of the font size wide.
CHARACTER_WIDTH = 0.6
CHART_WIDTH = 720


def only_small_groups() -> Table:
    """Every cell "< 5": no bar may be drawn."""
    return Table("needs", ("people",), (Row("money", (Small(),)), Row("home", (Small(),))))


@pytest.mark.parametrize(
    ("language", "said"),
    [("nl", "Nog geen cijfers voor deze periode"), ("en", "No figures for this period yet")],
)
def test_a_chart_without_figures_says_so_in_the_readers_language(
    content: Content, language: str, said: str
) -> None:
    drawn = chart(only_small_groups(), Words(content, language))
    assert re.findall(r'<text[^>]*class="no_data"[^>]*>([^<]*)<', drawn) == [said]


def test_the_no_figures_sentence_fits_inside_the_chart(content: Content) -> None:
    drawn = chart(only_small_groups(), Words(content, "nl"))
    (x, text) = re.findall(r'<text x="([\d.]+)"[^>]*class="no_data"[^>]*>([^<]*)<', drawn)[0]
    size = max(int(px) for px in re.findall(r"\.no_data\{[^}]*font-size:(\d+)px", drawn))
    half = len(text) * size * CHARACTER_WIDTH / 2  # the text is centred on x
    assert float(x) - half >= 0 and float(x) + half <= CHART_WIDTH
