"""How far the library is from its aim: cards per region and how many name their sources."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.stories.models import StoryCard

KYRGYZSTAN = frozenset({"KG"})
CENTRAL_ASIA = frozenset({"KG", "KZ", "UZ", "TJ", "TM"})
AIM_KYRGYZSTAN = 12


@dataclass(frozen=True)
class Row:
    label: str
    cards: int
    sourced: int


def sourced(card: StoryCard) -> bool:
    """Every fact sourced: the card names at least one page it was read in."""
    return bool(card.sources)


def coverage(cards: Iterable[StoryCard]) -> list[Row]:
    cards = list(cards)
    groups = (
        ("Kyrgyzstan", [c for c in cards if c.country in KYRGYZSTAN]),
        ("Central Asia (with Kyrgyzstan)", [c for c in cards if c.country in CENTRAL_ASIA]),
        ("World (every card)", cards),
    )
    return [Row(label, len(group), sum(map(sourced, group))) for label, group in groups]


def report(cards: Iterable[StoryCard]) -> list[str]:
    """The table and the aim line `python -m bot stories check` prints."""
    kyrgyzstan, central_asia, world = coverage(cards)
    lines = [f"{'region':<32}{'cards':>6}{'sourced':>9}"]
    for row in (kyrgyzstan, central_asia, world):
        share = f"{100 * row.sourced // row.cards}%" if row.cards else "-"
        lines.append(f"{row.label:<32}{row.cards:>6}{row.sourced:>5} {share:>4}")

    def mark(ok: bool) -> str:
        return "met" if ok else "NOT met"

    half = 2 * central_asia.cards >= world.cards
    lines.append(
        f"aim: Kyrgyzstan >= {AIM_KYRGYZSTAN}: {mark(kyrgyzstan.cards >= AIM_KYRGYZSTAN)}; "
        f"Central Asia >= half: {mark(half)} ({central_asia.cards} of {world.cards}); "
        f"100% sourced: {mark(world.sourced == world.cards)}"
    )
    return lines
