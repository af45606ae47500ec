"""The checks on texts/<language>.yaml: every key in every language, no empty text, and
placeholders that the code fills (flows/parameters.py) and that agree between languages."""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from typing import Any

from flows.parameters import PARAMETERS, parameters

Problem = tuple[str, str, str]  # language, key, reason


def fields(text: str) -> list[tuple[str, str, str | None]] | None:
    """Each {field} in a text as (name, format spec, conversion); None when the braces do not
    parse."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return None
    return [(name, spec or "", conv) for _, name, spec, conv in parsed if name is not None]


def _root(name: str) -> str:
    """The parameter a field names: coach in "{coach.name}" or "{coach[0]}"."""
    return name.split(".", 1)[0].split("[", 1)[0]


def placeholders(text: str) -> set[str] | None:
    """The parameters a text needs, or None when its braces do not parse."""
    found = fields(text)
    return None if found is None else {_root(name) for name, _, _ in found}


def unfillable(key: str, text: str) -> Iterator[str]:
    """Why the code cannot fill this text: a placeholder it never passes (a KeyError at the
    first message), or one written as more than a name, which plain words cannot take."""
    filled = parameters(key)
    for name, spec, conversion in fields(text) or []:
        root = _root(name)
        if root not in filled:
            fills = ", ".join(f"{{{n}}}" for n in sorted(filled))
            yield f"uses {{{name}}}, which the code never fills " + (
                f"(it fills {fills})" if filled else "(it sends this text without any)"
            )
        elif name != root or spec or conversion:
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            yield f"write {{{written}}} as {{{root}}}: the code fills in plain words"


def text_problems(
    texts: Mapping[str, Mapping[str, Any]], needed: Mapping[str, str], reference: str
) -> Iterator[Problem]:
    """Everything wrong in the loaded language files. `needed`: keys that must exist even if no
    file has them, with why ("the questionnaire needs it"); the keys the code sends with
    parameters are added here."""
    why = {key: "the code sends it" for key in PARAMETERS} | dict(needed)
    all_keys = set().union(*(set(flat) for flat in texts.values())) | set(why)
    for language, flat in texts.items():
        for key in sorted(all_keys - set(flat)):
            having = [f"{other}.yaml" for other in texts if key in texts[other]]
            reason = f"present in {', '.join(having)}" if having else why[key]
            yield language, key, f"missing ({reason})"
        for key, value in sorted(flat.items()):
            if not isinstance(value, str) or not value.strip():
                yield language, key, "must be a non-empty text"
            elif placeholders(value) is None:
                yield language, key, "unbalanced { or }"
            else:
                yield from ((language, key, reason) for reason in unfillable(key, value))
    if reference not in texts:
        return
    for language, flat in texts.items():
        if language == reference:
            continue
        for key, value in sorted(flat.items()):
            theirs = texts[reference].get(key)
            if not isinstance(value, str) or not isinstance(theirs, str):
                continue
            mine, ref = placeholders(value), placeholders(theirs)
            if mine is not None and ref is not None and mine != ref:
                reason = f"placeholders {sorted(mine)} differ from {reference}.yaml {sorted(ref)}"
                yield language, key, reason
