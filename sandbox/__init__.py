"""The offline tooling, apart from the product: the Bot API emulator (sandbox.emulator) and the
Telegram-like sandbox page that runs the real bot against it, with no Telegram at all.

`python -m bot sandbox [--port N] [--seed]` (and `make run` without BOT_TOKEN) call
`run_sandbox`; tests use `Sandbox` as an async context manager on a free port.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import warnings

from telegram.warnings import PTBUserWarning

from bot.config import ConfigError
from bot.db import DatabaseError
from bot.logs import setup_logging
from sandbox.app import (
    ADMIN,
    AIDA,
    BERMET,
    GULNARA,
    PERSONAS,
    Persona,
    PortUnavailable,
    Sandbox,
    env_values,
    sandbox_port,
)

__all__ = ["ADMIN", "AIDA", "BERMET", "GULNARA", "PERSONAS", "Persona", "Sandbox", "run_sandbox"]

log = logging.getLogger(__name__)


def run_sandbox(port: int | None = None, seed: bool = False) -> int:
    """Serve the sandbox until Ctrl+C or SIGTERM; return the process exit code."""
    values = env_values()
    try:
        chosen = sandbox_port(port, values)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    level = values.get("LOG_LEVEL", "").strip().upper() or "WARNING"
    setup_logging(level if level in logging.getLevelNamesMapping() else "WARNING", [])
    # PTB's advice about ConversationHandler's per_* settings is for developers, not here.
    warnings.filterwarnings("ignore", category=PTBUserWarning)
    try:
        asyncio.run(_serve(chosen, seed))
    except KeyboardInterrupt:
        pass  # Ctrl+C before the signal handlers were in place
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    except DatabaseError as error:
        print(f"database error: {error}", file=sys.stderr)
        return 2
    except PortUnavailable as error:
        print(f"sandbox: {error}; try another port with --port N or SANDBOX_PORT", file=sys.stderr)
        return 2
    return 0


async def _serve(port: int, seed: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    async with Sandbox(port=port, seed=seed) as sandbox:
        if seed:
            print(f"Sandbox: {sandbox.seeded} demo mentor(s) added to {sandbox.database_path}")
        print(f"Sandbox: open {sandbox.url.rstrip('/')} in a browser (Ctrl+C to stop)", flush=True)
        await stop.wait()
        print("Sandbox: stopping…", flush=True)
