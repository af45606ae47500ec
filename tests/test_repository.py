"""What a newcomer finds in the repository: the licence, the settings, documents that point at
files that exist, and settings that a copied .env.example does not break."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

from bot.process.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# A path written in backticks that names a file or folder of the repository.
_PATH = re.compile(
    r"`((?:bot|flows|storage|content|docs|tests|bench|\.ci)/[\w./-]*|[\w.-]+\.(?:md|toml|ini|yaml|tsv))`"
)


def test_the_licence_is_the_apache_license_2_0() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0"


def test_env_example_names_every_setting() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#? ?([A-Z_]+)=", example, flags=re.MULTILINE))
    assert named == {name.upper() for name in Settings.model_fields}


def test_env_example_as_it_is_gives_the_default_settings(tmp_path: Path) -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    values = dict(
        line.split("=", 1) for line in lines if line and not line.startswith("#") and "=" in line
    )
    settings = Settings(_env_file=None, **{k.lower(): v for k, v in values.items()})  # type: ignore[arg-type]
    assert settings.telegram_token is None
    assert (settings.country, settings.promise_hours, settings.log_level) == ("BE", 24, "INFO")


def test_every_path_a_document_names_exists() -> None:
    missing = []
    for document in DOCUMENTS:
        for name in _PATH.findall(document.read_text(encoding="utf-8")):
            folders = (ROOT, ROOT / "content", ROOT / "docs", ROOT / "tests/flows/crisis/corpus")
            candidates = [folder / name for folder in folders]
            if "*" not in name and "<" not in name and not any(p.exists() for p in candidates):
                missing.append(f"{document.name}: {name}")
    assert missing == []


def test_the_readme_says_how_to_call_klik() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/klik" in readme


def test_every_bench_module_imports_so_make_bench_can_run() -> None:
    """`make bench` is never run by the suite (it measures, and takes minutes); an import a
    refactoring broke would only show there, so every module of bench/ is imported here."""
    for path in sorted((ROOT / "bench").glob("*.py")):
        importlib.import_module(f"bench.{path.stem}")


def test_only_storage_db_makes_a_database_engine_so_every_engine_hides_parameters() -> None:
    makers = [
        path.relative_to(ROOT).as_posix()
        for package in ("bot", "flows", "storage")
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"\bcreate_(async_)?engine\(", path.read_text(encoding="utf-8"))
    ]
    assert makers == ["storage/db.py"]
