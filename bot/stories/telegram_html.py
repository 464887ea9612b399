"""Check text against Telegram's HTML parse mode and measure it as Telegram counts it.

Telegram accepts a handful of tags, four named entities and numeric ones; any other
`<`, `>` or `&` must be escaped. Its length limits apply to the text after parsing,
counted in UTF-16 code units.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
        "a", "code", "pre", "blockquote", "tg-spoiler", "span",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "span": {"class"},
    "code": {"class"},
    "blockquote": {"expandable"},
}
# An `&` must start one of these; anything else is a bare ampersand.
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#[xX][0-9a-fA-F]+);")


@dataclass(frozen=True)
class HtmlIssue:
    """One problem in a text, with its 1-based line inside that text."""

    line: int
    message: str


def utf16_length(text: str) -> int:
    """The length Telegram measures: UTF-16 code units (an emoji may count as two)."""
    return len(text.encode("utf-16-le")) // 2


def plain_text(text: str) -> str:
    """The text a reader sees once Telegram has parsed the HTML (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]*>", "", text))


def check_html(text: str) -> list[HtmlIssue]:
    """Every problem that would make Telegram reject `text` in HTML parse mode."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    issues = list(checker.issues)
    for match in re.finditer("&", text):
        if not _ENTITY.match(text, match.start()):
            line = text.count("\n", 0, match.start()) + 1
            issues.append(HtmlIssue(line, "bare '&': write &amp;"))
    for tag, line in reversed(checker.open_tags):
        issues.append(HtmlIssue(line, f"unclosed tag <{tag}>"))
    return sorted(issues, key=lambda issue: issue.line)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.issues: list[HtmlIssue] = []
        self.open_tags: list[tuple[str, int]] = []
        self.unsupported: set[str] = set()

    def _issue(self, message: str) -> None:
        self.issues.append(HtmlIssue(self.getpos()[0], message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self._issue(f"unsupported tag <{tag}> (Telegram allows {', '.join(sorted(ALLOWED_TAGS))})")
            self.unsupported.add(tag)
            return
        names = {name for name, _ in attrs}
        for name in sorted(names - ALLOWED_ATTRIBUTES.get(tag, set())):
            self._issue(f"unsupported attribute {name!r} on <{tag}>")
        values = dict(attrs)
        if tag == "a" and not (values.get("href") or "").strip():
            self._issue("<a> needs an href")
        if tag == "span" and values.get("class") != "tg-spoiler":
            self._issue('<span> is only allowed as <span class="tg-spoiler">')
        self.open_tags.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._issue(f"self-closing tag <{tag}/> is not supported")

    def handle_endtag(self, tag: str) -> None:
        opened = [index for index, (open_tag, _) in enumerate(self.open_tags) if open_tag == tag]
        if opened and opened[-1] == len(self.open_tags) - 1:
            self.open_tags.pop()
        elif opened:
            # Tags must nest: report the crossing once and keep the inner tag open.
            self._issue(f"</{tag}> closes before <{self.open_tags[-1][0]}> is closed")
            del self.open_tags[opened[-1]]
        elif tag in self.unsupported:
            pass  # reported at its opening tag
        elif tag not in ALLOWED_TAGS:
            self._issue(f"unsupported tag </{tag}>")
        else:
            self._issue(f"closing tag </{tag}> without an opening tag")

    def handle_data(self, data: str) -> None:
        for char in "<>":
            if char in data:
                line = self.getpos()[0] + data.count("\n", 0, data.index(char))
                escaped = "&lt;" if char == "<" else "&gt;"
                self.issues.append(HtmlIssue(line, f"bare {char!r}: write {escaped}"))

    def handle_comment(self, data: str) -> None:
        self._issue("HTML comments are not supported")

    def handle_decl(self, decl: str) -> None:
        self._issue(f"unsupported markup <!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self._issue(f"unsupported markup <![{data}]>")

    def handle_pi(self, data: str) -> None:
        self._issue(f"unsupported markup <?{data}>")
