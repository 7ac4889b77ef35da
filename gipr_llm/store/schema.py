"""The corpus store's schema, as numbered migrations.

A store records its schema version in ``store_meta``; opening a store applies the
migrations it lacks, each in its own transaction, so a store is always at one version.
A store written by a newer gipr (a version this code does not know) is refused rather
than guessed at.
"""

from __future__ import annotations

import duckdb

# Each migration is the list of statements that takes the store from version i to i + 1.
MIGRATIONS: list[list[str]] = [
    # 1: the four tables and the failed inputs (kept in ``reports`` with status 'failed').
    [
        """CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
        """CREATE TABLE reports (
            report_id VARCHAR PRIMARY KEY,      -- sha256 of the file, or 'path:' + path when unreadable
            source_path VARCHAR NOT NULL,
            sha256 VARCHAR,
            format VARCHAR,
            encoding VARCHAR,
            status VARCHAR NOT NULL,            -- ok | failed
            error VARCHAR,                      -- why a failed input failed
            body VARCHAR,                       -- canonical body key (meta.body_key, else the printed body)
            printed_body VARCHAR,               -- the body as printed in the title
            province VARCHAR,                   -- provincial-level unit the body name starts with, when it does
            year INTEGER,
            template VARCHAR,
            extractor VARCHAR,                  -- rules | llm
            model VARCHAR,
            prompt_sha256 VARCHAR,
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            total_tokens INTEGER,
            extraction_version VARCHAR NOT NULL,
            errors INTEGER,
            warnings INTEGER,
            ingested_at TIMESTAMP DEFAULT current_timestamp
        )""",
        """CREATE TABLE cells (
            report_id VARCHAR NOT NULL,
            table_name VARCHAR NOT NULL,        -- table2 | table3 | table4
            row_key VARCHAR NOT NULL,
            row_label VARCHAR,
            column_key VARCHAR NOT NULL,
            column_label VARCHAR,
            value DECIMAL(18, 4),
            state VARCHAR NOT NULL,             -- number | blank | not_applicable | unreadable | recovered
            raw VARCHAR,
            unit VARCHAR
        )""",
        """CREATE TABLE facts (
            report_id VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            label VARCHAR,
            value DECIMAL(18, 4),
            unit VARCHAR,
            approximate BOOLEAN,
            quote VARCHAR,
            extractor VARCHAR
        )""",
        """CREATE TABLE findings (
            report_id VARCHAR NOT NULL,
            seq INTEGER NOT NULL,
            rule VARCHAR NOT NULL,
            severity VARCHAR NOT NULL,
            stage VARCHAR,
            fault VARCHAR,                      -- report | reading | NULL
            table_name VARCHAR,
            row_key VARCHAR,
            column_key VARCHAR,
            cell VARCHAR,                       -- 'table.row.column' when the finding is about one cell
            message VARCHAR NOT NULL,
            likely_fix VARCHAR,                 -- JSON: the cell and the value that satisfies every rule
            raw VARCHAR,
            line INTEGER
        )""",
    ],
    # 2: cells with their report's body, year and province, the shape most questions start from.
    # (No index on report_id: DuckDB's zone maps find a report's rows, and an ART index would
    # slow every insert of a large ingest.)
    [
        """CREATE VIEW cells_by_report AS
            SELECT r.body, r.printed_body, r.province, r.year, r.template, r.source_path, c.*
            FROM cells c JOIN reports r USING (report_id)""",
    ],
]

STORE_VERSION = len(MIGRATIONS)


class StoreVersionError(Exception):
    """The store was written by a newer gipr than this one."""


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'store_meta'"
    ).fetchone()[0]
    if not exists:
        return 0
    row = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection, target: int = STORE_VERSION) -> int:
    """Apply the migrations the store lacks, up to ``target``; returns the version reached."""
    current = schema_version(con)
    if current > STORE_VERSION:
        raise StoreVersionError(
            f"语料库的结构版本为 {current}，本程序只认识到 {STORE_VERSION}，请升级 gipr"
            f" (store schema {current} is newer than this gipr's {STORE_VERSION})"
        )
    for version in range(current, target):
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in MIGRATIONS[version]:
                con.execute(statement)
            con.execute("INSERT OR REPLACE INTO store_meta VALUES ('schema_version', ?)", [str(version + 1)])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return max(current, target)
