"""The numbers a card states, so that its three languages can be held to the same facts.

A number is a run of digits, or groups of three digits joined by a thousands separator
("50,000", "50 000", "50.000", "50'000"); a scale word after it multiplies it ("50 тысяч",
"50 миң", "50 thousand", "3 млн"). Everything else (words for numbers, Roman numerals) is not
compared, which is why stories/README.md asks for numbers written in digits in every language.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.stories.telegram_html import plain_text

_SEPARATORS = ",.' \u00a0\u202f\u2009"
_NUMBER = re.compile(rf"(?<!\d)(\d{{1,3}}(?:[{_SEPARATORS}]\d{{3}})+(?!\d)|\d+)")
_SCALES = (
    (re.compile(r"\s*(?:thousand|тысяч[аиу]?|тыс\.?|миң)(?!\w)", re.IGNORECASE), 1_000),
    (re.compile(r"\s*(?:million|миллион\w*|млн\.?)(?!\w)", re.IGNORECASE), 1_000_000),
    (re.compile(r"\s*(?:billion|миллиард\w*|млрд\.?)(?!\w)", re.IGNORECASE), 1_000_000_000),
)


def numbers(text: str) -> Counter[int]:
    """Every number in `text` (Telegram HTML: tags and link targets do not count), with its scale."""
    plain = plain_text(text)
    found: Counter[int] = Counter()
    for match in _NUMBER.finditer(plain):
        value = int(re.sub(rf"[{_SEPARATORS}]", "", match.group()))
        for pattern, scale in _SCALES:
            if pattern.match(plain, match.end()):
                value *= scale
                break
        found[value] += 1
    return found


def difference(reference: Counter[int], other: Counter[int]) -> tuple[list[int], list[int]]:
    """(numbers `other` lacks, numbers `other` adds), each sorted, repeats kept."""
    return sorted((reference - other).elements()), sorted((other - reference).elements())
