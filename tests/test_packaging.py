"""Klik as an operator installs it: a wheel in a fresh virtualenv, as the Dockerfile does, with
no source tree in sight. The staff commands, the migrations and the content must all come
from the wheel.

The wheel is built from exactly the files the Dockerfile copies into its build stage, so a
folder the image would miss fails here. Offline and quick: the wheel is built without build
isolation (setuptools is a dev dependency), installed without its dependencies, and the fresh
virtualenv borrows those from the project's own environment through a .pth file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

ROOT = Path(__file__).resolve().parents[1]
_NOT_BUILT = shutil.ignore_patterns("__pycache__")


def copied_by_the_dockerfile() -> list[str]:
    """The files and folders the Dockerfile's build stage copies from the repository."""
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"), cache_content=True)
    stage = 0
    sources: list[str] = []
    for line in parser.structure:
        stage += line["instruction"] == "FROM"
        if stage == 1 and line["instruction"] == "COPY":
            sources += line["value"].split()[:-1]
    return sources


@dataclass(frozen=True)
class Installed:
    """A fresh virtualenv with the klik wheel in it, and a folder with no content/ to run in."""

    venv: Path
    cwd: Path

    def klik(self, *args: str, database: Path) -> subprocess.CompletedProcess[str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "DATABASE_", "CONTENT_", "TELEGRAM_", "KLIK_"))
        }
        env["DATABASE_URL"] = f"sqlite:///{database}"
        return subprocess.run(
            [str(self.venv / "bin" / "klik"), *args],
            cwd=self.cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )


def _run(*command: str | Path) -> None:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in copied_by_the_dockerfile():
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=_NOT_BUILT)
        else:
            shutil.copy2(ROOT / name, source / name)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--quiet", "--wheel-dir", base / "dist", source)  # fmt: skip
    (wheel,) = (base / "dist").glob("klik-*.whl")
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "--quiet", wheel)  # fmt: skip
    # Only now the dependencies: before, pip would take the project's editable klik for this one.
    fresh = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    libraries = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(fresh) / "project-dependencies.pth").write_text(
        "\n".join(sorted(libraries)) + "\n", encoding="utf-8"
    )
    cwd = base / "elsewhere"
    cwd.mkdir()
    yield Installed(venv, cwd)


def test_the_installed_klik_runs_from_the_wheel_not_the_source_tree(installed: Installed) -> None:
    where = subprocess.run(
        [installed.venv / "bin" / "python", "-c", "import bot, content; print(bot.__file__)"],
        cwd=installed.cwd,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
        capture_output=True,
        text=True,
    )
    assert where.stdout.startswith(str(installed.venv / "lib")), where.stdout + where.stderr


def test_klik_migrate_from_the_wheel_migrates_a_database_in_another_folder(
    installed: Installed, tmp_path: Path
) -> None:
    result = installed.klik("migrate", database=tmp_path / "klik.db")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("klik.db is migrated\n")
    assert (tmp_path / "klik.db").is_file()


def test_klik_check_content_from_the_wheel_finds_the_shipped_content(
    installed: Installed, tmp_path: Path
) -> None:
    result = installed.klik("check-content", database=tmp_path / "klik.db")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("content OK: 6 questions, 6 preferences")


def test_klik_coach_add_from_the_wheel_prints_an_invite_code(
    installed: Installed, tmp_path: Path
) -> None:
    database = tmp_path / "klik.db"
    assert installed.klik("migrate", database=database).returncode == 0
    result = installed.klik(
        "coach", "add", "--name", "Lotte", "--focus", "money,home", database=database
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Coach Lotte added (id 1).\nInvite code for Lotte: KLIK-")
