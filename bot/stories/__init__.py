"""Story cards about women in STEM: the card files in stories/, their loader and validator."""

from bot.stories.cards import (
    CAPTION_LIMIT,
    LANGUAGES,
    REGIONS,
    STORIES_DIR,
    CardText,
    Problem,
    StoryCard,
    StoryError,
    build_caption,
    caption_length,
    check_cards,
    load_cards,
)

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
    "check_cards",
    "load_cards",
]
