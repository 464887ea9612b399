"""Validation of one card file: every problem, each with the line of the offending key."""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.domain import Field, Stage
from bot.stories.facts import difference, numbers
from bot.stories.models import (
    CAPTION_LIMIT,
    IMAGE_SIZE_LIMIT,
    IMAGES_DIR_NAME,
    LANGUAGES,
    REGIONS,
    CardText,
    Problem,
    StoryCard,
    build_caption,
    caption_length,
)
from bot.stories.telegram_html import check_html

REQUIRED_KEYS = ("slug", "field", "stage", "region", "country", "sources")
STRING_KEYS = ("slug", "field", "stage", "region", "country")
COUNTRY_PATTERN = re.compile(r"[A-Z]{2}")
OPTIONAL_KEYS = ("years", "image", "image_credit")
TEXT_KEYS = ("name", "title", "body")
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PNG, JPEG


def parse_card_file(path: Path) -> CardChecker | Problem:
    """A checker for the parsed file, or the problem that stops it from being parsed."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Problem(path, 1, "the file is not UTF-8 text")
    return parse_card_text(text, path)


def parse_card_text(text: str, path: Path) -> CardChecker | Problem:
    """The same for a card's text that is not (yet) a file: `path` is where it would live."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\s*\(at line (\d+), column \d+\)", message)
        if found is None:
            return Problem(path, 1, f"TOML syntax error: {message}")
        return Problem(path, int(found.group(1)), f"TOML syntax error: {message[: found.start()]}")
    return CardChecker(path, data, KeyLines(text))


class KeyLines:
    """Finds the line of a key in a card's TOML text (at the top level or in a [table])."""

    _TABLE = re.compile(r"\s*\[\s*([A-Za-z0-9_-]+)\s*\]\s*(?:#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def header(self, table: str | None) -> int:
        """The 1-based line of `[table]`, or 1 when there is none (or for the top level)."""
        for number, line in enumerate(self.lines, start=1):
            found = self._TABLE.match(line)
            if table is not None and found and found.group(1) == table:
                return number
        return 1

    def find(self, key: str, table: str | None = None) -> int:
        """The 1-based line of `key =` in `table`; else the table's header line; else 1."""
        current: str | None = None
        key_pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number, line in enumerate(self.lines, start=1):
            found = self._TABLE.match(line)
            if found:
                current = found.group(1)
            elif current == table and key_pattern.match(line):
                return number
        return self.header(table)

    def value_start(self, key: str, table: str | None = None) -> int:
        """The line where the text of a (possibly multi-line) string value begins."""
        number = self.find(key, table)
        line = self.lines[number - 1] if number <= len(self.lines) else ""
        opening = re.search(r"=\s*(\"\"\"|''')(.*)$", line)
        # TOML drops a newline right after the opening quotes of a multi-line string.
        if opening and not opening.group(2).strip():
            return number + 1
        return number


class CardChecker:
    """Validates one parsed card file, collecting every problem with its line."""

    def __init__(self, path: Path, data: dict[str, Any], lines: KeyLines) -> None:
        self.path = path
        self.data = data
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, message: str, key: str | None = None, table: str | None = None) -> None:
        """Record a problem at the line of `key` (in `table`), else of the table, else line 1."""
        line = self.lines.find(key, table) if key else self.lines.header(table)
        self.problems.append(Problem(self.path, line, message))

    def check(self) -> StoryCard | None:
        """The card, or None when anything is wrong (the reasons are in `problems`)."""
        known = {*REQUIRED_KEYS, *OPTIONAL_KEYS, *LANGUAGES}
        for key, value in self.data.items():
            if key not in known:
                is_table = isinstance(value, dict)
                self.problem(f"unknown key {key!r}", None if is_table else key, key if is_table else None)
        for key in REQUIRED_KEYS:
            if key not in self.data:
                self.problem(f"missing key {key!r}")
        values = {key: self._string(key) for key in (*STRING_KEYS, *OPTIONAL_KEYS)}
        self._check_slug(values["slug"])
        field = self._choice("field", values["field"], [field.value for field in Field])
        stage = self._choice("stage", values["stage"], [stage.value for stage in Stage])
        self._choice("region", values["region"], list(REGIONS))
        if self._given("country") and not COUNTRY_PATTERN.fullmatch(values["country"]):
            self.problem(f"country {values['country']!r} must be an ISO 3166 code such as KG", "country")
        sources = self._check_sources()
        self._check_image(values["image"])
        self._check_image_credit(values["image"], values["image_credit"])
        texts = {code: text for code in LANGUAGES if (text := self._text(code)) is not None}
        self._check_same_numbers(texts)
        if self.problems or field is None or stage is None:
            return None
        return StoryCard(
            slug=values["slug"],
            field=Field(field),
            stage=Stage(stage),
            region=values["region"],
            years=values["years"],
            country=values["country"],
            sources=sources,
            image=values["image"],
            image_credit=values["image_credit"],
            texts=texts,
            path=self.path,
        )

    def _string(self, key: str, table: str | None = None) -> str:
        container = self.data[table] if table else self.data
        value = container.get(key, "")
        if not isinstance(value, str):
            where = f"[{table}] {key}" if table else key
            self.problem(f"{where} must be a string", key, table)
            return ""
        return value.strip()

    def _given(self, key: str) -> bool:
        """Whether `key` is present as a string (a missing or mistyped key is reported already)."""
        return isinstance(self.data.get(key), str)

    def _check_slug(self, slug: str) -> None:
        if not self._given("slug"):
            return
        if not slug:
            self.problem("slug is empty", "slug")
            return
        if not SLUG_PATTERN.fullmatch(slug):
            self.problem(f"slug {slug!r} must be lowercase ASCII letters, digits and hyphens", "slug")
        if slug != self.path.stem:
            self.problem(f"slug {slug!r} differs from the file name {self.path.name!r}", "slug")

    def _choice(self, key: str, value: str, allowed: list[str]) -> str | None:
        if not self._given(key):
            return None
        if value not in allowed:
            self.problem(f"unknown {key} {value!r} (expected one of: {', '.join(allowed)})", key)
            return None
        return value

    def _check_sources(self) -> tuple[str, ...]:
        """The pages every fact on the card was read in: at least one http(s) URL."""
        sources = self.data.get("sources")
        if sources is None:
            return ()
        if not isinstance(sources, list) or not all(isinstance(source, str) for source in sources):
            self.problem("sources must be a list of URLs", "sources")
            return ()
        if not sources:
            self.problem("sources is empty: name every page the facts were read in", "sources")
        for source in sources:
            parts = urlparse(source)
            if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", source):
                self.problem(f"source {source!r} is not an http(s) URL", "sources")
        return tuple(source.strip() for source in sources)

    def _check_image(self, image: str) -> None:
        if not image:
            return
        if Path(image).name != image or image in (".", ".."):
            self.problem(f"image {image!r} must be a file name in stories/images/", "image")
            return
        path = self.path.parent / IMAGES_DIR_NAME / image
        if not path.is_file():
            self.problem(f"image {image!r} not found in {IMAGES_DIR_NAME}/", "image")
            return
        if path.stat().st_size > IMAGE_SIZE_LIMIT:
            self.problem(f"image {image!r} is larger than 5 MB", "image")
        with path.open("rb") as file:
            head = file.read(8)
        if not any(head.startswith(signature) for signature in IMAGE_SIGNATURES):
            self.problem(f"image {image!r} is not a PNG or JPEG file", "image")

    def _check_image_credit(self, image: str, credit: str) -> None:
        if image and not credit:
            self.problem("image_credit is missing: name the portrait's author and licence", "image")

    def _check_same_numbers(self, texts: dict[str, CardText]) -> None:
        """The facts are the same in every language: every number appears in each, as often."""
        reference = "en"
        if reference not in texts or any(check_html(text.body) for text in texts.values()):
            return  # broken markup is reported already, and its text cannot be read for numbers
        expected = numbers(_all_text(texts[reference]))
        for code, text in texts.items():
            if code == reference:
                continue
            missing, extra = difference(expected, numbers(_all_text(text)))
            if missing or extra:
                parts = [f"lacks {', '.join(map(str, missing))}"] if missing else []
                parts += [f"adds {', '.join(map(str, extra))}"] if extra else []
                self.problem(
                    f"[{code}] numbers differ from [{reference}]: {'; '.join(parts)} (facts must be the same in "
                    "every language; write numbers in digits)",
                    "body",
                    code,
                )

    def _text(self, code: str) -> CardText | None:
        table = self.data.get(code)
        if table is None:
            self.problem(f"missing [{code}] table with name, title and body")
            return None
        if not isinstance(table, dict):
            self.problem(f"{code} must be a table: [{code}]", code)
            return None
        for key in table:
            if key not in TEXT_KEYS:
                self.problem(f"unknown key {key!r} in [{code}]", key, code)
        values = {}
        for key in TEXT_KEYS:
            values[key] = self._string(key, code)
            if key not in table:
                self.problem(f"missing {key!r} in [{code}]", None, code)
            elif not values[key] and isinstance(table[key], str):
                self.problem(f"[{code}] {key} is empty", key, code)
        text = CardText(**values)
        self._check_markup(code, text)
        return text

    def _check_markup(self, code: str, text: CardText) -> None:
        issues = check_html(text.body)
        first_line = self.lines.value_start("body", code)
        for issue in issues:
            line = first_line + issue.line - 1
            self.problems.append(Problem(self.path, line, f"[{code}] body: {issue.message}"))
        if issues or not (text.name and text.title and text.body):
            return
        length = caption_length(build_caption(text))
        if length > CAPTION_LIMIT:
            self.problem(
                f"[{code}] caption is {length} characters after parsing; Telegram allows "
                f"{CAPTION_LIMIT} (shorten the body by {length - CAPTION_LIMIT})",
                "body",
                code,
            )


def _all_text(text: CardText) -> str:
    """Name, title and body as one Telegram HTML text (name and title are plain, so escaped)."""
    return f"{html.escape(text.name)}\n{html.escape(text.title)}\n{text.body}"
