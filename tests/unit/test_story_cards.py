"""Story cards: the validator on good and broken files, the caption, and every shipped card."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from bot.domain import Field, Stage
from bot.stories.cards import (
    CAPTION_LIMIT,
    STORIES_DIR,
    CardText,
    Problem,
    StoryCard,
    StoryError,
    caption_length,
    check_cards,
    load_cards,
)
from bot.stories.telegram_html import check_html

# Line numbers the tests rely on: 1 slug, 2 field, 3 stage, 4 region, 5 years, 6 sources,
# 7 image, 8 country, 9 [en], 10 name, 11 title, 12 body = """, 13 first body line,
# 16 [ru], 17 name, 18 title, 19 body, 23 [ky], 24 name, 25 title, 26 body.
GOOD = '''slug = "test-card"
field = "math"
stage = "school"
region = "world"
years = "1900–1990"
sources = ["https://example.org/test-card"]
image = ""
country = "GB"
[en]
name = "Test Person"
title = "A title"
body = """
An English body with <b>bold</b> and <a href="https://example.org">a link</a>.
"""

[ru]
name = "Тест"
title = "Заголовок"
body = """
Русский текст с «кавычками».
"""

[ky]
name = "Тест"
title = "Аталыш"
body = """
Кыргызча текст.
"""
'''


def write(directory: Path, text: str, name: str = "test-card.toml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def replace_line(text: str, number: int, new: str) -> str:
    lines = text.splitlines()
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


def delete_lines(text: str, first: int, last: int | None = None) -> str:
    lines = text.splitlines()
    del lines[first - 1 : (last or first)]
    return "\n".join(lines) + "\n"


def problem_in(directory: Path, text: str) -> tuple[int, str]:
    """The line and message of the one problem `check_cards` finds in a card with this text."""
    write(directory, text)
    problem = only_problem(directory)
    return problem.line, problem.message


def only_problem(directory: Path) -> Problem:
    problems = check_cards(directory)
    assert len(problems) == 1, [str(problem) for problem in problems]
    return problems[0]


# --- a good card -------------------------------------------------------------------------


def test_a_good_card_loads_with_every_field(tmp_path: Path) -> None:
    write(tmp_path, GOOD)

    assert check_cards(tmp_path) == []
    [card] = load_cards(tmp_path)
    assert card.slug == "test-card"
    assert card.field is Field.MATH and card.stage is Stage.SCHOOL
    assert (card.region, card.years, card.image) == ("world", "1900–1990", "")
    assert card.sources == ("https://example.org/test-card",) and card.country == "GB"
    assert card.image_path is None
    assert card.texts["ru"] == CardText("Тест", "Заголовок", "Русский текст с «кавычками».")
    assert card.path == tmp_path / "test-card.toml"


def test_cards_are_sorted_by_slug_and_other_files_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("test-card", "b-card"), "b-card.toml")
    write(tmp_path, GOOD.replace("test-card", "a-card"), "a-card.toml")
    (tmp_path / "README.md").write_text("# not a card\n", encoding="utf-8")
    (tmp_path / "images").mkdir()

    assert [card.slug for card in load_cards(tmp_path)] == ["a-card", "b-card"]


# --- one test per kind of problem ---------------------------------------------------------


def test_toml_syntax_error_reports_tomllibs_line(tmp_path: Path) -> None:
    write(tmp_path, replace_line(GOOD, 3, 'stage = "school'))

    problem = only_problem(tmp_path)
    assert problem.line == 3
    assert problem.message.startswith("TOML syntax error: ")
    assert "line 3" not in problem.message  # the line is in the prefix, not repeated


def test_a_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    (tmp_path / "test-card.toml").write_bytes(GOOD.encode("utf-16"))

    assert only_problem(tmp_path).message == "the file is not UTF-8 text"


def test_missing_key(tmp_path: Path) -> None:
    assert problem_in(tmp_path, delete_lines(GOOD, 4)) == (1, "missing key 'region'")


def test_unknown_key(tmp_path: Path) -> None:
    assert problem_in(tmp_path, replace_line(GOOD, 8, 'country = "GB"\ncolour = "red"')) == (9, "unknown key 'colour'")


def test_unknown_table_is_reported_at_its_header(tmp_path: Path) -> None:
    assert problem_in(tmp_path, GOOD + '\n[fr]\nname = "x"\n') == (30, "unknown key 'fr'")


def test_unknown_key_in_a_language_table(tmp_path: Path) -> None:
    assert problem_in(tmp_path, replace_line(GOOD, 18, 'title = "Заголовок"\nsubtitle = "x"')) == (
        19,
        "unknown key 'subtitle' in [ru]",
    )


def test_value_of_the_wrong_type(tmp_path: Path) -> None:
    assert problem_in(tmp_path, replace_line(GOOD, 2, "field = 3")) == (2, "field must be a string")


def test_slug_that_differs_from_the_file_name(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "another-name.toml")

    problem = only_problem(tmp_path)
    assert problem.line == 1
    assert problem.message == "slug 'test-card' differs from the file name 'another-name.toml'"


def test_slug_with_forbidden_characters(tmp_path: Path) -> None:
    write(tmp_path, replace_line(GOOD, 1, 'slug = "Test_Card"'), "Test_Card.toml")

    problem = only_problem(tmp_path)
    assert problem.line == 1
    assert problem.message == "slug 'Test_Card' must be lowercase ASCII letters, digits and hyphens"


def test_duplicate_slug_is_blamed_on_the_file_that_does_not_own_it(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    write(tmp_path, GOOD, "a-copy.toml")  # sorts first, but test-card.toml owns the slug

    problems = check_cards(tmp_path)
    assert {problem.path.name for problem in problems} == {"a-copy.toml"}
    assert "slug 'test-card' is already used by test-card.toml" in [p.message for p in problems]
    assert all(problem.line == 1 for problem in problems)
    with pytest.raises(StoryError):
        load_cards(tmp_path)


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [(2, "field", "alchemy"), (3, "stage", "retired"), (4, "region", "europe")],
)
def test_unknown_code(tmp_path: Path, line: int, key: str, value: str) -> None:
    write(tmp_path, replace_line(GOOD, line, f'{key} = "{value}"'))

    problem = only_problem(tmp_path)
    assert problem.line == line
    assert problem.message.startswith(f"unknown {key} {value!r} (expected one of: ")


def test_unknown_field_lists_the_codes_of_the_domain(tmp_path: Path) -> None:
    write(tmp_path, replace_line(GOOD, 2, 'field = "alchemy"'))

    assert all(field.value in only_problem(tmp_path).message for field in Field)


def test_missing_language_table(tmp_path: Path) -> None:
    assert problem_in(tmp_path, delete_lines(GOOD, 22, 28)) == (1, "missing [ky] table with name, title and body")


def test_missing_name_is_reported_at_the_table(tmp_path: Path) -> None:
    assert problem_in(tmp_path, delete_lines(GOOD, 17)) == (16, "missing 'name' in [ru]")


@pytest.mark.parametrize(("line", "key"), [(10, "name"), (11, "title")])
def test_empty_name_or_title(tmp_path: Path, line: int, key: str) -> None:
    assert problem_in(tmp_path, replace_line(GOOD, line, f'{key} = "  "')) == (line, f"[en] {key} is empty")


def test_empty_body(tmp_path: Path) -> None:
    write(tmp_path, delete_lines(GOOD, 26, 28).replace("[ky]", '[ky]\nbody = ""', 1))

    problem = only_problem(tmp_path)
    assert problem.message == "[ky] body is empty"
    assert problem.line == 24


@pytest.mark.parametrize("source", ["ftp://example.org/x", "example.org/x", "https://", "https://a b"])
def test_source_that_is_not_an_http_url(tmp_path: Path, source: str) -> None:
    assert problem_in(tmp_path, replace_line(GOOD, 6, f'sources = ["{source}"]')) == (
        6,
        f"source {source!r} is not an http(s) URL",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("A <div>block</div>.", "unsupported tag <div>"),
        ("An <b>unclosed tag.", "unclosed tag <b>"),
        ("A closing </i> tag alone.", "closing tag </i> without an opening tag"),
        ("<b><i>crossed</b></i>", "</b> closes before <i> is closed"),
        ("1 < 2 is true.", "bare '<': write &lt;"),
        ("2 > 1 is true.", "bare '>': write &gt;"),
        ("Salt & pepper.", "bare '&': write &amp;"),
        ("An unknown &nbsp; entity.", "bare '&': write &amp;"),
        ("A line<br/>break.", "self-closing tag <br/> is not supported"),
        ('<a href="https://x.org" title="x">x</a>', "unsupported attribute 'title' on <a>"),
        ("A stray </div> tag.", "unsupported tag </div>"),
        ("<a>no href</a>", "<a> needs an href"),
        ("<span>plain span</span>", '<span> is only allowed as <span class="tg-spoiler">'),
        ("A <!-- comment -->.", "HTML comments are not supported"),
    ],
)
def test_broken_html_in_a_body(tmp_path: Path, body: str, message: str) -> None:
    write(tmp_path, replace_line(GOOD, 13, body))

    problem = only_problem(tmp_path)
    assert problem.line == 13
    assert problem.message.startswith(f"[en] body: {message}")


def test_broken_html_is_reported_on_its_own_line_of_a_long_body(tmp_path: Path) -> None:
    assert problem_in(tmp_path, replace_line(GOOD, 27, "Биринчи сап.\n\nҮчүнчү сап <u>жабылган жок.")) == (
        29,
        "[ky] body: unclosed tag <u>",
    )


def test_broken_html_in_a_one_line_body(tmp_path: Path) -> None:
    assert problem_in(tmp_path, delete_lines(GOOD, 19, 21).replace("[ru]", '[ru]\nbody = "x & y"', 1)) == (
        17,
        "[ru] body: bare '&': write &amp;",
    )


def test_telegram_entities_and_allowed_tags_pass() -> None:
    body = (
        "<b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins> <s>s</s> "
        "<strike>s</strike> <del>d</del> <code>c</code> <pre>p</pre> <blockquote>q</blockquote> "
        '<tg-spoiler>t</tg-spoiler> <span class="tg-spoiler">s</span> '
        '<a href="https://x.org">a</a> '
        "&lt; &gt; &amp; &quot; &#1234; &#x4A;"
    )
    assert check_html(body) == []


def test_caption_over_the_limit(tmp_path: Path) -> None:
    write(tmp_path, replace_line(GOOD, 13, "x" * 1010))

    problem = only_problem(tmp_path)
    # "Test Person · A title\n\n" is 23 characters
    assert problem.line == 12
    assert problem.message == (
        "[en] caption is 1033 characters after parsing; Telegram allows 1024 (shorten the body by 9)"
    )


def test_caption_limit_counts_text_after_parsing_html(tmp_path: Path) -> None:
    write(tmp_path, replace_line(GOOD, 13, "<b>&amp;</b>" * 200))  # 2400 raw, 200 shown

    assert check_cards(tmp_path) == []


def test_named_image_that_is_missing(tmp_path: Path) -> None:
    assert problem_in(
        tmp_path, replace_line(GOOD, 7, 'image = "portrait.png"\nimage_credit = "Photo: A. Author, CC BY 4.0"')
    ) == (7, "image 'portrait.png' not found in images/")


def test_named_image_outside_the_images_folder(tmp_path: Path) -> None:
    write(tmp_path, replace_line(GOOD, 7, 'image = "../secret.png"\nimage_credit = "Photo: A. Author, CC BY 4.0"'))

    problem = only_problem(tmp_path)
    assert (problem.line, problem.message) == (
        7,
        "image '../secret.png' must be a file name in stories/images/",
    )


def test_named_image_that_is_not_png_or_jpeg(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "portrait.png").write_text("GIF89a, not really", encoding="utf-8")
    assert problem_in(
        tmp_path, replace_line(GOOD, 7, 'image = "portrait.png"\nimage_credit = "Photo: A. Author, CC BY 4.0"')
    ) == (7, "image 'portrait.png' is not a PNG or JPEG file")


def test_named_image_over_5_mb(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    with (tmp_path / "images" / "big.jpg").open("wb") as file:
        file.write(b"\xff\xd8\xff\xe0")
        file.truncate(5 * 1024 * 1024 + 1)
    assert problem_in(
        tmp_path, replace_line(GOOD, 7, 'image = "big.jpg"\nimage_credit = "Photo: A. Author, CC BY 4.0"')
    ) == (7, "image 'big.jpg' is larger than 5 MB")


@pytest.mark.parametrize(("name", "kind"), [("portrait.png", "PNG"), ("portrait.jpg", "JPEG")])
def test_named_png_or_jpeg_is_accepted(tmp_path: Path, name: str, kind: str) -> None:
    (tmp_path / "images").mkdir()
    Image.new("RGB", (8, 8), "purple").save(tmp_path / "images" / name, kind)
    write(tmp_path, replace_line(GOOD, 7, f'image = "{name}"\nimage_credit = "Photo: A. Author, CC BY 4.0"'))

    [card] = load_cards(tmp_path)
    assert card.image_path == tmp_path / "images" / name


# --- all problems at once ------------------------------------------------------------------


def test_every_problem_is_reported_at_once_in_line_order(tmp_path: Path) -> None:
    broken = replace_line(GOOD, 2, 'field = "alchemy"')
    broken = replace_line(broken, 6, 'sources = ["not a url"]')
    broken = replace_line(broken, 11, 'title = ""')
    broken = replace_line(broken, 20, "Текст <b>без конца.")
    write(tmp_path, broken)
    write(tmp_path, replace_line(GOOD, 3, 'stage = "school'), "other.toml")

    lines = [str(problem) for problem in check_cards(tmp_path)]
    folder = tmp_path.name
    assert lines == [
        f"{folder}/other.toml:3: TOML syntax error: Illegal character '\\n'",
        f"{folder}/test-card.toml:2: unknown field 'alchemy' (expected one of: "
        + ", ".join(field.value for field in Field)
        + ")",
        f"{folder}/test-card.toml:6: source 'not a url' is not an http(s) URL",
        f"{folder}/test-card.toml:11: [en] title is empty",
        f"{folder}/test-card.toml:20: [ru] body: unclosed tag <b>",
    ]


def test_load_cards_raises_with_every_problem(tmp_path: Path) -> None:
    write(tmp_path, replace_line(delete_lines(GOOD, 4), 2, 'field = "alchemy"'))

    with pytest.raises(StoryError) as raised:
        load_cards(tmp_path)
    assert len(raised.value.problems) == 2
    assert str(raised.value).startswith("2 problem(s) in story cards:\n")
    assert f"{tmp_path.name}/test-card.toml:1: missing key 'region'" in str(raised.value)


def test_a_missing_directory_is_a_problem(tmp_path: Path) -> None:
    problem = only_problem(tmp_path / "nowhere")
    assert str(problem) == f"{tmp_path.name}/nowhere: story directory not found"


def test_problem_prints_as_file_and_line() -> None:
    assert str(Problem(Path("/repo/stories/x.toml"), 12, "message")) == "stories/x.toml:12: message"


# --- the caption ---------------------------------------------------------------------------


def make_card(texts: dict[str, CardText]) -> StoryCard:
    return StoryCard(
        slug="x",
        field=Field.MATH,
        stage=Stage.SCHOOL,
        region="world",
        years="",
        country="GB",
        sources=("https://example.org",),
        image="",
        texts=texts,
        path=Path("stories/x.toml"),
    )


def test_caption_escapes_name_and_title_but_not_the_body() -> None:
    card = make_card({"en": CardText("Tom & <Jerry>", 'A "quoted" <title>', "Body with <b>bold</b>.")})

    assert card.caption("en") == (
        "<b>Tom &amp; &lt;Jerry&gt;</b> · A &quot;quoted&quot; &lt;title&gt;\n\nBody with <b>bold</b>."
    )
    assert check_html(card.caption("en")) == []


def test_text_falls_back_to_english_then_russian_then_kyrgyz() -> None:
    en, ru, ky = CardText("En", "t", "b"), CardText("Ru", "t", "b"), CardText("Ky", "t", "b")

    assert make_card({"en": en, "ru": ru, "ky": ky}).text("ky") is ky
    assert make_card({"en": en, "ru": ru}).text("ky") is en
    assert make_card({"ru": ru, "ky": ky}).text("en") is ru
    assert make_card({"ky": ky}).text("ru") is ky
    assert make_card({"ru": ru}).caption("ky").startswith("<b>Ru</b>")


@given(st.text())
def test_any_escaped_text_is_valid_telegram_html(text: str) -> None:
    assert check_html(html.escape(text)) == []


@given(st.text(min_size=1), st.text(min_size=1))
def test_caption_length_counts_what_the_reader_sees(name: str, title: str) -> None:
    card = make_card({"en": CardText(name, title, "<i>Body</i>")})
    expected = f"{name} · {title}\n\nBody".strip()

    assert caption_length(card.caption("en")) == len(expected.encode("utf-16-le")) // 2


# --- the shipped cards ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> list[StoryCard]:
    return load_cards(STORIES_DIR)


def test_stories_dir_is_the_repositorys_stories_folder() -> None:
    assert STORIES_DIR == Path(__file__).resolve().parents[2] / "stories"


def test_every_shipped_card_passes_the_check() -> None:
    assert [str(problem) for problem in check_cards(STORIES_DIR)] == []


def test_there_are_at_least_24_cards(shipped: list[StoryCard]) -> None:
    assert len(shipped) >= 24


def test_every_caption_fits_in_every_language(shipped: list[StoryCard]) -> None:
    for card in shipped:
        assert set(card.texts) == {"ky", "ru", "en"}, card.slug
        for language in ("ky", "ru", "en"):
            assert caption_length(card.caption(language)) <= CAPTION_LIMIT, (card.slug, language)


def test_slugs_are_unique(shipped: list[StoryCard]) -> None:
    counts = Counter(card.slug for card in shipped)
    assert [slug for slug, count in counts.items() if count > 1] == []


def test_kyrgyzstan_and_central_asia_have_at_least_4_cards(shipped: list[StoryCard]) -> None:
    assert sum(card.region in ("kyrgyzstan", "central_asia") for card in shipped) >= 4


def test_every_field_has_a_card(shipped: list[StoryCard]) -> None:
    assert {card.field for card in shipped} == set(Field)


def test_every_stage_has_a_card(shipped: list[StoryCard]) -> None:
    assert {card.stage for card in shipped} == set(Stage)


def test_every_shipped_source_is_https(shipped: list[StoryCard]) -> None:
    assert [card.slug for card in shipped if not all(s.startswith("https://") for s in card.sources)] == []


@pytest.mark.parametrize("value", ["[]", '"https://example.org"'])
def test_a_card_without_a_list_of_sources_is_refused(tmp_path: Path, value: str) -> None:
    write(tmp_path, replace_line(GOOD, 6, f"sources = {value}"))
    problem = only_problem(tmp_path)
    assert problem.line == 6 and "sources" in problem.message


def test_a_card_without_sources_is_refused(tmp_path: Path) -> None:
    write(tmp_path, delete_lines(GOOD, 6))
    assert "missing key 'sources'" in only_problem(tmp_path).message
