"""The story card as the bot uses it, the problems a card file can have, and the format's limits."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from bot.domain import Field, Language, Stage
from bot.stories.telegram_html import plain_text, utf16_length

LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)
FALLBACK_LANGUAGES = ("en", "ru", "ky")
REGIONS = ("kyrgyzstan", "central_asia", "soviet", "world")
IMAGES_DIR_NAME = "images"
CAPTION_LIMIT = 1024  # Telegram's limit for a photo caption, after HTML parsing
IMAGE_SIZE_LIMIT = 5 * 1024 * 1024


@dataclass(frozen=True)
class CardText:
    name: str
    title: str
    body: str  # trusted Telegram HTML from the card file


def build_caption(text: CardText) -> str:
    """`<b>{name}</b> · {title}`, a blank line, then the body (name and title escaped)."""
    return f"<b>{html.escape(text.name)}</b> · {html.escape(text.title)}\n\n{text.body}"


def caption_length(caption: str) -> int:
    """A caption's length as Telegram counts it, after parsing its HTML."""
    return utf16_length(plain_text(caption).strip())


@dataclass(frozen=True)
class StoryCard:
    slug: str
    field: Field
    stage: Stage
    region: str
    years: str
    country: str  # ISO 3166-1 alpha-2 code of the country her story belongs to
    sources: tuple[str, ...]  # every page its facts were read in
    image: str
    texts: dict[str, CardText]
    path: Path
    image_credit: str = ""  # the portrait's author and licence, required with `image`

    def text(self, language: str) -> CardText:
        """The card's text in `language`, else in en, ru or ky (the first one it has)."""
        for code in (str(language), *FALLBACK_LANGUAGES):
            if code in self.texts:
                return self.texts[code]
        raise KeyError(f"story card {self.slug!r} has no text")

    def caption(self, language: str) -> str:
        """The photo caption in `language` (with the same fallback as `text`)."""
        return build_caption(self.text(language))

    @property
    def source(self) -> str:
        """The first source, the one shown as "read more"."""
        return self.sources[0]

    @property
    def image_path(self) -> Path | None:
        """The card's own picture in stories/images/, or None when the picture is generated."""
        return self.path.parent / IMAGES_DIR_NAME / self.image if self.image else None


@dataclass(frozen=True)
class Problem:
    """One problem in a card file; prints as `stories/x.toml:12: message`."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path.parent.name}/{self.path.name}"
        return f"{where}:{self.line}: {self.message}" if self.line else f"{where}: {self.message}"


class StoryError(Exception):
    """Raised by `load_cards` when any card is invalid; `problems` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        listing = "\n".join(str(problem) for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in story cards:\n{listing}")
