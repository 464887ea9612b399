"""Charts for /stats, drawn offline with Pillow and the shipped DejaVu fonts: the funnel and weekly sign-ups."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from bot.stories.picture import BOLD_FONT, REGULAR_FONT

WIDTH, HEIGHT = 1200, 1000
INK, MUTED, BAR, ACCENT, PAPER = (
    (40, 36, 60),
    (120, 116, 140),
    (126, 87, 194),
    (236, 120, 96),
    (250, 248, 252),
)


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD_FONT if bold else REGULAR_FONT), size)


def stats_chart(
    title: str,
    funnel: Sequence[tuple[str, int]],
    weekly_title: str,
    weekly: Sequence[tuple[str, int]],
) -> bytes:
    """One PNG: the funnel as horizontal bars, then weekly sign-ups as columns."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((60, 40), title, font=_font(True, 44), fill=INK)
    top, bar_left = 130, 480
    widest = max((v for _, v in funnel), default=0) or 1
    for i, (label, value) in enumerate(funnel):
        y = top + i * 72
        draw.text((60, y + 10), label, font=_font(False, 30), fill=INK)
        length = int((WIDTH - bar_left - 160) * value / widest)
        draw.rounded_rectangle((bar_left, y, bar_left + max(length, 4), y + 50), radius=10, fill=BAR)
        draw.text((bar_left + max(length, 4) + 16, y + 8), str(value), font=_font(True, 30), fill=INK)

    base = HEIGHT - 90
    chart_top = top + len(funnel) * 72 + 80
    draw.text((60, chart_top - 60), weekly_title, font=_font(True, 34), fill=INK)
    if weekly:
        highest = max(v for _, v in weekly) or 1
        slot = (WIDTH - 120) / len(weekly)
        for i, (week, value) in enumerate(weekly):
            x = 60 + i * slot
            h = int((base - chart_top - 40) * value / highest)
            draw.rounded_rectangle((x + 8, base - max(h, 2), x + slot - 8, base), radius=6, fill=ACCENT)
            draw.text((x + 8, base - max(h, 2) - 34), str(value), font=_font(True, 24), fill=INK)
            draw.text((x + 8, base + 12), week[5:], font=_font(False, 20), fill=MUTED)
    draw.line((60, base, WIDTH - 60, base), fill=MUTED, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
