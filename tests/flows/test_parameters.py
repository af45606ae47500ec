"""The list of parameters per text holds the code to what `klik check-content` checks."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.messages import Outbound, Ref, When
from flows.parameters import parameters

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = When(datetime(2025, 3, 7, 22, 30, tzinfo=UTC))


def test_a_message_sent_with_a_parameter_the_list_does_not_name_is_refused() -> None:
    with pytest.raises(
        ValueError,
        match=r"text 'queued.confirm' is sent with \['deadline', 'time'\] but "
        r"flows/parameters.py lists \['deadline'\] for it",
    ):
        Outbound("queued.confirm", {"deadline": DEADLINE, "time": DEADLINE})


def test_a_message_sent_without_a_parameter_the_list_names_is_refused() -> None:
    with pytest.raises(ValueError, match=r"text 'queued.confirm' is sent with \[\]"):
        Outbound("queued.confirm")


def test_a_reference_to_a_text_is_held_to_the_same_list() -> None:
    with pytest.raises(ValueError, match=r"text 'progress' is sent with \['n'\]"):
        Ref("progress", {"n": 3})


def _written_keys(node: ast.expr) -> list[str]:
    """The text keys a constructor's first argument names, when they are written out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _written_keys(node.body) + _written_keys(node.orelse)
    return []


def test_every_message_written_out_in_the_code_fills_what_the_list_names() -> None:
    # Building a message checks it, but only on the paths a test takes; this reads them all.
    checked, wrong = 0, []
    for package in ("flows", "bot", "storage"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("Outbound", "Ref")
                    and node.args
                ):
                    continue
                given = node.args[1] if len(node.args) > 1 else None
                given = next((k.value for k in node.keywords if k.arg == "params"), given)
                if given is not None and not isinstance(given, ast.Dict):
                    continue  # built elsewhere: checked when built
                names = {ast.literal_eval(k) for k in given.keys if k} if given else set()
                for key in _written_keys(node.args[0]):
                    checked += 1
                    if names != parameters(key):
                        wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: {key}")
    assert wrong == []
    assert checked > 100  # the walk found the messages, so an empty `wrong` means something
