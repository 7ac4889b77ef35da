"""The orchestrator: runs the stages in order for one report (``extract``) and for a batch
(``batch``: the one batch runner and the one "check a batch" stage).

Only this package (and the command line and golden runner above it) calls the stages one
after another; nothing below it imports it.
"""

from gipr_llm.pipeline.batch import (
    DEAD_ENDPOINT_LIMIT,
    SUPPORTED_SUFFIXES,
    Batch,
    CheckRun,
    check_paths,
    expand_paths,
    extract_batch,
    extract_many,
)
from gipr_llm.pipeline.extract import extract, parse_document, read_report

__all__ = [
    "DEAD_ENDPOINT_LIMIT",
    "SUPPORTED_SUFFIXES",
    "Batch",
    "CheckRun",
    "check_paths",
    "expand_paths",
    "extract",
    "extract_batch",
    "extract_many",
    "parse_document",
    "read_report",
]
