"""The `klik` command as an operator meets it: clear refusals with exit status 2."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from flows.content import DEFAULT_CONTENT_DIR

KLIK = [sys.executable, "-m", "bot.process.cli"]
ROOT = Path(__file__).resolve().parents[3]


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


def test_a_missing_token_is_no_refusal_klik_run_goes_on_to_the_database(tmp_path: Path) -> None:
    result = klik("run", env={"DATABASE_URL": f"sqlite:///{tmp_path}/k.db"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"klik: the database sqlite:///{tmp_path}/k.db does not exist yet. "
        "Run: klik migrate   (make run does this for you)"
    ]


def test_settings_are_read_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TIMEZONE=Nowhere/Land\n")
    result = klik("run", cwd=tmp_path)
    assert "setting TIMEZONE" in result.stderr and result.returncode == 2


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


def test_a_report_read_by_a_reader_that_stops_early_ends_without_a_traceback() -> None:
    """`klik crisis-eval test.tsv | head`: the report is longer than a pipe holds."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "KLIK_"))}
    corpus = ROOT / "tests" / "flows" / "crisis" / "corpus" / "test.tsv"
    with subprocess.Popen(
        [*KLIK, "crisis-eval", str(corpus)],
        env={**base, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith("language")
        process.stdout.close()  # as `head -1` does
        errors = process.stderr.read()
        assert process.wait(timeout=120) == 1
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors


def test_check_content_lists_each_problem_and_fails(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    text = (content / "texts/nl.yaml").read_text(encoding="utf-8")
    (content / "texts/nl.yaml").write_text(text.replace('  safe_no: "Nee"\n', ""), encoding="utf-8")
    result = klik("check-content", "--dir", str(content))
    assert result.returncode == 1
    assert f"{content}/texts/nl.yaml: crisis.safe_no: missing (present in en.yaml)" in result.stdout


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _unfilled(content: Path) -> None:
    _replace(content / "texts/nl.yaml", "meteen in de wachtrij.", "meteen erin, tot {deadline}.")
    _replace(content / "texts/en.yaml", "queue right away.", "queue until {deadline}.")


def _differing(content: Path) -> None:
    _replace(content / "texts/en.yaml", "reply by {deadline} at the latest", "reply soon")


def _empty(content: Path) -> None:
    (content / "texts/en.yaml").write_text("# the English texts follow\n", encoding="utf-8")


def _missing(content: Path) -> None:
    (content / "texts/en.yaml").unlink()


def _only_in_english(content: Path) -> None:
    _replace(
        content / "texts/nl.yaml", '  talk_now: "Goed! Ik zet je meteen in de wachtrij."\n', ""
    )


def _broken_yaml(content: Path) -> None:
    _replace(content / "texts/en.yaml", 'raw: "{text}"', 'raw: "{text}\n  bad: [')


@pytest.mark.parametrize(
    ("break_it", "lines"),
    [
        (
            _unfilled,
            [
                "texts/nl.yaml: queued.talk_now: uses {deadline}, which the code never fills "
                "(it sends this text without any)",
                "texts/en.yaml: queued.talk_now: uses {deadline}, which the code never fills "
                "(it sends this text without any)",
            ],
        ),
        (
            _differing,
            ["texts/en.yaml: queued.confirm: placeholders [] differ from nl.yaml ['deadline']"],
        ),
        (_empty, ["texts/en.yaml: (file): file is empty"]),
        (_missing, ["texts/en.yaml: (file): file is missing"]),
        (_only_in_english, ["texts/nl.yaml: queued.talk_now: missing (present in en.yaml)"]),
        (
            _broken_yaml,
            [
                "texts/en.yaml: line 8: not valid YAML: while parsing a block mapping, "
                "expected <block end>, but found ','"
            ],
        ),
    ],
    ids=["unfilled", "differing", "empty", "missing", "only-in-english", "broken-yaml"],
)
def test_check_content_prints_each_kind_of_problem_as_one_line_and_fails(
    tmp_path: Path, break_it: Callable[[Path], None], lines: list[str]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    break_it(content)
    result = klik("check-content", "--dir", str(content))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{content}/{line}" for line in lines]
    assert result.stderr == f"{len(lines)} problem(s) in {content}\n"


def test_migrate_then_shell_completes_an_intake_by_skipping(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db"}
    assert klik("migrate", env=env, cwd=tmp_path).returncode == 0
    # a = okay; then g = "liever niet zeggen" for age, a = skip x6, then send.
    taps = ["a", "g"] + ["a"] * 6
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


def test_diagram_draws_the_appointment_machine() -> None:
    result = klik("diagram", "appointment")
    assert result.returncode == 0, result.stderr
    drawn = result.stdout.replace('"', "")
    assert "proposed --> confirmed: confirm" in drawn
    assert "missed --> proposed: move" in drawn


TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Every command that touches the database.
DATABASE_COMMANDS = [
    ("run",),
    ("shell",),
    ("coach", "list"),
    ("coach", "add", "--name", "Lotte"),
    ("coach", "edit", "Lotte", "--capacity", "3"),
    ("coach", "invite", "Lotte"),
    ("coach", "deactivate", "Lotte"),
    ("coach", "reactivate", "Lotte"),
    ("coach", "away", "Lotte", "--until", "2099-01-01"),
    ("coach", "remove", "Lotte", "--yes"),
    ("teamlead", "add", "--name", "Ahmed"),
    ("teamlead", "edit", "Ahmed", "--intro", "Ik ben Ahmed."),
    ("teamlead", "remove", "Ahmed", "--yes"),
]


@pytest.mark.parametrize("command", DATABASE_COMMANDS)
def test_a_command_on_an_unmigrated_database_names_klik_migrate_in_one_line(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    (tmp_path / "k.db").touch()
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db", "TELEGRAM_TOKEN": TOKEN}
    result = klik(*command, env=env, cwd=tmp_path, stdin="")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"klik: the database sqlite+aiosqlite:///{tmp_path}/k.db is empty. "
        "Run: klik migrate   (make run does this for you)"
    ]


@pytest.mark.parametrize("command", [("run",), ("shell",), ("coach", "list")])
def test_a_command_on_a_database_file_that_is_not_there_says_so_and_leaves_no_file(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db", "TELEGRAM_TOKEN": TOKEN}
    result = klik(*command, env=env, cwd=tmp_path, stdin="")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"klik: the database sqlite:///{tmp_path}/k.db does not exist yet. "
        "Run: klik migrate   (make run does this for you)"
    ]
    assert list(tmp_path.iterdir()) == []


def _copy_packages(to: Path) -> None:
    for package in ("bot", "flows", "storage"):
        shutil.copytree(ROOT / package, to / package, ignore=shutil.ignore_patterns("__pycache__"))


def test_from_a_checkout_the_default_database_is_var_in_the_checkout_whatever_the_folder(
    tmp_path: Path,
) -> None:
    checkout, elsewhere = tmp_path / "checkout", tmp_path / "elsewhere"
    _copy_packages(checkout)
    shutil.copy(ROOT / "pyproject.toml", checkout)
    elsewhere.mkdir()
    result = klik("migrate", env={"PYTHONPATH": str(checkout)}, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (checkout / "var" / "klik.db").is_file()
    assert list(elsewhere.iterdir()) == []


def test_installed_the_default_database_is_in_the_platform_data_folder(tmp_path: Path) -> None:
    installed, elsewhere, data = tmp_path / "site-packages", tmp_path / "elsewhere", tmp_path / "d"
    _copy_packages(installed)
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(installed), "XDG_DATA_HOME": str(data)}
    result = klik("migrate", env=env, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"klik: database sqlite:///{data}/klik/klik.db is migrated\n"
    assert (data / "klik" / "klik.db").is_file()
    assert list(elsewhere.iterdir()) == []


def test_migrate_refuses_a_database_url_into_a_missing_folder_and_creates_nothing(
    tmp_path: Path,
) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/typo/var/k.db"}
    result = klik("migrate", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"klik: the folder {tmp_path}/typo/var in DATABASE_URL does not exist; "
        "create it first, or correct DATABASE_URL"
    ]
    assert list(tmp_path.iterdir()) == []


def test_migrate_on_an_unreachable_database_says_so_in_one_line(tmp_path: Path) -> None:
    result = klik("migrate", env={"DATABASE_URL": "postgresql://klik:secret@127.0.0.1:9/klik"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "klik: cannot reach the database postgresql+asyncpg://klik:***@127.0.0.1:9/klik: "
        "ConnectionRefusedError"
    ]


def test_webhook_mode_with_a_short_secret_stops_klik_run_in_one_line_without_the_secret(
    tmp_path: Path,
) -> None:
    env = {
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_MODE": "webhook",
        "PUBLIC_URL": "https://klik.example.org",
        "WEBHOOK_SECRET": "tooshort",
    }
    result = klik("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("klik: setting WEBHOOK_SECRET: too short (at least 32 characters)")
    assert "tooshort" not in result.stderr + result.stdout
