"""`python -m bot stories check`: cards per region against the aim, with the cards in a database too."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.cli import main
from bot.db import Database
from bot.stories.cards import STORIES_DIR, load_cards
from bot.stories.coverage import coverage, report
from bot.story_library import store
from bot.story_library.store import Draft

CARDS = Path(__file__).resolve().parent.parent / "data" / "cards"


def test_coverage_counts_kyrgyzstan_inside_central_asia_inside_the_world() -> None:
    cards = load_cards(STORIES_DIR)
    kyrgyzstan, central_asia, world = coverage(cards)
    assert world.cards == len(cards) and world.sourced == len(cards)
    assert kyrgyzstan.cards == sum(card.country == "KG" for card in cards)
    assert kyrgyzstan.cards <= central_asia.cards <= world.cards


def test_the_report_names_the_aim() -> None:
    lines = report(load_cards(STORIES_DIR))
    assert lines[-1].startswith("aim: Kyrgyzstan >= 12: ")
    assert "Central Asia >= half" in lines[-1] and "100% sourced: met" in lines[-1]


def test_stories_check_counts_the_cards_published_in_a_database(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bot.sqlite3"

    async def publish() -> None:
        db = Database(path)
        await db.open()
        toml = (CARDS / "aigul-test.toml").read_text()
        from datetime import UTC, datetime

        draft_id = await store.save_draft(db, 1, "aigul-test", toml, datetime.now(UTC))
        await store.publish(
            db, Draft(draft_id, 1, "aigul-test", toml), "engineering", "early_career", "kyrgyzstan", datetime.now(UTC)
        )
        await db.close()

    asyncio.run(publish())
    assert main(["stories", "check"]) == 0
    without = capsys.readouterr().out
    assert main(["stories", "check", "--database", str(path)]) == 0
    with_db = capsys.readouterr().out
    shipped = len(load_cards(STORIES_DIR))

    def kyrgyzstan(out: str) -> int:
        return int(next(line for line in out.splitlines() if line.startswith("Kyrgyzstan")).split()[1])

    assert kyrgyzstan(with_db) == kyrgyzstan(without) + 1
    assert f"of {shipped + 1})" in with_db and f"of {shipped})" in without
