"""Telegram's HTML parse mode: turn a bot's HTML into plain text and Bot API entities.

Follows the rules of TDLib's `do_parse_html`, which the Bot API server runs: the same
tags, the same decoding of `&...;`, the same error descriptions (which the server
prefixes with "Bad Request: can't parse entities: "), and offsets in UTF-16 code units.
It works on UTF-8 bytes, as TDLib does, so byte offsets in errors match Telegram's.
"""

from __future__ import annotations

from dataclasses import dataclass

SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
        "span", "tg-spoiler", "tg-emoji", "code", "pre", "blockquote",
    }
)  # fmt: skip

_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler",
}  # fmt: skip
_NAMED = {b"lt": ord("<"), b"gt": ord(">"), b"amp": ord("&"), b"quot": ord('"')}
# TDLib orders entities of the same span by type, outermost first.
_PRIORITY = {
    "blockquote": 0, "expandable_blockquote": 0, "pre": 10, "code": 20, "text_link": 49,
    "text_mention": 49, "bold": 90, "italic": 91, "underline": 92, "strikethrough": 93,
    "spoiler": 94, "custom_emoji": 99,
}  # fmt: skip
# TDLib's is_space counts the terminating NUL as space, which ends every scan at the end.
_SPACE = frozenset(b" \t\r\n\v\f\0")
_TRIM = " \t\r\n\v\f"


class HtmlError(ValueError):
    """Not valid Telegram HTML; `description` is what follows "can't parse entities: "."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass
class _Open:
    tag: str
    argument: str
    offset: int  # UTF-16 offset where the entity starts
    out_pos: int  # byte position in the output where it starts (for <a> without href)


def _decode_entity(src: bytes, pos: int) -> tuple[int, int]:
    """Decode `&lt;`, `&#123;`, `&#x1F600;`...; return (code point, next position) or (0, pos)."""
    end = pos + 1
    value = 0
    if src[end] == ord("#"):
        end += 1
        if src[end] == ord("x"):
            end += 1
            while chr(src[end]) in "0123456789abcdefABCDEF":
                value = value * 16 + int(chr(src[end]), 16)
                end += 1
        else:
            while 48 <= src[end] <= 57:
                value = value * 10 + src[end] - 48
                end += 1
        if value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while chr(src[end]).isascii() and chr(src[end]).isalpha():
            end += 1
        value = _NAMED.get(src[pos + 1 : end], 0)
        if not value:
            return 0, pos  # an unknown name is kept as literal text, as Telegram does
    if src[end] == ord(";"):
        end += 1
    return value, end


def parse_html(text: str, *, strict: bool = False) -> tuple[str, list[dict]]:
    """Parse Telegram HTML into (plain text, entities); raise HtmlError like Telegram would.

    Telegram keeps a bare `&` that starts no known entity as literal text; `strict=True`
    rejects it instead, to catch user text that was not escaped.
    """
    src = text.encode("utf-8", "surrogatepass") + b"\0"
    end = len(src) - 1
    out = bytearray()
    utf16 = 0
    entities: list[dict] = []
    stack: list[_Open] = []
    i = 0
    while i < end:
        c = src[i]
        if c == ord("&"):
            code, nxt = _decode_entity(src, i)
            if code:
                out += chr(code).encode("utf-8", "surrogatepass")
                utf16 += 2 if code > 0xFFFF else 1
                i = nxt
                continue
            if strict:
                raise HtmlError(f'Unescaped "&" at byte offset {i} (emulator strict mode)')
        if c != ord("<"):
            out.append(c)
            if c & 0xC0 != 0x80:  # the first byte of a character
                utf16 += 2 if c >= 0xF0 else 1  # 4-byte characters are surrogate pairs
            i += 1
            continue
        if src[i + 1] != ord("/"):
            i, opened = _start_tag(src, i)
            stack.append(_Open(opened[0], opened[1], utf16, len(out)))
        else:
            i = _end_tag(src, i, stack, entities, utf16, out)
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    try:
        plain = out.decode("utf-8")
    except UnicodeDecodeError:
        raise HtmlError(
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units"
        ) from None
    entities.sort(key=lambda e: (e["offset"], -e["length"], _PRIORITY.get(e["type"], 50)))
    # Drop parser-internal keys (the language of a lone <code> is not part of its entity).
    return plain, [{k: v for k, v in e.items() if not k.startswith("_")} for e in entities]


def _start_tag(src: bytes, begin: int) -> tuple[int, tuple[str, str]]:
    """Read `<tag attr="v">` at `begin`; return the position after it and (tag, argument)."""
    i = begin + 1
    while src[i] not in _SPACE and src[i] != ord(">"):
        i += 1
    if src[i] == 0:
        raise HtmlError(f"Unclosed start tag at byte offset {begin}")
    tag = src[begin + 1 : i].decode("utf-8", "replace").lower()
    if tag not in SUPPORTED_TAGS:
        raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {begin}')
    argument = ""
    while src[i] != ord(">"):
        while src[i] != 0 and src[i] in _SPACE:
            i += 1
        if src[i] == ord(">"):
            break
        if src[i] == 0:
            raise HtmlError(f"Unclosed start tag at byte offset {begin}")
        name_start = i
        while src[i] not in _SPACE and src[i] not in b"=>":
            i += 1
        name = src[name_start:i].decode("utf-8", "replace")
        if not name:
            raise HtmlError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while src[i] != 0 and src[i] in _SPACE:
            i += 1
        if src[i] != ord("="):
            if tag == "blockquote" and name == "expandable":
                argument = "1"
                continue
            raise HtmlError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" at byte offset {begin}'
            )
        i += 1
        while src[i] != 0 and src[i] in _SPACE:
            i += 1
        if src[i] == 0:
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        i, value = _attribute_value(src, i)
        if src[i] == 0:
            raise HtmlError(f"Unclosed start tag at byte offset {begin}")
        argument = _argument(tag, name, value, argument)
    if tag == "span" and argument != "spoiler":
        raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    return i + 1, (tag, argument)


def _attribute_value(src: bytes, i: int) -> tuple[int, str]:
    """Read a quoted string or a bare name token; return the position after it and the value."""
    if src[i] not in b"'\"":
        start = i
        while chr(src[i]).isascii() and (chr(src[i]).isalnum() or src[i] in b".-"):
            i += 1
        if src[i] not in _SPACE and src[i] != ord(">"):
            raise HtmlError(f"Unexpected end of name token at byte offset {start}")
        return i, src[start:i].decode("ascii").lower()
    quote = src[i]
    i += 1
    value = bytearray()
    while src[i] != quote and src[i] != 0:
        if src[i] == ord("&"):
            code, nxt = _decode_entity(src, i)
            if code:
                value += chr(code).encode("utf-8", "surrogatepass")
                i = nxt
                continue
        value.append(src[i])
        i += 1
    if src[i] == quote:
        i += 1
    return i, value.decode("utf-8", "replace")


def _argument(tag: str, name: str, value: str, current: str) -> str:
    """The one attribute each tag cares about; others are ignored, as Telegram ignores them."""
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    if tag == "blockquote" and name == "expandable":
        return "1"
    return current


def _end_tag(src: bytes, begin: int, stack: list[_Open], entities: list[dict], utf16: int, out: bytearray) -> int:
    """Close the innermost open tag at `</...>`, adding its entity; return the next position."""
    if not stack:
        raise HtmlError(f"Unexpected end tag at byte offset {begin}")
    i = begin + 2
    while src[i] not in _SPACE and src[i] != ord(">"):
        i += 1
    name = src[begin + 2 : i].decode("utf-8", "replace").lower()
    while src[i] != 0 and src[i] in _SPACE:
        i += 1
    if src[i] != ord(">"):
        raise HtmlError(f"Unclosed end tag at byte offset {begin}")
    top = stack.pop()
    if name and name != top.tag:
        raise HtmlError(f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", found "</{name}>"')
    if utf16 > top.offset:
        entity = _entity(top, utf16 - top.offset, entities, out)
        if entity is not None:
            entities.append(entity)
    return i + 1


def _entity(top: _Open, length: int, entities: list[dict], out: bytearray) -> dict | None:
    """The Bot API entity for a closed tag, or None when it merges into another or is dropped."""
    base = {"offset": top.offset, "length": length}
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == top.offset and last["length"] == length
    if top.tag in _SIMPLE:
        return {"type": _SIMPLE[top.tag], **base}
    if top.tag == "blockquote":
        return {"type": "expandable_blockquote" if top.argument else "blockquote", **base}
    if top.tag == "tg-emoji":
        if not top.argument.isdigit() or int(top.argument) == 0:
            raise HtmlError("Invalid custom emoji identifier specified")
        return {"type": "custom_emoji", **base, "custom_emoji_id": top.argument}
    if top.tag == "code":
        if same_span and last["type"] == "pre" and top.argument:
            last["language"] = top.argument  # <code class="language-x"> around or inside <pre>
            return None
        return {"type": "code", **base, "_language": top.argument}
    if top.tag == "pre":
        if same_span and last["type"] == "code" and last.get("_language"):
            language = last.pop("_language")
            last.clear()
            last.update({"type": "pre", **base, "language": language})
            return None
        return {"type": "pre", **base}
    return _link(top, base, out)


def _link(top: _Open, base: dict, out: bytearray) -> dict | None:
    """<a href>: a text_mention for tg://user?id=N, a text_link otherwise; bad URLs are dropped."""
    url = top.argument.strip() or out[top.out_pos :].decode("utf-8", "replace").strip()
    if url.lower().startswith("tg://user?id="):
        user_id = url[len("tg://user?id=") :]
        if user_id.isdigit():
            return {"type": "text_mention", **base, "user": {"id": int(user_id)}}
        return None
    if not url or any(ch.isspace() for ch in url):
        return None  # Telegram silently drops links it cannot parse
    if "://" not in url and not url.lower().startswith(("tg:", "mailto:")):
        url = "http://" + url
    return {"type": "text_link", **base, "url": url}


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Bot API entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def trim(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Strip leading and trailing whitespace as the Bot API does, keeping entities aligned."""
    stripped = text.strip(_TRIM)
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip(_TRIM))])
    size = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        stop = min(entity["offset"] + entity["length"] - shift, size)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept
