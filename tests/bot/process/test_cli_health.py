"""`klik health`, the container's health check: 0 when the database is reachable and migrated,
1 (unhealthy) and one line why otherwise."""

from __future__ import annotations

from pathlib import Path

from tests.bot.process.test_cli import klik


def test_health_is_good_on_a_migrated_database(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/k.db"}
    assert klik("migrate", env=env, cwd=tmp_path).returncode == 0
    result = klik("health", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"klik: healthy, database sqlite:///{tmp_path}/k.db is migrated\n"


def test_health_is_bad_on_an_unmigrated_database_and_names_klik_migrate(tmp_path: Path) -> None:
    result = klik("health", env={"DATABASE_URL": f"sqlite:///{tmp_path}/k.db"}, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"klik: the database sqlite:///{tmp_path}/k.db does not exist yet. "
        "Run: klik migrate   (make run does this for you)"
    ]


def test_health_is_bad_when_the_database_server_cannot_be_reached(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "postgresql://klik:secret@127.0.0.1:9/klik"}
    result = klik("health", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "klik: cannot reach the database postgresql+asyncpg://klik:***@127.0.0.1:9/klik"
    )
    assert "secret" not in result.stderr


def test_health_is_bad_not_reserved_status_2_on_a_wrong_setting(tmp_path: Path) -> None:
    result = klik("health", env={"DATABASE_URL": "mysql://x"}, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("klik: setting DATABASE_URL: must be an sqlite")
