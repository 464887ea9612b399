"""Stories of women in STEM: the card files in stories/ with their loader and validator (cards),
pictures, the push schedule (schedule, pure) and its SQL (store)."""

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
