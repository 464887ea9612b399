"""Who fits what, fast: the open opportunities indexed by each attribute eligibility reads, as bit
masks worked out with `rules.fits`'s own parts, so thousands of digests share one pass per value.

Bit i stands for `opportunities[i]`; a seeker's mask is the AND of her attributes' masks. Every
mask is computed by the same rule functions `fits` uses (age_fits, reading_language), per distinct
value, so the index cannot drift from the one rule; a property test compares the two.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime

from bot.opportunities.rules import Opportunity, Seeker, age_fits, is_open, reading_language


class FitIndex:
    def __init__(self, opportunities: list[Opportunity], now: datetime) -> None:
        self.opportunities = opportunities
        self._open = self._mask(lambda o: is_open(o, now))
        self._cache: dict[tuple[str, Hashable], int] = {}
        self._new: dict[datetime, int] = {}
        self._languages: dict[tuple, str | None] = {}

    def _mask(self, test: Callable[[Opportunity], bool]) -> int:
        mask = 0
        for i, opportunity in enumerate(self.opportunities):
            if test(opportunity):
                mask |= 1 << i
        return mask

    def _by(self, attribute: str, value: Hashable, test: Callable[[Opportunity], bool]) -> int:
        key = (attribute, value)
        if key not in self._cache:
            self._cache[key] = self._mask(test)
        return self._cache[key]

    def mask(self, seeker: Seeker) -> int:
        """The opportunities that fit her, as a bit mask."""
        reads = (seeker.language, seeker.languages)
        return (
            self._open
            & self._by("age", seeker.age_band, lambda o: age_fits(seeker.age_band, o.age_bands))
            & self._by("region", seeker.region, lambda o: not o.regions or seeker.region in o.regions)
            & self._by("stage", seeker.stage, lambda o: not o.stages or seeker.stage in o.stages)
            & self._fields(seeker.fields)
            & self._by("reads", reads, lambda o: reading_language(seeker, frozenset(o.titles)) is not None)
        )

    def _fields(self, fields: frozenset[str]) -> int:
        # `not o.fields or fields & o.fields` as a union of one mask per field: few fields, many combinations.
        if ("fields", fields) not in self._cache:
            mask = self._by("field", None, lambda o: not o.fields)
            for one in fields:
                mask |= self._by("field", one, lambda o, one=one: one in o.fields)
            self._cache["fields", fields] = mask
        return self._cache["fields", fields]

    def added_after(self, since: datetime) -> int:
        if since not in self._new:
            self._new[since] = self._mask(lambda o: o.created_at is not None and o.created_at > since)
        return self._new[since]

    def without(self, ids: set[int] | frozenset[int]) -> int:
        """All bits but those of these opportunities."""
        return ~self._mask(lambda o: o.id in ids) if ids else -1

    def pick(self, seeker: Seeker, mask: int, most: int | None = None) -> list[tuple[Opportunity, str]]:
        """The opportunities in `mask`, in the index's order (at most `most`), each with her language."""
        found: list[tuple[Opportunity, str]] = []
        while mask and (most is None or len(found) < most):
            low = mask & -mask
            opportunity = self.opportunities[low.bit_length() - 1]
            key = (seeker.language, seeker.languages, opportunity.id)
            if key not in self._languages:
                self._languages[key] = reading_language(seeker, frozenset(opportunity.titles))
            language = self._languages[key]
            assert language is not None  # the mask only holds ones she reads
            found.append((opportunity, language))
            mask ^= low
        return found
