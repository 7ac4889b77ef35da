"""Render stage: JSON, the check report, briefings."""
