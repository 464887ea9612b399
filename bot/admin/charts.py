"""Charts for /stats and /outcomes, drawn offline with Pillow and the shipped DejaVu fonts."""

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


def outcomes_chart(
    title: str, legend: tuple[str, str], rows: Sequence[tuple[str, float | None, float | None, float]]
) -> bytes:
    """One PNG: per indicator (label, baseline mean, endline mean, the scale's top), the two means as
    a pair of bars on the indicator's own scale; a suppressed or missing mean is a dash."""
    height = 200 + 110 * max(len(rows), 1)
    image = Image.new("RGB", (WIDTH, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((60, 40), title, font=_font(True, 40), fill=INK)
    for i, (name, colour) in enumerate(zip(legend, (BAR, ACCENT), strict=True)):
        x = 60 + i * 360
        draw.rounded_rectangle((x, 110, x + 30, 134), radius=6, fill=colour)
        draw.text((x + 44, 106), name, font=_font(False, 26), fill=INK)
    bar_left, width = 420, WIDTH - 420 - 160
    for i, (label, base, end, top) in enumerate(rows):
        y = 170 + i * 110
        draw.text((60, y + 22), label, font=_font(False, 26), fill=INK)
        for j, (value, colour) in enumerate(((base, BAR), (end, ACCENT))):
            y0 = y + j * 44
            if value is None:
                draw.text((bar_left, y0 + 4), "—", font=_font(True, 26), fill=MUTED)
                continue
            length = max(int(width * min(value, top) / (top or 1)), 4)
            draw.rounded_rectangle((bar_left, y0, bar_left + length, y0 + 36), radius=8, fill=colour)
            draw.text((bar_left + length + 12, y0 + 4), f"{value:.2f}", font=_font(True, 26), fill=INK)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
