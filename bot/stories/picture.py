"""The picture sent for every story card: a 1080×1080 JPEG.

A calm gradient in the field's colour with the field and country, the name and the title in the
reader's language, drawn with the DejaVu fonts shipped in fonts/ (never the system's fonts); a
card with a portrait (`image`) shows it in a circle above the text.
`PictureCache` keeps each rendered picture on disk so that a restart does not re-render it.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import math
import os
import threading
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from babel import Locale, UnknownLocaleError
from PIL import Image, ImageDraw, ImageFont, ImageOps

from bot.domain import Field
from bot.stories.fonts_cmap import code_points
from bot.stories.models import StoryCard

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR_FONT = FONTS_DIR / "DejaVuSans.ttf"
BOLD_FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"

DESIGN_VERSION = "3"  # bump when the design changes, so cached pictures are drawn again
SIZE = 1080
MARGIN = 96
JPEG_QUALITY = 88
MARK = "STEMinist"
MARK_SIZE = 34
MARK_BASELINE = SIZE - MARGIN
# Text never goes below this line, so it keeps clear of the mark.
TEXT_AREA = (MARGIN, MARGIN, SIZE - MARGIN, MARK_BASELINE - MARK_SIZE - 56)
PORTRAIT = 300  # the portrait's diameter; the text starts below it
PORTRAIT_TEXT_AREA = (MARGIN, MARGIN + PORTRAIT + 48, *TEXT_AREA[2:])
# Where CLDR's name is not the one the programme uses.
COUNTRY_NAMES = {("ru", "KG"): "Кыргызстан", ("ru", "US"): "США", ("ky", "US"): "АКШ"}

CREAM = (255, 248, 238)
SOFT_CREAM = (250, 236, 222)
DASHES = ("—", "–", "-")
VS = frozenset(map(chr, range(0xFE00, 0xFE10)))  # variation selectors: emoji leftovers


@dataclass(frozen=True)
class Palette:
    top: tuple[int, int, int]  # the gradient's top-left corner
    bottom: tuple[int, int, int]  # its bottom-right corner
    accent: tuple[int, int, int]  # the field label and the mark's dot


PALETTES: dict[Field, Palette] = {
    Field.IT: Palette((74, 37, 69), (150, 62, 96), (255, 196, 170)),
    Field.DATA_AI: Palette((52, 45, 98), (112, 82, 150), (255, 205, 160)),
    Field.ENGINEERING: Palette((104, 44, 40), (176, 84, 64), (255, 214, 160)),
    Field.MATH: Palette((26, 74, 84), (58, 120, 118), (255, 210, 160)),
    Field.PHYSICS: Palette((35, 57, 95), (82, 114, 168), (255, 206, 156)),
    Field.SPACE: Palette((30, 32, 66), (88, 66, 128), (255, 200, 150)),
    Field.CHEMISTRY: Palette((104, 60, 28), (164, 106, 46), (255, 226, 170)),
    Field.BIOMED: Palette((118, 40, 68), (178, 88, 108), (255, 214, 196)),
    Field.EARTH_ENV: Palette((40, 74, 54), (92, 128, 80), (255, 222, 164)),
}
DEFAULT_PALETTE = PALETTES[Field.SPACE]


@dataclass(frozen=True)
class Block:
    """One kind of text on the picture: its font and its range of sizes."""

    font: Path
    max_size: int
    min_size: int
    max_lines: int
    leading: float  # baseline to baseline, in font sizes
    colour: tuple[int, int, int]


LABEL = Block(BOLD_FONT, 40, 30, 2, 1.3, CREAM)  # field · country, coloured with the field's accent
NAME = Block(BOLD_FONT, 100, 44, 3, 1.14, CREAM)
TITLE = Block(REGULAR_FONT, 48, 28, 4, 1.34, SOFT_CREAM)
BLOCKS = {"label": LABEL, "name": NAME, "title": TITLE}  # top to bottom
GAPS = {"label": 0.9, "name": 0.55, "title": 0.0}  # the space under each, in its font size


@dataclass(frozen=True)
class TextLine:
    """A line of text as drawn: `box` is its ink box (left, top, right, bottom) in pixels."""

    role: str  # "label", "name" or "title"
    text: str
    font: Path
    size: int
    baseline: tuple[int, int]
    box: tuple[int, int, int, int]


def country_name(code: str, language: str) -> str:
    """The country's name in `language` (from CLDR), or "" for an unknown code."""
    if (language, code) in COUNTRY_NAMES:
        return COUNTRY_NAMES[(language, code)]
    try:
        return Locale.parse(language).territories.get(code, "")
    except (ValueError, UnknownLocaleError):
        return ""


def render_picture(card: StoryCard, language: str, field_label: str) -> bytes:
    """The card's picture in `language` as JPEG bytes (1080×1080, well under 300 KB)."""
    text = card.text(language)
    palette = PALETTES.get(card.field, DEFAULT_PALETTE)
    image = _background(palette).copy()
    portrait = card.image_path
    if portrait is not None:
        _paste_portrait(image, portrait, palette)
    draw = ImageDraw.Draw(image)
    area = PORTRAIT_TEXT_AREA if portrait is not None else TEXT_AREA
    for line in layout(text.name, text.title, field_label, country_name(card.country, language), area=area):
        colour = palette.accent if line.role == "label" else BLOCKS[line.role].colour
        draw.text(line.baseline, line.text, font=_font(line.font, line.size), fill=colour, anchor="ls")
    _draw_mark(draw, palette)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


def layout(
    name: str, title: str, field_label: str, country: str = "", *, area: tuple[int, int, int, int] = TEXT_AREA
) -> list[TextLine]:
    """Where each line goes: wrapped, and shrunk until every line lies inside `area`."""
    label = " · ".join(part for part in (field_label, country) if part)
    texts = {
        "label": drawable(label, LABEL.font).upper(),
        "name": drawable(name, NAME.font),
        "title": drawable(title, TITLE.font),
    }
    scale = 1.0
    while True:
        lines = _place(texts, scale, area)
        if all(_inside(line.box, area) for line in lines) or scale < 0.1:
            return lines
        scale *= 0.9


def glyph_coverage(text: str, font_path: Path) -> set[str]:
    """The characters of `text` that the font has no glyph for (read from its cmap table)."""
    covered = code_points(Path(font_path))
    return {char for char in text if ord(char) not in covered}


def drawable(text: str, font_path: Path) -> str:
    """`text` without what the font cannot draw (emoji, control characters), spaces tidied."""
    covered = code_points(Path(font_path))
    kept = (
        char
        for char in unicodedata.normalize("NFC", text)
        if char.isspace() or (ord(char) in covered and unicodedata.category(char)[0] != "C" and char not in VS)
    )
    return " ".join("".join(kept).split())


class PictureCache:
    """Rendered pictures on disk, one file per card, language and text (and design) version."""

    def __init__(
        self,
        directory: Path,
        render: Callable[[StoryCard, str, str], bytes] = render_picture,
    ) -> None:
        self.directory = Path(directory)
        self._render = render
        # One render at a time: users asking at once for the same card get the one file, and memory
        # holds one picture's arrays, not one per user.
        self._rendering = threading.Lock()
        # And always in the same thread: each thread that allocates numpy's big arrays keeps its own
        # malloc arena, so renders spread over a pool's threads leave the process larger.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pictures")

    async def fetch(self, card: StoryCard, language: str, field_label: str) -> bytes:
        """`get` off the event loop (a render takes ~50 ms of CPU): everyone else is answered meanwhile."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, self.get, card, language, field_label)

    def close(self) -> None:
        self._worker.shutdown(wait=True)

    def path(self, card: StoryCard, language: str, field_label: str) -> Path:
        text = card.text(language)
        parts = (DESIGN_VERSION, card.field, card.country, card.image, text.name, text.title, field_label)
        digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
        return self.directory / f"{card.slug}.{language}.{digest}.jpg"

    def get(self, card: StoryCard, language: str, field_label: str) -> bytes:
        """The picture from disk, or rendered and stored (replacing older versions) if absent."""
        path = self.path(card, language, field_label)
        with self._rendering:
            if path.exists():
                return path.read_bytes()
            return self._render_to(path, card, language, field_label)

    def _render_to(self, path: Path, card: StoryCard, language: str, field_label: str) -> bytes:
        picture = self._render(card, language, field_label)
        self.directory.mkdir(parents=True, exist_ok=True)
        for old in self.directory.glob(f"{card.slug}.{language}.*.jpg"):
            old.unlink(missing_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(picture)
        temporary.replace(path)
        return picture


def _place(texts: dict[str, str], scale: float, area: tuple[int, int, int, int]) -> list[TextLine]:
    left, top, right, bottom = area
    width = right - left
    fitted = []  # (role, block, size, lines)
    for role, block in BLOCKS.items():
        if texts[role]:
            size, lines = _fit(texts[role], block, width, scale)
            fitted.append((role, block, size, lines))
    heights = []
    for index, (role, block, size, lines) in enumerate(fitted):
        ascent, descent = _font(block.font, size).getmetrics()
        gap = GAPS[role] * size if index < len(fitted) - 1 else 0
        heights.append(ascent + descent + (len(lines) - 1) * round(size * block.leading) + gap)
    y = top + max(0, (bottom - top - sum(heights)) // 2)  # centred in the text area
    placed = []
    for (role, block, size, lines), height in zip(fitted, heights, strict=True):
        font = _font(block.font, size)
        baseline = y + font.getmetrics()[0]
        for line in lines:
            x0, y0, x1, y1 = _ink(font, line)
            x = left - min(0, x0)  # a glyph that leans left of its origin still starts at `left`
            box = (x + x0, baseline + y0, x + x1, baseline + y1)
            placed.append(TextLine(role, line, block.font, size, (x, baseline), box))
            baseline += round(size * block.leading)
        y += height
    return placed


def _fit(text: str, block: Block, width: int, scale: float) -> tuple[int, list[str]]:
    """The largest size at which `text` wraps into the block's lines without breaking a word."""
    largest = max(8, round(block.max_size * scale))
    smallest = max(8, min(largest, round(block.min_size * scale)))
    for size in range(largest, smallest - 1, -2):
        font = _font(block.font, size)
        lines = _wrap(text, font, width, break_words=False)
        if lines is not None and len(lines) <= block.max_lines:
            return size, _balance(text, font, width, len(lines))
    font = _font(block.font, smallest)  # more lines than the block wants, but all of the text
    lines = _wrap(text, font, width, break_words=False)
    if lines is not None:
        return smallest, _balance(text, font, width, len(lines))
    return smallest, _wrap(text, font, width, break_words=True) or []


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, *, break_words: bool) -> list[str] | None:
    """Greedy word wrap; a word wider than `width` is split by letters, or gives None."""
    lines: list[str] = []
    current = ""
    for word in _words(text):
        if _width(font, word) > width:
            if not break_words:
                return None
            pieces = _split_word(word, font, width)
            if current:
                lines.append(current)
            lines.extend(pieces[:-1])
            current = pieces[-1]
            continue
        candidate = f"{current} {word}" if current else word
        if _width(font, candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def _balance(text: str, font: ImageFont.FreeTypeFont, width: int, count: int) -> list[str]:
    """The same number of lines, as even as they go: no lone word left on the last line."""
    narrow, wide = width // 2, width  # `wide` always wraps into `count` lines
    while wide - narrow > 4:
        middle = (narrow + wide) // 2
        lines = _wrap(text, font, middle, break_words=False)
        if lines is not None and len(lines) <= count:
            wide = middle
        else:
            narrow = middle
    return _wrap(text, font, wide, break_words=False) or []


def _width(font: ImageFont.FreeTypeFont, text: str) -> int:
    """How wide `text` is drawn: its advance or its ink, whichever reaches further."""
    x0, _, x1, _ = _ink(font, text)
    return max(x1, math.ceil(font.getlength(text))) - min(0, x0)


def _ink(font: ImageFont.FreeTypeFont, text: str) -> tuple[int, int, int, int]:
    """The ink box of `text` drawn at the origin on its baseline, rounded outwards."""
    x0, y0, x1, y1 = font.getbbox(text, anchor="ls")
    return math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1)


def _words(text: str) -> list[str]:
    """The words of `text`, a dash kept with the word before it so no line starts with one."""
    words: list[str] = []
    for word in text.split():
        if words and word in DASHES:
            words[-1] += f" {word}"
        else:
            words.append(word)
    return words


def _split_word(word: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    pieces = [""]
    for char in word:
        if pieces[-1] and _width(font, pieces[-1] + char) > width:
            pieces.append("")
        pieces[-1] += char
    return pieces


def _inside(box: tuple[int, int, int, int], area: tuple[int, int, int, int]) -> bool:
    return area[0] <= box[0] and area[1] <= box[1] and box[2] <= area[2] and box[3] <= area[3]


@lru_cache(maxsize=2)  # ~15 MB each: keep the last two fields' backgrounds, not all nine
def _background(palette: Palette) -> Image.Image:
    """A diagonal gradient with two soft circles in the top-right corner."""
    # float32 and in place: a 1080² RGB float64 gradient and its noise would need ~100 MB at once.
    steps = np.add.outer(np.arange(SIZE, dtype=np.float32), np.arange(SIZE, dtype=np.float32))
    steps /= 2 * (SIZE - 1)
    top, bottom = np.array(palette.top, np.float32), np.array(palette.bottom, np.float32)
    pixels = steps[..., None] * (bottom - top)
    del steps
    pixels += top
    # A whisper of noise keeps the gradient from banding; seeded, so pictures are stable.
    noise = np.random.default_rng(0).random(pixels.shape, dtype=np.float32)
    noise *= 3.0
    noise -= 1.5
    pixels += noise
    del noise
    np.clip(pixels, 0, 255, out=pixels)
    image = Image.fromarray(pixels.astype(np.uint8), "RGB").convert("RGBA")
    overlay = Image.new("RGBA", image.size)
    draw = ImageDraw.Draw(overlay)
    cx, cy = SIZE - 120, 150
    draw.ellipse((cx - 330, cy - 330, cx + 330, cy + 330), fill=(*CREAM, 14))
    draw.ellipse((cx - 200, cy - 200, cx + 200, cy + 200), fill=(*CREAM, 12))
    draw.ellipse((cx - 470, cy - 470, cx + 470, cy + 470), outline=(*CREAM, 22), width=2)
    return Image.alpha_composite(image, overlay).convert("RGB")


def _paste_portrait(image: Image.Image, path: Path, palette: Palette) -> None:
    """The portrait, cropped to its centre square, in a circle with a thin accent ring."""
    with Image.open(path) as source:
        portrait = ImageOps.fit(source.convert("RGB"), (PORTRAIT, PORTRAIT), Image.Resampling.LANCZOS)
    mask = Image.new("L", (PORTRAIT, PORTRAIT), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, PORTRAIT - 1, PORTRAIT - 1), fill=255)
    image.paste(portrait, (MARGIN, MARGIN), mask)
    ring = 6
    ImageDraw.Draw(image).ellipse(
        (MARGIN - ring, MARGIN - ring, MARGIN + PORTRAIT + ring, MARGIN + PORTRAIT + ring),
        outline=palette.accent,
        width=ring,
    )


def _draw_mark(draw: ImageDraw.ImageDraw, palette: Palette) -> None:
    font = _font(BOLD_FONT, MARK_SIZE)
    radius = 9
    cap_middle = MARK_BASELINE - round(MARK_SIZE * 0.36)
    draw.ellipse((MARGIN, cap_middle - radius, MARGIN + 2 * radius, cap_middle + radius), fill=palette.accent)
    draw.text((MARGIN + 2 * radius + 14, MARK_BASELINE), MARK, font=font, fill=CREAM, anchor="ls")


@cache
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)
