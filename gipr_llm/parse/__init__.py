"""Parse stage: a loaded Document -> sections, title facts and 表二/表三/表四 read by row label."""
