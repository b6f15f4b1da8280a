"""Text that goes into a spreadsheet cell (CSV exports of reports and feedback)."""

from __future__ import annotations


def safe_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: keep text as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
