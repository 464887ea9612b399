"""What a nomination may hold (pure): cleaned text within limits, an http(s) link, safe CSV cells."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import urlparse

LIMITS = {"name": 100, "why": 600, "link": 300}
REGIONS = ("kyrgyzstan", "central_asia", "world")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|")


def clean(text: str | None, limit: int) -> str:
    """Her text without control or format characters, whitespace collapsed, cut to `limit`; "" if empty."""
    if text is None:
        return ""
    kept = "".join(
        " " if char.isspace() else char
        for char in unicodedata.normalize("NFC", text)
        if char.isspace() or unicodedata.category(char)[0] != "C"
    )
    return " ".join(kept.split())[:limit].strip()


def link(text: str | None) -> str | None:
    """The link cleaned, or None when it is not an http(s) address."""
    value = clean(text, LIMITS["link"])
    parts = urlparse(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        return None
    return value


def neutralise(cell: object) -> str:
    """A cell a spreadsheet shows as text, never runs: a leading formula character gets a quote."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads Cyrillic), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
