"""The container image and compose.yaml, as `docker stop`, an orchestrator and an operator meet
them: klik itself is the main process, it is not root, it has a health check, it never
migrates on start, and compose runs it against its own PostgreSQL once that is migrated.

Docker need not run here: the files are read as Docker reads them (dockerfile-parse, YAML with
compose's interpolation of ${...}), and hadolint lints the Dockerfile.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from dockerfile_parse import DockerfileParser
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
# ${NAME}, ${NAME:-default}, ${NAME:?error}, as compose reads them from .env.
_VARIABLE = re.compile(r"\$\{(\w+)(?::?[-?][^}]*)?\}")


def final_stage() -> dict[str, list[str]]:
    """Each instruction of the image that runs (the last stage) with its values, in order."""
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"), cache_content=True)
    stages: list[dict[str, list[str]]] = []
    for line in parser.structure:
        if line["instruction"] == "COMMENT":
            continue
        if line["instruction"] == "FROM":
            stages.append({})
        stages[-1].setdefault(line["instruction"], []).append(line["value"])
    return stages[-1]


def exec_form(value: str) -> list[str]:
    """The JSON list of an exec-form instruction; shell form is not JSON and fails here."""
    words = json.loads(value)
    assert isinstance(words, list)
    return [str(word) for word in words]


def compose(env: dict[str, str]) -> dict[str, Any]:
    """compose.yaml's services and volumes, with ${...} filled in from `env` (the .env file)."""
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    loaded = yaml.safe_load(_VARIABLE.sub(lambda match: env[match.group(1)], text))
    assert isinstance(loaded, dict)
    return loaded


def test_the_image_runs_klik_itself_so_docker_stop_reaches_it() -> None:
    image = final_stage()
    assert exec_form(image["ENTRYPOINT"][-1]) == ["klik"]
    assert exec_form(image["CMD"][-1]) == ["run"]


def test_the_image_runs_as_a_numeric_user_that_is_not_root() -> None:
    user = final_stage()["USER"][-1]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0


def test_the_image_checks_its_health_with_klik_health() -> None:
    (check,) = final_stage()["HEALTHCHECK"]
    options, command = check.split(" CMD ")
    assert exec_form(command) == ["klik", "health"]
    assert "--timeout=" in options


def test_the_image_serves_http_on_every_interface_at_the_port_it_exposes() -> None:
    image = final_stage()
    settings = " ".join(image["ENV"])
    assert "HTTP_HOST=0.0.0.0" in settings and "HTTP_PORT=8080" in settings
    assert image["EXPOSE"] == ["8080"]


def test_compose_publishes_klik_s_http_port_on_the_host_s_loopback_only() -> None:
    klik = compose({"POSTGRES_PASSWORD": "secret"})["services"]["klik"]
    assert klik["ports"] == ["127.0.0.1:8080:8080"]


def test_hadolint_finds_nothing_to_mend_in_the_dockerfile() -> None:
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run(
        [hadolint, "--no-color", ROOT / "Dockerfile"], capture_output=True, text=True
    )
    assert (result.returncode, result.stdout) == (0, "")


def test_compose_points_klik_and_its_migration_at_the_postgres_service() -> None:
    services = compose({"POSTGRES_PASSWORD": "s3cret"})["services"]
    database = services["db"]
    assert database["image"].startswith("postgres:")
    for name in ("klik", "migrate"):
        url = make_url(services[name]["environment"]["DATABASE_URL"])
        assert (url.drivername, url.host, url.port) == ("postgresql", "db", 5432)
        assert url.username == database["environment"]["POSTGRES_USER"]
        assert url.password == database["environment"]["POSTGRES_PASSWORD"] == "s3cret"
        assert url.database == database["environment"]["POSTGRES_DB"]


def test_compose_migrates_as_its_own_step_before_klik_starts() -> None:
    services = compose({"POSTGRES_PASSWORD": "s3cret"})["services"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["klik"]["command"] == ["run"]
    assert services["klik"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert services["klik"]["image"] == services["migrate"]["image"]


def test_compose_starts_klik_only_when_postgres_answers() -> None:
    check = compose({"POSTGRES_PASSWORD": "s3cret"})["services"]["db"]["healthcheck"]
    assert check["test"][:2] == ["CMD", "pg_isready"]


def test_compose_keeps_the_database_in_a_named_volume() -> None:
    loaded = compose({"POSTGRES_PASSWORD": "s3cret"})
    assert loaded["services"]["db"]["volumes"] == ["db-data:/var/lib/postgresql/data"]
    assert "db-data" in loaded["volumes"]


def test_compose_reads_the_token_and_the_settings_from_dot_env() -> None:
    services = compose({"POSTGRES_PASSWORD": "s3cret"})["services"]
    assert services["klik"]["env_file"] == ".env"
    assert "TELEGRAM_TOKEN" not in services["klik"]["environment"]


def test_a_dot_env_copied_from_the_example_keeps_the_content_shipped_in_the_image() -> None:
    # compose passes .env into the container, where a CONTENT_DIR of the source tree is absent.
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if line.startswith("CONTENT_DIR=")]


def test_the_build_context_leaves_out_secrets_and_local_state() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert {".env", ".git", ".venv", "var"} <= set(lines)
