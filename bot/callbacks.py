"""Callback data: short ASCII `v1:area:action:arg...`, built and parsed in one place.

Never translated text (Telegram allows 64 bytes; Cyrillic takes two a letter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VERSION = "v1"
MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_.+\-]*$")


@dataclass(frozen=True, slots=True)
class Callback:
    area: str
    action: str
    args: tuple[str, ...] = ()

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default

    def int_arg(self, index: int) -> int | None:
        value = self.arg(index)
        return int(value) if value.isdigit() else None


def cb(area: str, action: str, *args: object) -> str:
    parts = [VERSION, area, action, *(str(a) for a in args)]
    for part in parts:
        if not _PART.match(part):
            raise ValueError(f"callback part {part!r} is not short ASCII")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data {data!r} is longer than {MAX_BYTES} bytes")
    return data


def parse_callback(data: str | None) -> Callback | None:
    """The parsed callback, or None for anything not ours or of another version."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 3 or parts[0] != VERSION or not all(_PART.match(p) for p in parts):
        return None
    return Callback(parts[1], parts[2], tuple(parts[3:]))


def pattern(area: str, action: str | None = None) -> str:
    """A regex for CallbackQueryHandler matching one area (and action)."""
    head = f"^{VERSION}:{re.escape(area)}:"
    return head + (f"{re.escape(action)}(:|$)" if action else "")
