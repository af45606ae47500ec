"""Where the embedded SQLite file lives when DATABASE_URL is not set: never in whatever folder
`klik` happens to be started from.

- Run from a checkout (the packages sit next to pyproject.toml: `make run`, an editable
  install): `var/klik.db` in the checkout.
- Installed as a package: the platform's data folder, on Linux `$XDG_DATA_HOME/klik/klik.db`
  (normally `~/.local/share/klik/klik.db`). The Docker image sets DATABASE_URL to its volume.

`klik migrate` creates this folder if needed, and no other: a DATABASE_URL that points into a
folder that does not exist is most likely a typo.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path
from sqlalchemy.engine import make_url

CHECKOUT = Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    """The folder of the default SQLite file."""
    if (CHECKOUT / "pyproject.toml").is_file():
        return CHECKOUT / "var"
    return user_data_path("klik", appauthor=False)


def default_database_url() -> str:
    """DATABASE_URL when none is set."""
    return f"sqlite:///{default_data_dir() / 'klik.db'}"


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL (a relative one from the current folder, as SQLite reads
    it); None for PostgreSQL or an in-memory database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).absolute()


def key_file_beside(database: Path) -> Path:
    """The local data key of an embedded SQLite database: beside it, e.g. var/klik.key."""
    return database.with_name(database.stem + ".key")
