"""The `klik` command as an operator meets it: clear refusals with exit status 2."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows.content import DEFAULT_CONTENT_DIR

KLIK = [sys.executable, "-m", "bot.cli"]
ROOT = Path(__file__).resolve().parents[2]


def klik(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "KLIK_"))
    }
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [*KLIK, *args],
        env={**base, **(env or {})},
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        input=stdin,
    )


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        (
            "TIMEZONE",
            "Mars/Olympus",
            "klik: setting TIMEZONE: 'Mars/Olympus' is not a known time zone",
        ),
        ("COUNTRY", "FR", "klik: setting COUNTRY:"),
        ("PROMISE_HOURS", "soon", "klik: setting PROMISE_HOURS:"),
        ("MIN_AGE", "3", "klik: setting MIN_AGE:"),
        ("SERVICE_HOURS", "always", "klik: setting SERVICE_HOURS: 'always' is not like"),
        ("TELEGRAM_TOKEN", "changeme", "klik: setting TELEGRAM_TOKEN: is a placeholder"),
        ("TELEGRAM_TOKEN", "12345", "klik: setting TELEGRAM_TOKEN: does not look like a token"),
        ("DATABASE_URL", "mysql://x", "klik: setting DATABASE_URL: must be an sqlite"),
    ],
)
def test_a_wrong_setting_stops_the_service_with_one_line_naming_it(
    tmp_path: Path, name: str, value: str, says: str
) -> None:
    result = klik("run", env={name: value}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(says)


def test_a_missing_token_explains_botfather_and_the_shell(tmp_path: Path) -> None:
    result = klik("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "@BotFather" in result.stderr and "klik shell" in result.stderr


def test_settings_are_read_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TIMEZONE=Nowhere/Land\n")
    result = klik("run", cwd=tmp_path)
    assert "setting TIMEZONE" in result.stderr and result.returncode == 2


def test_the_service_refuses_an_unmigrated_database_and_says_what_to_run(tmp_path: Path) -> None:
    env = {
        "TELEGRAM_TOKEN": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
    }
    result = klik("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "is empty. Run: klik migrate" in result.stderr


def test_the_service_refuses_invalid_content(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    (content / "texts/en.yaml").write_text("raw: '{text}'\n")
    env = {
        "TELEGRAM_TOKEN": "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "CONTENT_DIR": str(content),
        "DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
    }
    result = klik("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "texts/en.yaml: welcome: missing (present in nl.yaml)" in result.stderr


def test_check_content_passes_on_the_real_content() -> None:
    result = klik("check-content")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("content OK: 6 questions")


def test_check_content_lists_each_problem_and_fails(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    text = (content / "texts/nl.yaml").read_text(encoding="utf-8")
    (content / "texts/nl.yaml").write_text(text.replace('  safe_no: "Nee"\n', ""), encoding="utf-8")
    result = klik("check-content", "--dir", str(content))
    assert result.returncode == 1
    assert f"{content}/texts/nl.yaml: crisis.safe_no: missing (present in en.yaml)" in result.stdout


def test_migrate_then_shell_completes_an_intake_by_skipping(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db"}
    assert klik("migrate", env=env, cwd=tmp_path).returncode == 0
    # 1 = okay; then "liever niet zeggen" for age, skip x6, then send.
    taps = ["1", "7"] + ["1"] + ["6"] * 5
    first = klik("shell", "--language", "nl", env=env, cwd=tmp_path, stdin="\n".join(taps) + "\n")
    assert first.returncode == 0, first.stderr
    assert "Dit krijgen de coaches van Klik te zien" in first.stdout
    send = klik("shell", env=env, cwd=tmp_path, stdin="")
    assert "Welkom terug" in send.stdout
    number = (
        next(line for line in send.stdout.splitlines() if "Versturen" in line)
        .split("]")[0]
        .split("[")[-1]
    )
    done = klik("shell", env=env, cwd=tmp_path, stdin=number + "\n")
    assert "Je staat in de wachtrij ✅" in done.stdout


def test_diagram_draws_the_real_machine() -> None:
    result = klik("diagram")
    assert result.returncode == 0, result.stderr
    assert "stateDiagram-v2" in result.stdout
    assert "q.health --> q.home: next" in result.stdout.replace('"', "")


@pytest.mark.parametrize(
    "command",
    [
        ("coach", "list"),
        ("coach", "add", "--name", "Lotte"),
        ("teamlead", "add", "--name", "Ahmed"),
        ("coach", "invite", "Lotte"),
        ("coach", "deactivate", "Lotte"),
    ],
)
def test_a_staff_command_on_an_empty_database_names_klik_migrate_in_one_line(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    result = klik(*command, env={"DATABASE_URL": f"sqlite:///{tmp_path}/k.db"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"klik: the database sqlite+aiosqlite:///{tmp_path}/k.db is empty. "
        "Run: klik migrate   (make run does this for you)"
    ]
