"""Logging to stderr, one line per record, with secrets scrubbed and httpx quieted."""

from __future__ import annotations

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Replace every secret (the token appears in Bot API URLs) with *** in the whole line,
    tracebacks included."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(FORMAT)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


# Our own modules never log what people wrote; these may log at DEBUG with their values kept.
OWN = ("bot", "handlers", "sandbox", "stories")


class NoTextsBelowInfo(logging.Filter):
    """Below INFO a library's record keeps its wording and loses its values: PTB's updates and
    requests, and aiosqlite's SQL parameters, carry what people wrote and shared (F16)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO and record.name.partition(".")[0] not in OWN:
            record.msg = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
            record.args = ()
        return True


def setup_logging(level: str, secrets: list[str | None]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter([s for s in secrets if s]))
    handler.addFilter(NoTextsBelowInfo())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
