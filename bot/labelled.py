"""A closed choice whose members carry their label, as Django's TextChoices do:
`ONLINE = "online", N_("Online")`; the label is marked with N_ and translated at render time."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A StrEnum whose value is the short code (database, callback data) and `label` the words."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[Self, str]:
        """Member → label, in declaration order (the order buttons are shown in)."""
        return {member: member.label for member in cls}
