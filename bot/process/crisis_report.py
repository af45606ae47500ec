"""What `klik crisis-eval` prints: the figures of a Report, then every miss and false alarm."""

from __future__ import annotations

from flows.crisis.evaluate import Report


def _percent(value: float) -> str:
    return f"{100 * value:5.1f} %"


def report_lines(report: Report, *, details: bool = True) -> list[str]:
    """The report as lines of plain text: figures first, then every miss and false alarm."""
    lines = ["language  crisis  recall   acute caught  acute as acute  everyday  false alarms"]
    for language, t in sorted(report.languages.items()):
        lines.append(
            f"{language:<8}  {t.crisis:>6}  {_percent(t.recall)}  {t.acute_caught:>5}/{t.acute:<6}"
            f"  {t.acute_as_acute:>6}/{t.acute:<7}  {t.everyday:>8}  {_percent(t.false_alarms)}"
        )
    lines.append("")
    lines.append("language  category           crisis  recall")
    for (language, category), t in sorted(report.categories.items()):
        lines.append(f"{language:<8}  {category:<17}  {t.crisis:>6}  {_percent(t.recall)}")
    lines.append("")
    lines.append("language  level   crisis  recall   caught at that level")
    for (language, level), t in sorted(report.levels.items()):
        if level == "acute":
            as_level = f"{t.acute_as_acute}/{t.acute}"
        else:  # caught as a worry; those answered as acute alerted the whole team
            as_level = f"{t.caught - t.worry_as_acute}/{t.crisis} ({t.worry_as_acute} as acute)"
        lines.append(f"{language:<8}  {level:<6}  {t.crisis:>6}  {_percent(t.recall)}  {as_level}")
    if details:
        lines.append("")
        lines.append(f"misses ({len(report.misses)}):")
        for example in report.misses:
            lines.append(f"  {example.where}  {example.category}/{example.level}  {example.text}")
        lines.append(f"false alarms ({len(report.alarms)}):")
        for example, hit in report.alarms:
            lines.append(
                f"  {example.where}  {hit.category}/{hit.level}/{hit.rule}  {example.text}"
            )
    return lines
