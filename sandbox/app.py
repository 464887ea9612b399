"""The sandbox: the Bot API emulator, the real bot and a Telegram-like page, in one loop.

    async with Sandbox(port=0, database_path=tmp / "db.sqlite3") as sb:
        print(sb.url)              # the page; the Bot API and the control API share the port
        sb.emulator.send_text(AIDA, "/start")

Nothing here talks to Telegram: the bot's API base is forced to the emulator.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values
from telegram.ext import Application

from bot.app import SANDBOX_TOKEN, build_application
from bot.clock import Clock
from bot.config import ConfigError, Settings, load_settings
from bot.db import Database
from bot.runner import polling
from sandbox.emulator.server import Emulator
from sandbox.routes import add_page_routes
from sandbox.seed import demo_mentors_present, seed

log = logging.getLogger(__name__)

DEFAULT_PORT = 8080
DEFAULT_DATABASE = Path("data/sandbox.sqlite3")


class PortUnavailable(RuntimeError):
    """The page's port is taken (or not ours to take); the message says which."""


@dataclass(frozen=True, slots=True)
class Persona:
    user_id: int
    name: str
    language_code: str
    label: str  # who she is in the demo, shown under her name in the persona list


AIDA = Persona(700001, "Aida", "ru", "mentee")
BERMET = Persona(700002, "Bermet", "ky", "15 years old")
GULNARA = Persona(700003, "Gulnara", "ru", "mentor")
ADMIN = Persona(700004, "Admin", "en", "programme admin")
PERSONAS = (AIDA, BERMET, GULNARA, ADMIN)


def env_values(environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> dict[str, str]:
    """`.env` overlaid by the process environment, as load_settings reads them."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.exists():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return values


def sandbox_port(port: int | None, values: Mapping[str, str]) -> int:
    """--port, else SANDBOX_PORT, else 8080 (0 picks a free port)."""
    if port is None:
        raw = values.get("SANDBOX_PORT", "").strip()
        if not raw:
            return DEFAULT_PORT
        if not raw.isdigit():
            raise ConfigError(f'SANDBOX_PORT: "{raw}" is not a port number (1-65535)')
        port = int(raw)
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port: {port} is not a port number (1-65535)")
    return port


def sandbox_database(values: Mapping[str, str]) -> Path:
    """SANDBOX_DATABASE_PATH, else data/sandbox.sqlite3: never the real bot's DATABASE_PATH."""
    return Path(values.get("SANDBOX_DATABASE_PATH", "").strip() or DEFAULT_DATABASE)


def sandbox_settings(values: Mapping[str, str], *, api_base_url: str, database_path: Path) -> Settings:
    """The bot's settings with everything that could reach Telegram forced to the emulator."""
    forced = {
        **values,
        "BOT_TOKEN": SANDBOX_TOKEN,
        "TELEGRAM_API_BASE_URL": api_base_url,
        "DATABASE_PATH": str(database_path),
        "WEBHOOK_URL": "",
        "WEBHOOK_SECRET": "",
        # Quiet by default: the console shows the address line and any trouble.
        "LOG_LEVEL": values.get("LOG_LEVEL", "").strip() or "WARNING",
    }
    settings = load_settings(forced, env_file=None)
    return dataclasses.replace(settings, admin_ids=settings.admin_ids | {ADMIN.user_id})


class Sandbox:
    """Start with `async with`; exposes `url`, `emulator`, `app` (PTB's Application), `clock`."""

    def __init__(
        self,
        *,
        port: int = DEFAULT_PORT,
        host: str = "127.0.0.1",
        database_path: Path | str | None = None,
        seed: bool = False,
        environ: Mapping[str, str] | None = None,
        env_file: Path | None = Path(".env"),
        clock: Clock | None = None,
        poll_timeout: float = 10.0,
    ) -> None:
        self.values = env_values(environ, env_file)
        self.port = port
        self.host = host
        self.database_path = Path(database_path) if database_path else sandbox_database(self.values)
        self.seed = seed
        self.clock = clock or Clock()
        self.poll_timeout = poll_timeout
        self.emulator = Emulator()
        self.app: Application | None = None
        self.settings: Settings | None = None
        self.seeded = 0  # demo mentors inserted by this start
        self.labels: dict[int, str] = {p.user_id: p.label for p in PERSONAS}
        self._stack = AsyncExitStack()
        # Routes must be on the aiohttp app before the emulator starts (aiohttp freezes them).
        add_page_routes(self.emulator.app, self)

    @property
    def url(self) -> str:
        return f"{self.emulator.base_url}/"

    async def __aenter__(self) -> Sandbox:
        try:
            await self._start()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._stack.aclose()

    async def _start(self) -> None:
        # Check the configuration before taking the port: a bad value is one clear line.
        sandbox_settings(self.values, api_base_url="http://127.0.0.1/bot", database_path=self.database_path)
        try:
            await self.emulator.start(self.host, self.port)
        except OSError as error:
            raise PortUnavailable(f"cannot listen on {self.host}:{self.port} ({error.strerror or error})") from None
        self._stack.push_async_callback(self.emulator.stop)
        settings = sandbox_settings(
            self.values, api_base_url=self.emulator.api_base_url, database_path=self.database_path
        )
        self.settings = settings
        for persona in PERSONAS:
            self.emulator.add_user(persona.user_id, persona.name, persona.language_code)
        await self._prepare_database()
        self.app = build_application(settings, clock=self.clock)
        await self._stack.enter_async_context(polling(self.app, poll_timeout=self.poll_timeout))

    async def _prepare_database(self) -> None:
        """Migrate (failing fast, clearly), seed if asked, and give the demo mentors a chat."""
        db = Database(self.database_path)
        await db.open()
        try:
            if self.seed:
                self.seeded = await seed(db, self.clock.now(), approved_by=ADMIN.user_id)
            mentors = await demo_mentors_present(db)
        finally:
            await db.close()
        for mentor in mentors:
            # So that the bot can write to them (requests, reminders) and the page can play them.
            self.emulator.add_user(mentor.user_id, mentor.first_name, mentor.language)
            self.labels[mentor.user_id] = f"demo mentor · {mentor.job_title}"

    def add_persona(self, name: str, language_code: str | None) -> int:
        user_id = self.emulator.add_user(first_name=name, language_code=language_code)
        self.labels[user_id] = "added here"
        return user_id
