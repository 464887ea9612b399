"""Reading an admin's CSV or TOML file of opportunities: every row checked, every problem named by
row and column, the valid rows kept as plain dicts (JSON-safe) for the preview and the confirm."""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import AgeBand, Field, Language, Region, Stage
from bot.i18n import N_
from bot.notices import Msg
from bot.opportunities.rules import Kind

COLUMNS = (
    "kind",
    *(f"title_{lang}" for lang in Language),
    *(f"text_{lang}" for lang in Language),
    "link",
    "organiser",
    "deadline",
    "starts",
    "ends",
    "result",
    "ages",
    "regions",
    "fields",
    "stages",
    "women_only",
    "verified",
)
CODES = {"ages": AgeBand, "regions": Region, "fields": Field, "stages": Stage}
TITLE_MAX, TEXT_MAX = 120, 600
MAX_ROWS = 500
_LINK = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_SPLIT = re.compile(r"[\s,;]+")
_YES = {"yes", "true", "1", "y", "да", "ооба"}
_NO = {"no", "false", "0", "n", "", "нет", "жок"}


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str
    message: Msg


class FileUnreadable(ValueError):
    """The file as a whole could not be read (not a CSV or TOML we understand)."""

    def __init__(self, message: str, **values: Any) -> None:
        super().__init__(message)
        self.msg = Msg(message, **values)


def read_file(filename: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(row number, raw values) for each row: a CSV's spreadsheet row (the header is row 1), a TOML
    file's `[[opportunity]]` entry number."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileUnreadable(N_("The file is not UTF-8 text.")) from None
    name = filename.lower()
    if name.endswith(".toml"):
        try:
            entries = tomllib.loads(text).get("opportunity", [])
        except tomllib.TOMLDecodeError as error:
            raise FileUnreadable(N_("The TOML file could not be read: {error}"), error=str(error)) from None
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise FileUnreadable(N_("The TOML file needs [[opportunity]] tables."))
        return list(enumerate(entries, start=1))
    if name.endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        return [(number, dict(row)) for number, row in enumerate(reader, start=2)]
    raise FileUnreadable(N_("Send a .csv or .toml file."))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _codes(value: Any, allowed: type) -> tuple[list[str], list[str]]:
    items = value if isinstance(value, list) else _SPLIT.split(_text(value))
    items = [_text(item).lower() for item in items if _text(item)]
    valid = {member.value for member in allowed}
    return sorted(set(i for i in items if i in valid)), [i for i in items if i not in valid]


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    return True if text in _YES else False if text in _NO else None


def _deadline(value: Any, zone: ZoneInfo) -> datetime | None:
    """A date means the end of that day in the programme's zone; a time without a zone is in it too."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(23, 59))
    else:
        text = _text(value)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        if len(text) <= 10:
            moment = datetime.combine(moment.date(), time(23, 59))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def _day(value: Any) -> str | bool | None:
    """An ISO date string, None when empty, False when not a date."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return False


def check_row(number: int, raw: dict[str, Any], now: datetime, zone: ZoneInfo) -> tuple[dict | None, list[Problem]]:
    """The row as it will be stored, or None, and every problem found in it."""
    problems: list[Problem] = []

    def problem(column: str, message: str, **values: Any) -> None:
        problems.append(Problem(number, column, Msg(message, **values)))

    raw = {_text(key).lower(): value for key, value in raw.items() if key is not None}
    for unknown in sorted(set(raw) - set(COLUMNS)):
        problem(unknown, N_("unknown column"))
    kind = _text(raw.get("kind")).lower()
    if kind not in {k.value for k in Kind}:
        problem("kind", N_("must be one of: {choices}"), choices=", ".join(k.value for k in Kind))
    titles = {lang.value: _text(raw.get(f"title_{lang}")) for lang in Language}
    titles = {lang: title for lang, title in titles.items() if title}
    texts = {lang.value: _text(raw.get(f"text_{lang}")) for lang in Language}
    texts = {lang: text for lang, text in texts.items() if text}
    if not titles:
        problem("title_ky", N_("a title is needed in at least one language (title_ky, title_ru or title_en)"))
    for lang, title in titles.items():
        if len(title) > TITLE_MAX:
            problem(f"title_{lang}", N_("longer than {n} characters"), n=TITLE_MAX)
    for lang, text in texts.items():
        if lang not in titles:
            problem(f"text_{lang}", N_("a text without a title in the same language"))
        if len(text) > TEXT_MAX:
            problem(f"text_{lang}", N_("longer than {n} characters"), n=TEXT_MAX)
    link = _text(raw.get("link"))
    if not _LINK.match(link):
        problem("link", N_("must be a web address starting with https:// or http://"))
    organiser = _text(raw.get("organiser"))
    if not organiser:
        problem("organiser", N_("is empty"))
    deadline = _deadline(raw.get("deadline"), zone)
    if deadline is None:
        problem("deadline", N_("must be a date like 2027-03-31 or a date and time like 2027-03-31T18:00"))
    elif deadline <= now:
        problem("deadline", N_("has already passed"))
    days = {}
    for column in ("starts", "ends", "result"):
        days[column] = _day(raw.get(column))
        if days[column] is False:
            problem(column, N_("must be a date like 2027-03-31"))
    lists = {}
    for column, allowed in CODES.items():
        lists[column], unknown = _codes(raw.get(column), allowed)
        if unknown:
            problem(
                column,
                N_("unknown codes {codes}; use: {choices}"),
                codes=", ".join(unknown),
                choices=", ".join(m.value for m in allowed),
            )
    flags = {}
    for column in ("women_only", "verified"):
        flags[column] = _flag(raw.get(column))
        if flags[column] is None:
            problem(column, N_("must be yes or no"))
    if problems:
        return None, problems
    return {
        "kind": kind,
        "titles": titles,
        "texts": texts,
        "link": link,
        "organiser": organiser,
        "deadline_at": deadline.isoformat(),
        "starts_on": days["starts"],
        "ends_on": days["ends"],
        "result_on": days["result"],
        "age_bands": lists["ages"],
        "regions": lists["regions"],
        "fields": lists["fields"],
        "stages": lists["stages"],
        "women_only": flags["women_only"],
        "verified": flags["verified"],
    }, []


def check_file(
    filename: str, data: bytes, now: datetime, zone: ZoneInfo
) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """The valid rows (with their numbers) and every problem; raises FileUnreadable."""
    rows = read_file(filename, data)
    if len(rows) > MAX_ROWS:
        raise FileUnreadable(N_("Too many rows: at most 500 at a time."))
    valid, problems = [], []
    for number, raw in rows:
        row, found = check_row(number, raw, now, zone)
        if row is not None:
            valid.append((number, row))
        problems.extend(found)
    return valid, problems
