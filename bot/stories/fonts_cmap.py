"""Which code points a TrueType font can draw, read from its cmap table (no system font tools)."""

from __future__ import annotations

import struct
from functools import cache
from pathlib import Path


@cache
def code_points(path: Path) -> frozenset[int]:
    """Every code point the font maps to a glyph: its Unicode cmap subtables (format 4 and 12)."""
    data = path.read_bytes()
    (tables,) = struct.unpack_from(">H", data, 4)
    records = (struct.unpack_from(">4sIII", data, 12 + 16 * i) for i in range(tables))
    cmap = next((offset for tag, _, offset, _ in records if tag == b"cmap"), None)
    if cmap is None:
        raise ValueError(f"{path.name} has no cmap table")
    (subtables,) = struct.unpack_from(">H", data, cmap + 2)
    points: set[int] = set()
    for i in range(subtables):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        if platform == 0 or (platform == 3 and encoding in (1, 10)):
            points |= _subtable_points(data, cmap + offset)
    return frozenset(points)


def _subtable_points(data: bytes, start: int) -> set[int]:
    (form,) = struct.unpack_from(">H", data, start)
    points: set[int] = set()
    if form == 4:  # segments of 16-bit code points
        count = struct.unpack_from(">H", data, start + 6)[0] // 2
        ends = struct.unpack_from(f">{count}H", data, start + 14)
        firsts = struct.unpack_from(f">{count}H", data, start + 16 + 2 * count)
        deltas = struct.unpack_from(f">{count}h", data, start + 16 + 4 * count)
        offsets_at = start + 16 + 6 * count
        offsets = struct.unpack_from(f">{count}H", data, offsets_at)
        segments = zip(firsts, ends, deltas, offsets, strict=True)
        for seg, (first, end, delta, offset) in enumerate(segments):
            for code in range(first, min(end, 0xFFFE) + 1):
                glyph = code
                if offset:  # the glyph id is read from the glyph array
                    where = offsets_at + 2 * seg + offset + 2 * (code - first)
                    (glyph,) = struct.unpack_from(">H", data, where)
                if glyph and (glyph + delta) & 0xFFFF:
                    points.add(code)
    elif form == 12:  # groups of 32-bit code points
        (groups,) = struct.unpack_from(">I", data, start + 12)
        for i in range(groups):
            first, end, glyph = struct.unpack_from(">III", data, start + 16 + 12 * i)
            points.update(range(first if glyph else first + 1, end + 1))
    return points
