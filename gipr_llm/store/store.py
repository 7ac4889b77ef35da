"""The corpus store: one DuckDB file holding every report read, its cells, facts and findings.

Written by the orchestrator (``pipeline.corpus``), read by the exports. Reports are keyed by
the file's sha256; a report is written with every row that belongs to it in one
transaction per batch, so an interrupted ingest leaves whole reports or none.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from gipr_llm.store.rows import CELL_COLUMNS, FACT_COLUMNS, FINDING_COLUMNS, REPORT_COLUMNS, Rows
from gipr_llm.store.schema import migrate

# Per column, the Arrow type its values travel as (everything else is text). Rows go to DuckDB
# as an Arrow table: several times faster than Python lists as query parameters.
_ARROW_TYPES = {
    "year": pa.int32(), "prompt_tokens": pa.int64(), "completion_tokens": pa.int64(),
    "total_tokens": pa.int64(), "errors": pa.int32(), "warnings": pa.int32(), "seq": pa.int32(),
    "line": pa.int32(), "approximate": pa.bool_(), "value": pa.decimal128(18, 4),
}  # fmt: skip
_TABLES = (
    ("reports", REPORT_COLUMNS),
    ("cells", CELL_COLUMNS),
    ("facts", FACT_COLUMNS),
    ("findings", FINDING_COLUMNS),
)


class Store:
    """An open corpus store; ``Store.open(path)`` creates or migrates it (``:memory:`` works)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    @classmethod
    def open(cls, path: str | Path = ":memory:", *, read_only: bool = False) -> Store:
        if read_only and str(path) != ":memory:" and not Path(path).exists():
            raise FileNotFoundError(f"{path}: 语料库不存在 (no such store)")
        con = duckdb.connect(str(path), read_only=read_only)
        if not read_only:
            migrate(con)
        return cls(con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- ingest -----------------------------------------------------------------------

    def known_sha256(self, version: str) -> set[str]:
        """The sha256 of every input already read (or failed) at this extraction version."""
        rows = self.con.execute(
            "SELECT sha256 FROM reports WHERE extraction_version = ? AND sha256 IS NOT NULL", [version]
        ).fetchall()
        return {r[0] for r in rows}

    def write(self, rows: Rows) -> None:
        """Replace the rows of these reports (same id, or same path read before), in one transaction."""
        if not rows.reports:
            return
        ids = [r[0] for r in rows.reports]
        paths = [r[1] for r in rows.reports]
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            stale = [
                r[0]
                for r in con.execute(
                    "SELECT report_id FROM reports WHERE list_contains($1, report_id) OR list_contains($2, source_path)",
                    [ids, paths],
                ).fetchall()
            ]
            if stale:
                for table, _ in _TABLES:
                    con.execute(f"DELETE FROM {table} WHERE list_contains($1, report_id)", [stale])
            for table, columns in _TABLES:
                self._insert(table, columns, getattr(rows, table))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def _insert(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        schema = pa.schema([(name, _ARROW_TYPES.get(name, pa.string())) for name in columns])
        batch = pa.Table.from_arrays(
            [
                pa.array(list(col), type=field.type)
                for col, field in zip(zip(*rows, strict=True), schema, strict=True)
            ],
            schema=schema,
        )
        self.con.register("incoming", batch)
        try:
            self.con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM incoming")
        finally:
            self.con.unregister("incoming")

    # --- read -------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        return {
            table: self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table, _ in _TABLES
        }
