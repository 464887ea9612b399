"""`python -m bot`: run the bot, migrate or back up the database, check story cards, the sandbox."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from telegram import Update

from bot.config import ConfigError, Settings, load_settings
from bot.db import Database, DatabaseError
from bot.logs import setup_logging

log = logging.getLogger("bot")

# Seconds between two getUpdates calls. Under load a call per update costs the bot as much as its
# reply; a short pause lets each call bring a batch and adds at most this to a reply, well under
# a round trip to Telegram. (Each call still long-polls, so an idle bot answers at once.)
POLL_INTERVAL = 0.02


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


async def _check_database(settings: Settings) -> None:
    """Open, migrate and close: fail fast with a clear line before PTB starts."""
    db = Database(settings.database_path)
    await db.open()
    await db.close()


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings()
    setup_logging(settings.log_level, [settings.bot_token, settings.webhook_secret])
    if settings.bot_token is None:
        print("No BOT_TOKEN is set: starting the offline sandbox instead (nothing goes to Telegram).")
        return cmd_sandbox(args)
    try:
        asyncio.run(_check_database(settings))
    except DatabaseError as error:
        print(f"database error: {error}", file=sys.stderr)
        return 2
    from bot.app import build_application
    from bot.webhook import run_webhook, webhook_path

    app = build_application(settings)
    api = settings.api_base_url.replace(settings.bot_token, "***")
    if settings.webhook_mode:
        try:
            webhook_path(settings.webhook_url)
        except ValueError as error:
            print(f"configuration error: {error}", file=sys.stderr)
            return 2
        log.info("starting in webhook mode against %s", api)
        # Handles SIGINT/SIGTERM like run_polling: stops taking updates, finishes, shuts down.
        run_webhook(app, settings, listen=args.listen)
        return 0
    log.info("starting in polling mode against %s", api)
    # run_polling handles SIGINT/SIGTERM: stops taking updates, finishes, shuts down, returns.
    app.run_polling(poll_interval=POLL_INTERVAL, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings()
    setup_logging(settings.log_level, [settings.bot_token])

    async def migrate() -> list[str]:
        db = Database(settings.database_path)
        await db.open(migrate=False)
        try:
            return await db.migrate()
        finally:
            await db.close()

    try:
        applied = asyncio.run(migrate())
    except DatabaseError as error:
        print(f"database error: {error}", file=sys.stderr)
        return 2
    done = f"applied {', '.join(applied)}" if applied else "up to date"
    print(f"{settings.database_path}: {done}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from bot.backup import BackupError, backup

    settings = _settings()
    try:
        made = backup(settings.database_path, Path(args.path))
    except BackupError as error:
        print(f"backup error: {error}", file=sys.stderr)
        return 2
    print(
        f"{settings.database_path} -> {made.path}: {made.size} bytes, "
        f"schema version {made.schema_version}, integrity ok"
    )
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    from sandbox import run_sandbox

    return run_sandbox(port=getattr(args, "port", None), seed=getattr(args, "seed", False))


def cmd_stories_check(args: argparse.Namespace) -> int:
    from bot.stories.cards import STORIES_DIR, check_cards, load_cards
    from bot.stories.coverage import report

    problems = check_cards(STORIES_DIR)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)" if problems else "all story cards are valid")
    cards = {card.slug: card for card in (load_cards(STORIES_DIR) if not problems else [])}
    if args.database:
        if not Path(args.database).is_file():
            print(f"database error: {args.database} does not exist", file=sys.stderr)
            return 2
        try:
            cards = asyncio.run(_library(Path(args.database), cards))
        except DatabaseError as error:
            print(f"database error: {error}", file=sys.stderr)
            return 2
    print()
    print("\n".join(report(cards.values())))
    return 1 if problems else 0


async def _library(path: Path, shipped: dict) -> dict:
    """The shipped cards and those published through the bot, less the hidden ones."""
    from bot.story_library import flow

    db = Database(path)
    await db.open(migrate=False)  # only read: the running bot migrates its own database
    try:
        if await db.fetchval("SELECT 1 FROM sqlite_master WHERE name = 'story_uploads'") is None:
            raise DatabaseError(f"{path} has no story_uploads table yet: run `python -m bot migrate`")
        cards = shipped | {card.slug: card for card in await flow.load(db, shipped)}
        hidden = {row["slug"] for row in await db.fetchall("SELECT slug FROM story_cards WHERE hidden = 1")}
    finally:
        await db.close()
    return {slug: card for slug, card in cards.items() if slug not in hidden}


def cmd_experiment_report(args: argparse.Namespace) -> int:
    from bot.experiments.cli import report

    return report(_settings(), args.id)


def cmd_report(args: argparse.Namespace) -> int:
    from bot.outcomes.cli import report

    return report(_settings(), args)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m bot", description="STEMinist Mentor Bot")
    sub = root.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run = sub.add_parser(
        "run",
        help="run the bot: polling, or a webhook when WEBHOOK_URL is set (the offline sandbox when BOT_TOKEN is unset)",
    )
    run.add_argument(
        "--listen",
        default="0.0.0.0",
        help="webhook mode: the address to listen on, with PORT (default 0.0.0.0; 127.0.0.1 behind a reverse proxy)",
    )
    run.set_defaults(func=cmd_run)
    migrate = sub.add_parser("migrate", help="apply database migrations and exit")
    migrate.set_defaults(func=cmd_migrate)
    backup = sub.add_parser("backup", help="copy the database to PATH (safe while the bot runs)")
    backup.add_argument("path", metavar="PATH", help="the backup file, or a folder to put a dated file in")
    backup.set_defaults(func=cmd_backup)
    sandbox = sub.add_parser("sandbox", help="run the bot offline against the Bot API emulator")
    sandbox.add_argument("--port", type=int, default=None, help="the web page's port (default 8080)")
    sandbox.add_argument("--seed", action="store_true", help="add demo mentors and slots")
    sandbox.set_defaults(func=cmd_sandbox)
    stories = sub.add_parser("stories", help="story cards")
    stories_sub = stories.add_subparsers(dest="stories_command", metavar="ACTION", required=True)
    check = stories_sub.add_parser(
        "check", help="validate every card in stories/ and count the library per region against its aim"
    )
    check.add_argument(
        "--database", metavar="PATH", help="count the cards published through the bot too (and leave out hidden ones)"
    )
    check.set_defaults(func=cmd_stories_check)
    report = sub.add_parser("report", help="the outcome indicator report as an XLSX workbook")
    report.add_argument("--from", dest="since", required=True, help="first day of the cohort (YYYY-MM-DD)")
    report.add_argument("--to", dest="until", required=True, help="last day of the cohort (YYYY-MM-DD)")
    report.add_argument("--xlsx", required=True, help="the workbook to write")
    report.set_defaults(func=cmd_report)
    experiment = sub.add_parser("experiment", help="experiments")
    experiment_sub = experiment.add_subparsers(dest="experiment_command", required=True)
    experiment_report = experiment_sub.add_parser("report", help="an experiment's arms against control")
    experiment_report.add_argument("id", type=int)
    experiment_report.set_defaults(func=cmd_experiment_report)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)
