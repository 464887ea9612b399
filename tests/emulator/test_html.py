"""Telegram's HTML parse mode as the emulator applies it: text, UTF-16 entities, errors."""

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.emulator.html import HtmlError, parse_html, trim, utf16_len


def spans(*entities: tuple[str, int, int]) -> list[dict]:
    """Entities as Telegram sends them, from (type, offset, length)."""
    return [{"type": kind, "offset": offset, "length": length} for kind, offset, length in entities]


@pytest.mark.parametrize(
    ("tag", "kind"),
    [
        ("b", "bold"),
        ("strong", "bold"),
        ("i", "italic"),
        ("em", "italic"),
        ("u", "underline"),
        ("ins", "underline"),
        ("s", "strikethrough"),
        ("strike", "strikethrough"),
        ("del", "strikethrough"),
        ("tg-spoiler", "spoiler"),
        ("code", "code"),
        ("pre", "pre"),
        ("blockquote", "blockquote"),
    ],
)
def test_each_simple_tag_gives_its_entity(tag, kind):
    assert parse_html(f"x <{tag}>yz</{tag}>") == (
        "x yz",
        [{"type": kind, "offset": 2, "length": 2}],
    )


def test_tags_with_arguments():
    text, entities = parse_html(
        '<span class="tg-spoiler">s</span> <a href="https://steminist.kg/x?a=1&amp;b=2">link</a> '
        '<pre><code class="language-python">x = 1</code></pre> <code class="language-py">c</code> '
        "<blockquote expandable>q</blockquote> "
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    assert text == "s link x = 1 c q 👍"
    assert entities == [
        {"type": "spoiler", "offset": 0, "length": 1},
        {"type": "text_link", "offset": 2, "length": 4, "url": "https://steminist.kg/x?a=1&b=2"},
        {"type": "pre", "offset": 7, "length": 5, "language": "python"},
        {"type": "code", "offset": 13, "length": 1},  # a lone <code> keeps no language
        {"type": "expandable_blockquote", "offset": 15, "length": 1},
        {
            "type": "custom_emoji",
            "offset": 17,
            "length": 2,
            "custom_emoji_id": "5368324170671202286",
        },
    ]


def test_mentions_by_id_and_links_without_scheme():
    text, entities = parse_html('<a href="tg://user?id=100001">Aida</a> <a href="kg.kg">kg</a>')
    assert text == "Aida kg"
    assert entities == [
        {"type": "text_mention", "offset": 0, "length": 4, "user": {"id": 100001}},
        {"type": "text_link", "offset": 5, "length": 2, "url": "http://kg.kg"},
    ]


def test_offsets_are_utf16_code_units_with_emoji_and_cyrillic():
    # 😀 and 🔬 are surrogate pairs; Cyrillic letters are one unit each (two UTF-8 bytes).
    text, entities = parse_html("😀 <b>Айда</b> 👩‍🔬 <i>наука</i> <u>🔬</u>")
    assert text == "😀 Айда 👩‍🔬 наука 🔬"
    assert entities == spans(("bold", 3, 4), ("italic", 14, 5), ("underline", 20, 2))
    assert utf16_len(text) == 22


def test_nested_entities_are_sorted_by_offset_then_longest_first():
    text, entities = parse_html("<i>a <b>b</b></i><b><i>c</i></b>")
    assert text == "a bc"
    assert entities == spans(("italic", 0, 3), ("bold", 2, 1), ("bold", 3, 1), ("italic", 3, 1))


def test_character_references_are_decoded():
    assert parse_html("&lt;b&gt; &amp; &quot;q&quot; &#1040; &#x1F469;") == (
        '<b> & "q" А 👩',
        [],
    )


def test_empty_tags_give_no_entity():
    assert parse_html("a<b></b>b") == ("ab", [])


def test_a_bare_ampersand_is_text_as_on_telegram_but_strict_mode_rejects_it():
    assert parse_html("Tom & Jerry &nbsp; &#0;") == ("Tom & Jerry &nbsp; &#0;", [])
    with pytest.raises(HtmlError, match=r'Unescaped "&" at byte offset 4'):
        parse_html("Tom & Jerry", strict=True)


@pytest.mark.parametrize(
    ("html", "description"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("Привет <p>x</p>", 'Unsupported start tag "p" at byte offset 13'),  # bytes, not chars
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</i>", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ("<a href=x/y>x</a>", "Unexpected end of name token at byte offset 8"),
        ("<tg-emoji emoji-id=abc>👍</tg-emoji>", "Invalid custom emoji identifier specified"),
        (
            "&#xD800;",
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units",
        ),
    ],
)
def test_bad_html_answers_telegrams_description(html, description):
    with pytest.raises(HtmlError) as caught:
        parse_html(html)
    assert caught.value.description == description


def test_trim_strips_whitespace_and_shifts_entities():
    text, entities = parse_html("\n  <b>Салам</b> 👋 \n")
    assert trim(text, entities) == ("Салам 👋", [{"type": "bold", "offset": 0, "length": 5}])
    # An entity made only of trimmed whitespace disappears.
    assert trim(" x  ", [{"type": "bold", "offset": 3, "length": 1}]) == ("x", [])


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\0")))
def test_escaped_text_comes_back_unchanged_with_utf16_lengths(text):
    # What a bot does with user text: escape it, wrap it; Telegram must give it back as is.
    plain, entities = parse_html(f"<b>{html.escape(text)}</b>")
    assert plain == text
    assert entities == ([{"type": "bold", "offset": 0, "length": utf16_len(text)}] if text else [])
