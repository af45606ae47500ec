"""The migration the code works with, known without loading Alembic."""

from __future__ import annotations

import subprocess
import sys

from storage.migrate import newest_script
from storage.schema import REVISION


def test_the_revision_the_code_works_with_is_the_newest_migration_script() -> None:
    assert newest_script() == REVISION


def test_a_serving_process_does_not_load_alembic() -> None:
    # Alembic and its template engine would add some 11 MB to every worker.
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, bot.process.app, bot.process.cli, bot.process.health; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"
