"""What happens to a relayed text that carries contact details (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.safety import find_contact_details

SOURCES = ("relay", "question", "answer", "note")


class Action(StrEnum):
    HOLD = "hold"  # a minor is on one side: held back, admins see it
    SHARE = "share"  # adults: not sent, use Share my contact instead


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action
    kinds: tuple[str, ...]


def screen(text: str, *, minor: bool) -> Verdict | None:
    """None if the text may go as it is."""
    found = find_contact_details(text)
    if not found:
        return None
    kinds = tuple(sorted({kind for kind, _ in found}))
    return Verdict(Action.HOLD if minor else Action.SHARE, kinds)


def per_thousand(flags: int, relayed: int) -> float | None:
    """Flags per 1,000 texts that were relayed or held; None before any."""
    total = flags + relayed
    return None if total == 0 else round(1000 * flags / total, 1)
