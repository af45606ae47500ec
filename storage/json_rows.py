"""Several rows read as one value: a JSON array of arrays, built by the database in a
subquery, so a row and the rows that belong to it (a youngster and their answers) come back
in one statement instead of two. PostgreSQL and SQLite both build JSON, each with its own
functions; no rows give NULL (PostgreSQL) or an empty array (SQLite), both read as [].

The database sees the stored values only: a sealed column comes back sealed, and the reader
opens it (storage/sealing.py `ring().open`).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class json_rows(FunctionElement[str]):
    """The aggregate of `json_rows(a, b, c)`: [[a, b, c], ...] over the rows of its query."""

    type = Text()
    inherit_cache = True
    name = "json_rows"

    def __init__(self, *columns: Any) -> None:
        super().__init__(*columns)


@compiles(json_rows, "postgresql")
def _postgresql(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))::text"


@compiles(json_rows, "sqlite")
def _sqlite(element: json_rows, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


def read_rows(value: str | None) -> list[list[Any]]:
    """The rows a `json_rows` column holds."""
    return json.loads(value) if value else []
