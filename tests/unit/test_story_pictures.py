"""Generated story pictures: valid JPEGs, every letter drawable, long text fitted, cached once."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from bot.domain import FIELD_LABELS
from bot.i18n import translator
from bot.stories.cards import STORIES_DIR, CardText, StoryCard, load_cards
from bot.stories.picture import (
    BOLD_FONT,
    FONTS_DIR,
    MARGIN,
    NAME,
    PORTRAIT,
    PORTRAIT_TEXT_AREA,
    REGULAR_FONT,
    SIZE,
    TEXT_AREA,
    TITLE,
    PictureCache,
    TextLine,
    country_name,
    drawable,
    glyph_coverage,
    layout,
    render_picture,
)

CARDS = load_cards(STORIES_DIR)
KYRGYZ_AND_RUSSIAN = "ңөүҢӨҮёЁйЙъЪщЩ"
LATIN_WITH_DIACRITICS = "éèêëçñšžčőłøåäöüßÉŠŽŁ"
CJK = "中"  # U+4E2D: DejaVu has no CJK ideographs


def field_label(card: StoryCard, language: str) -> str:
    return translator(language)(FIELD_LABELS[card.field])


def open_jpeg(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def inside(line: TextLine) -> bool:
    left, top, right, bottom = TEXT_AREA
    x0, y0, x1, y1 = line.box
    return left <= x0 and top <= y0 and x1 <= right and y1 <= bottom


def test_the_fonts_and_their_licence_are_shipped() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"):
        assert (FONTS_DIR / name).is_file()
    assert REGULAR_FONT.parent == BOLD_FONT.parent == FONTS_DIR


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_every_shipped_card_renders_a_picture_with_every_letter_drawable(language: str) -> None:
    assert CARDS
    for card in CARDS:
        text, label = card.text(language), field_label(card, language)
        assert glyph_coverage(text.name, BOLD_FONT) == set(), card.slug
        assert glyph_coverage(label.upper(), BOLD_FONT) == set(), card.slug
        assert glyph_coverage(text.title, REGULAR_FONT) == set(), card.slug

        data = render_picture(card, language, label)

        assert len(data) < 300 * 1024
        image = open_jpeg(data)
        assert (image.format, image.size, image.mode) == ("JPEG", (SIZE, SIZE), "RGB")
        assert all(inside(line) for line in layout(text.name, text.title, label)), card.slug


def test_glyph_coverage_knows_kyrgyz_russian_and_latin_and_reports_what_is_missing() -> None:
    for font in (REGULAR_FONT, BOLD_FONT):
        assert glyph_coverage(KYRGYZ_AND_RUSSIAN + LATIN_WITH_DIACRITICS + " «»—-", font) == set()
        assert glyph_coverage(f"Ада {CJK} ң", font) == {CJK}
        assert glyph_coverage("\U0010ffff", font) == {"\U0010ffff"}
        assert glyph_coverage("🚀", font) == {"🚀"}


def test_what_the_font_cannot_draw_is_left_out_instead_of_drawn_as_boxes() -> None:
    assert drawable("Ада 🚀 Лавлейс 👩‍💻", BOLD_FONT) == "Ада Лавлейс"
    assert drawable(f"Түмөнбай{CJK}", BOLD_FONT) == "Түмөнбай"
    # Combining accents are composed first, so "é" written as e + U+0301 is kept whole.
    assert drawable("Marie\u0301  Curie", REGULAR_FONT) == "Marié Curie"


def test_a_short_name_is_drawn_large_on_one_line() -> None:
    lines = layout("Ada Lovelace", "The first computer programmer", "Software and IT")

    names = [line for line in lines if line.role == "name"]
    assert [line.text for line in names] == ["Ada Lovelace"]
    assert names[0].size == NAME.max_size
    assert [line.text for line in lines if line.role == "label"] == ["SOFTWARE AND IT"]


def test_a_very_long_name_and_title_wrap_and_shrink_to_fit_inside_the_margins() -> None:
    name = "Гүлнара Түмөнбаевна Жээнбекова-Абдыкадырова Өмүрбековна Ысык-Көлдүк"
    title = " ".join(["Кыргызстандын биринчи спутнигин курган кыздар жана алардын устаттары"] * 3)

    lines = layout(name, title, "Космос жана авиация")

    assert all(inside(line) for line in lines)
    names = [line for line in lines if line.role == "name"]
    titles = [line for line in lines if line.role == "title"]
    assert len(names) > 1 and len(titles) > 1
    assert names[0].size < NAME.max_size and titles[0].size < TITLE.max_size
    assert " ".join(line.text for line in names) == name  # nothing cut
    assert " ".join(line.text for line in titles) == title
    assert max(line.box[3] for line in names) < min(line.box[1] for line in titles)


def test_a_word_too_long_for_any_size_is_split_rather_than_overflowing() -> None:
    word = "Өнөржайлаштыруучулардын" * 4

    lines = layout(word, word, word)

    assert all(inside(line) for line in lines)
    assert "".join(line.text for line in lines if line.role == "name") == word


def test_a_card_with_emoji_and_a_long_title_renders() -> None:
    card = replace(
        CARDS[0],
        slug="test-card",
        texts={"en": CardText("Ada 🚀 Lovelace", "A very long title " * 12, "Body.")},
    )

    image = open_jpeg(render_picture(card, "en", "Software and IT"))

    assert image.size == (SIZE, SIZE)


class CountingRenderer:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def __call__(self, card: StoryCard, language: str, label: str) -> bytes:
        self.calls.append((card.slug, language, label))
        return render_picture(card, language, label)


def test_the_cache_renders_once_and_again_when_the_text_changes(tmp_path: Path) -> None:
    directory = tmp_path / "pictures"  # created on first use
    card = next(card for card in CARDS if card.slug == "ada-lovelace")
    render = CountingRenderer()
    cache = PictureCache(directory, render=render)

    first = cache.get(card, "en", "Software and IT")
    second = cache.get(card, "en", "Software and IT")
    after_restart = PictureCache(directory, render=render).get(card, "en", "Software and IT")

    assert first == second == after_restart
    assert len(render.calls) == 1
    stored = cache.path(card, "en", "Software and IT")
    assert list(directory.iterdir()) == [stored]

    retitled = replace(card, texts={**card.texts, "en": replace(card.text("en"), title="Poet of numbers")})
    cache.get(retitled, "en", "Software and IT")
    cache.get(card, "ru", "IT и программирование")
    cache.get(card, "ru", "Программирование")

    assert len(render.calls) == 4
    # A newer version replaces the older one, so the directory does not grow with every edit.
    assert sorted(path.name.split(".")[1] for path in directory.iterdir()) == ["en", "ru"]


def test_users_asking_at_once_for_a_new_picture_get_one_render_and_the_same_file(tmp_path: Path) -> None:
    card = next(card for card in CARDS if card.slug == "ada-lovelace")
    render = CountingRenderer()
    cache = PictureCache(tmp_path, render=render)
    with ThreadPoolExecutor(max_workers=4) as pool:
        pictures = list(pool.map(lambda _: cache.get(card, "en", "Software and IT"), range(4)))
    assert len(render.calls) == 1
    assert len(set(pictures)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [cache.path(card, "en", "Software and IT").name]


# --- the picture card: readable on a small phone, every name drawable, the portrait shown ------

KAZAKH_AND_KYRGYZ = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"


def test_kyrgyz_russian_and_kazakh_names_render_in_the_shipped_fonts() -> None:
    for font in (REGULAR_FONT, BOLD_FONT):
        assert glyph_coverage(KAZAKH_AND_KYRGYZ + KYRGYZ_AND_RUSSIAN + "ЁёЪъЫыЭэ", font) == set()
    name = "Әсел Ғалымқызы Қаңғырбаева Ұлжан Үмбетова Һәм Іңкәр"
    card = replace(CARDS[0], slug="kazakh-name", country="KZ", texts={"ru": CardText(name, "Учёная", "Body.")})
    lines = layout(name, "Учёная", "Химия", country_name("KZ", "ru"))
    assert " ".join(line.text for line in lines if line.role == "name") == name  # no letter dropped
    assert open_jpeg(render_picture(card, "ru", "Химия")).size == (SIZE, SIZE)


@pytest.mark.parametrize("language", ["ky", "ru", "en"])
def test_every_card_shows_its_name_field_and_country_large_enough_for_a_small_phone(language: str) -> None:
    for card in CARDS:
        text, label = card.text(language), field_label(card, language)
        country = country_name(card.country, language)
        assert country, (card.slug, card.country)
        lines = layout(text.name, text.title, label, country)
        labels = [line for line in lines if line.role == "label"]
        assert " ".join(line.text for line in labels) == f"{label} · {country}".upper()
        assert min(line.size for line in lines if line.role == "name") >= 44, card.slug
        assert min(line.size for line in labels) >= 28, card.slug


def test_the_programme_names_kyrgyzstan_in_each_language() -> None:
    assert [country_name("KG", language) for language in ("ky", "ru", "en")] == ["Кыргызстан"] * 2 + ["Kyrgyzstan"]
    assert country_name("XX", "en") == ""


def test_a_card_with_a_portrait_shows_it_above_the_text(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    Image.new("RGB", (400, 600), (0, 200, 0)).save(tmp_path / "images" / "portrait.jpg", "JPEG")
    card = replace(CARDS[0], image="portrait.jpg", image_credit="Photo: test", path=tmp_path / "x.toml")
    image = open_jpeg(render_picture(card, "en", "Software and IT")).convert("RGB")
    centre = MARGIN + PORTRAIT // 2
    red, green, blue = image.getpixel((centre, centre))
    assert green > 150 and red < 80 and blue < 80  # the portrait, not the gradient
    text = card.text("en")
    lines = layout(text.name, text.title, "Software and IT", "UK", area=PORTRAIT_TEXT_AREA)
    assert min(line.box[1] for line in lines) > MARGIN + PORTRAIT
