"""Secrets never reach the logs, even inside a traceback or an httpx URL line."""

import logging
from datetime import UTC, datetime

from bot.logs import setup_logging

TOKEN = "123456:SECRET-token_value"


def test_the_token_is_scrubbed_from_messages_and_tracebacks(capsys):
    setup_logging("DEBUG", [TOKEN, None])
    log = logging.getLogger("telegram.ext.test")
    log.info("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", TOKEN)
    try:
        raise RuntimeError(f"failed calling https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("request failed")
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert "https://api.telegram.org/bot***/getUpdates" in err
    assert "RuntimeError: failed calling https://api.telegram.org/bot***/sendMessage" in err
    assert logging.getLogger("httpx").level == logging.WARNING
    logging.getLogger().handlers.clear()


def test_debug_logs_carry_no_message_texts(capsys):
    """F16: with LOG_LEVEL=DEBUG, a library's update or request dump loses its values."""
    from telegram import Chat, Message, Update, User

    setup_logging("DEBUG", [])
    try:
        when = datetime(2026, 12, 1, tzinfo=UTC)
        chat = Chat(5, "private")
        message = Message(1, when, chat, from_user=User(5, "Aida", False), text="my number is +996 555 123 456")
        logging.getLogger("telegram.ext.Application").debug("Processing update %s", Update(1, message=message))
        logging.getLogger("aiosqlite").debug("executing %s %s", "INSERT ...", ("+996 555 123 456",))
        logging.getLogger("telegram.ext.Application").debug(Update(2, message=message))
        logging.getLogger("telegram.ext.Application").info("Application started")
    finally:
        logging.getLogger().setLevel(logging.WARNING)
    err = capsys.readouterr().err
    assert "+996" not in err
    assert "Processing update" in err and "executing" in err and "Application started" in err
