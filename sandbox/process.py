"""The real `python -m bot run` in a subprocess against a Bot API (the emulator), for the kill,
restart and webhook tests and the benchmarks: one place that knows how to start it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST-token"


async def spawn_bot(
    api_base_url: str,
    database_path: Path,
    *args: str,
    token: str = TOKEN,
    log_level: str = "INFO",
    stderr: int = asyncio.subprocess.PIPE,
    **env: str,
) -> asyncio.subprocess.Process:
    """`python -m bot run *args`; polling unless `env` names a WEBHOOK_URL (the process
    environment wins over a developer's .env, so a stray webhook there cannot leak in)."""
    values = {
        **os.environ,
        "BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": api_base_url,
        "DATABASE_PATH": str(database_path),
        "LOG_LEVEL": log_level,
        "WEBHOOK_URL": "",
        "WEBHOOK_SECRET": "",
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *args,
        cwd=ROOT,
        env=values,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=stderr,
    )


async def start_polling_bot(
    emulator, database_path: Path, *, timeout: float = 60, **options
) -> asyncio.subprocess.Process:
    """`spawn_bot` against the emulator; returns once it polls."""
    calls_before = len(emulator.calls("getUpdates"))
    process = await spawn_bot(emulator.api_base_url, database_path, **options)
    await emulator.wait_for(lambda: len(emulator.calls("getUpdates")) > calls_before, timeout=timeout)
    return process
