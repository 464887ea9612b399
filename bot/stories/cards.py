"""Story cards: read the TOML files in stories/, validate them, and build their captions.

One file per card (`stories/<slug>.toml`) with its text in ky, ru and en; stories/README.md
describes the format. `check_cards` reports every problem at once, so that
`python -m bot stories check` can list them all before a card reaches anyone.
"""

from __future__ import annotations

from pathlib import Path

from bot.stories.models import (
    CAPTION_LIMIT,
    LANGUAGES,
    REGIONS,
    CardText,
    Problem,
    StoryCard,
    StoryError,
    build_caption,
    caption_length,
)
from bot.stories.validation import parse_card_file, parse_card_text

__all__ = [
    "CAPTION_LIMIT",
    "LANGUAGES",
    "REGIONS",
    "STORIES_DIR",
    "CardText",
    "Problem",
    "StoryCard",
    "StoryError",
    "build_caption",
    "caption_length",
    "check_card_text",
    "check_cards",
    "load_cards",
]

STORIES_DIR = Path(__file__).resolve().parent.parent.parent / "stories"


def load_cards(directory: Path) -> list[StoryCard]:
    """Every card in `directory`, sorted by slug; raises StoryError listing every problem."""
    cards, problems = _read_directory(directory)
    if problems:
        raise StoryError(problems)
    return cards


def check_cards(directory: Path) -> list[Problem]:
    """Every problem in the cards of `directory` (an empty list when all are valid)."""
    return _read_directory(directory)[1]


def check_card_text(text: str, file_name: str, directory: Path = STORIES_DIR) -> tuple[StoryCard | None, list[Problem]]:
    """One card sent as a file (not in `directory`): the card, or None and every problem in it.
    The file name must be `<slug>.toml`, as for a card in stories/; a portrait is looked up there."""
    parsed = parse_card_text(text, directory / file_name)
    if isinstance(parsed, Problem):
        return None, [parsed]
    card = parsed.check()
    return card, sorted(parsed.problems, key=lambda problem: problem.line or 0)


def _read_directory(directory: Path) -> tuple[list[StoryCard], list[Problem]]:
    if not directory.is_dir():
        return [], [Problem(directory, None, "story directory not found")]
    parsed = [parse_card_file(path) for path in sorted(directory.glob("*.toml"))]
    checkers = [item for item in parsed if not isinstance(item, Problem)]
    # A slug names its file, so a file whose slug matches its name owns that slug;
    # any other file claiming it is the duplicate.
    owners = sorted(checkers, key=lambda checker: _slug(checker.data) != checker.path.stem)
    owner_of: dict[str, Path] = {}
    duplicates: set[Path] = set()
    for checker in owners:
        slug = _slug(checker.data)
        if slug and slug in owner_of:
            duplicates.add(checker.path)
            checker.problem(f"slug {slug!r} is already used by {owner_of[slug].name}", "slug")
        elif slug:
            owner_of[slug] = checker.path
    cards: list[StoryCard] = []
    problems: list[Problem] = []
    for item in parsed:
        if isinstance(item, Problem):
            problems.append(item)
            continue
        card = item.check()
        problems.extend(sorted(item.problems, key=lambda problem: problem.line or 0))
        if card is not None and item.path not in duplicates:
            cards.append(card)
    return sorted(cards, key=lambda card: card.slug), problems


def _slug(data: dict[str, object]) -> str:
    slug = data.get("slug")
    return slug.strip() if isinstance(slug, str) else ""
