"""Settings: read once from the environment and `.env`, checked, and frozen.

A bad value stops start-up with one line that names the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.safety import DEV_KEY
from bot.sessions.reminder_plan import parse_offsets

TELEGRAM_API = "https://api.telegram.org/bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """One bad setting; its message names the variable and is shown as is."""


@dataclass(frozen=True, slots=True)
class Settings:
    bot_token: str | None
    admin_ids: frozenset[int]
    database_path: Path
    api_base_url: str
    default_timezone: ZoneInfo
    webhook_url: str | None
    webhook_secret: str | None
    port: int
    broadcast_rate: float
    reminder_offsets: tuple[timedelta, ...]
    log_level: str
    account_hash_key: bytes = DEV_KEY
    # (language, chat id) of each public channel the story cards are posted to, and how often.
    story_channels: tuple[tuple[str, int], ...] = ()
    story_channel_every: timedelta = timedelta(days=7)

    @property
    def file_base_url(self) -> str:
        """Where files are downloaded: Telegram's /bot base becomes /file/bot."""
        head, sep, _ = self.api_base_url.rpartition("/bot")
        return f"{head}/file/bot" if sep else self.api_base_url

    @property
    def webhook_mode(self) -> bool:
        return self.webhook_url is not None

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids


def _token(raw: str) -> str | None:
    raw = raw.strip()
    if not raw:
        return None
    bot_id, sep, secret = raw.partition(":")
    if not (sep and bot_id.isdigit() and secret):
        # Never echo the value: it may be a real secret with a typo.
        raise ConfigError("BOT_TOKEN: does not look like a token from @BotFather (digits:secret)")
    return raw


def _admin_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) <= 0:
            raise ConfigError(f'ADMIN_IDS: "{part}" is not a Telegram user id')
        ids.add(int(part))
    return frozenset(ids)


def _url(name: str, raw: str, *, https_only: bool = False) -> str:
    parsed = urlparse(raw)
    schemes = ("https",) if https_only else ("http", "https")
    if parsed.scheme not in schemes or not parsed.netloc:
        wanted = "an https:// URL" if https_only else "an http(s):// URL"
        raise ConfigError(f'{name}: "{raw}" is not {wanted}')
    return raw


def _timezone(raw: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f'DEFAULT_TIMEZONE: "{raw}" is not a known time zone (e.g. Asia/Bishkek)') from None


def _port(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise ConfigError(f'PORT: "{raw}" is not a port number (1-65535)')
    return int(raw)


def _rate(raw: str) -> float:
    try:
        rate = float(raw)
    except ValueError:
        rate = -1.0
    if not 0 < rate <= 30:
        raise ConfigError(f'BROADCAST_RATE: "{raw}" must be a number of messages per second, above 0 and at most 30')
    return rate


def _offsets(raw: str) -> tuple[timedelta, ...]:
    try:
        return parse_offsets(raw)
    except ValueError as error:
        raise ConfigError(f"REMINDER_OFFSETS: {error}") from None


def _secret(raw: str) -> str:
    # Telegram allows 1-256 characters of A-Z, a-z, 0-9, _ and -; a short one can be guessed (F17).
    if not 16 <= len(raw) <= 256 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in raw):
        raise ConfigError("WEBHOOK_SECRET: use 16-256 characters of letters, digits, _ and -")
    return raw


def _hash_key(raw: str, token: str | None, api_base_url: str) -> bytes:
    if not raw:
        # Production is a token talking to Telegram; the sandbox, tests and benchmarks talk to the emulator.
        if token is not None and api_base_url.startswith("https://api.telegram.org"):
            raise ConfigError("ACCOUNT_HASH_KEY: required with BOT_TOKEN (e.g. the output of: openssl rand -hex 32)")
        return DEV_KEY
    if len(raw) < 32:
        raise ConfigError("ACCOUNT_HASH_KEY: use at least 32 random characters (openssl rand -hex 32)")
    return raw.encode()


def _channels(get) -> tuple[tuple[str, int], ...]:
    """STORIES_CHANNEL_ID (in STORIES_CHANNEL_LANGUAGE, ru unless set) and one per language."""
    language = get("STORIES_CHANNEL_LANGUAGE", "ru").lower()
    if language not in ("ky", "ru", "en"):
        raise ConfigError(f'STORIES_CHANNEL_LANGUAGE: "{language}" is not one of ky, ru, en')
    channels = []
    for name, code in (
        ("STORIES_CHANNEL_ID", language),
        *((f"STORIES_CHANNEL_ID_{c.upper()}", c) for c in ("ky", "ru", "en")),
    ):
        raw = get(name)
        if not raw:
            continue
        if not raw.startswith("-100") or not raw[1:].isdigit():
            raise ConfigError(f'{name}: "{raw}" is not a channel id (a number starting with -100)')
        if (code, int(raw)) not in channels:
            channels.append((code, int(raw)))
    return tuple(channels)


def _every(raw: str) -> timedelta:
    try:
        (every,) = parse_offsets(raw)
    except ValueError:
        every = timedelta()
    if every < timedelta(hours=1):
        raise ConfigError(f'STORIES_CHANNEL_EVERY: "{raw}" must be one period of at least 1h, such as 7d or 3d12h')
    return every


def load_settings(environ: Mapping[str, str] | None = None, *, env_file: Path | None = Path(".env")) -> Settings:
    """Read settings; the process environment wins over `.env`."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.exists():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str = "") -> str:
        return values.get(name, default).strip()

    webhook_url = get("WEBHOOK_URL") or None
    webhook_secret = get("WEBHOOK_SECRET") or None
    if webhook_url:
        _url("WEBHOOK_URL", webhook_url, https_only=not webhook_url.startswith("http://127.0.0.1"))
        if webhook_secret is None:
            raise ConfigError("WEBHOOK_SECRET: required when WEBHOOK_URL is set")
    if webhook_secret is not None:
        _secret(webhook_secret)

    log_level = get("LOG_LEVEL", "INFO").upper()
    if log_level not in LOG_LEVELS:
        raise ConfigError(f'LOG_LEVEL: "{log_level}" is not one of {", ".join(LOG_LEVELS)}')

    database_path = get("DATABASE_PATH", "data/bot.sqlite3")
    if not database_path:
        raise ConfigError("DATABASE_PATH: must not be empty")

    token = _token(get("BOT_TOKEN"))
    api_base_url = _url("TELEGRAM_API_BASE_URL", get("TELEGRAM_API_BASE_URL", TELEGRAM_API))
    return Settings(
        bot_token=token,
        admin_ids=_admin_ids(get("ADMIN_IDS")),
        database_path=Path(database_path),
        api_base_url=api_base_url,
        default_timezone=_timezone(get("DEFAULT_TIMEZONE", "Asia/Bishkek")),
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        port=_port(get("PORT", "8443")),
        broadcast_rate=_rate(get("BROADCAST_RATE", "30")),
        reminder_offsets=_offsets(get("REMINDER_OFFSETS", "24h,1h")),
        log_level=log_level,
        account_hash_key=_hash_key(get("ACCOUNT_HASH_KEY"), token, api_base_url),
        story_channels=_channels(get),
        story_channel_every=_every(get("STORIES_CHANNEL_EVERY", "7d")),
    )
