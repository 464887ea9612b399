"""Secrets never reach the logs, even inside a traceback or an httpx URL line."""

import logging

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
