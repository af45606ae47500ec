"""Whom the team means to reach and what it aims for, written down at launch (var/targets.yaml,
see the README), so every figure is shown beside its target. Read from plain data, checked:
every problem is one line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The groups the reach is counted in; "found_us" is shown but has no intended share.
DIMENSIONS = ("age_band", "school_work", "housing", "region", "language", "found_us")
AIMS = ("within_24h", "median_service_hours")  # of the first coach reply


@dataclass(frozen=True)
class Targets:
    """reach: dimension -> category -> intended share in percent; aims: AIMS -> value."""

    reach: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    aims: Mapping[str, float] = field(default_factory=dict)


class TargetsError(ValueError):
    """The targets file says something that cannot be meant: one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def read_targets(data: Any) -> Targets:
    """Targets from the parsed YAML (`reach:` shares per group, `aims:` for the first reply)."""
    if data is None:
        return Targets()
    if not isinstance(data, Mapping):
        raise TargetsError(["targets: expected a mapping with reach: and aims:"])
    problems: list[str] = []
    reach: dict[str, dict[str, float]] = {}
    for dimension, shares in (data.get("reach") or {}).items():
        if dimension not in DIMENSIONS:
            problems.append(f"reach.{dimension}: not one of {', '.join(DIMENSIONS)}")
            continue
        if not isinstance(shares, Mapping):
            problems.append(f"reach.{dimension}: expected category: percent")
            continue
        reach[dimension] = {}
        for category, value in shares.items():
            number = _number(value)
            if number is None or not 0 <= number <= 100:
                problems.append(f"reach.{dimension}.{category}: a percentage from 0 to 100")
                continue
            reach[dimension][str(category)] = number
        if sum(reach[dimension].values()) > 100:
            problems.append(f"reach.{dimension}: the shares add up to more than 100")
    aims: dict[str, float] = {}
    for name, value in (data.get("aims") or {}).items():
        number = _number(value)
        if name not in AIMS:
            problems.append(f"aims.{name}: not one of {', '.join(AIMS)}")
        elif number is None or number < 0 or (name == "within_24h" and number > 100):
            problems.append(f"aims.{name}: a number (within_24h a percentage)")
        else:
            aims[name] = number
    unknown = set(data) - {"reach", "aims"}
    problems += [f"{key}: not reach or aims" for key in sorted(unknown)]
    if problems:
        raise TargetsError(problems)
    return Targets(reach, aims)
