"""The corpus store (DuckDB): written by the orchestrator, read by the exports."""

from gipr_llm.store.rows import Rows, add_failed, add_report
from gipr_llm.store.schema import STORE_VERSION, StoreVersionError, migrate
from gipr_llm.store.store import Store

__all__ = ["STORE_VERSION", "Rows", "Store", "StoreVersionError", "add_failed", "add_report", "migrate"]
