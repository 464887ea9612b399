"""The sandbox's settings: whatever the environment says, the bot talks only to the emulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError
from sandbox.app import ADMIN, env_values, sandbox_database, sandbox_port, sandbox_settings

EMULATOR = "http://127.0.0.1:5555/bot"


def test_the_token_api_and_database_are_forced_and_the_admin_persona_is_an_admin(tmp_path):
    env = {
        "BOT_TOKEN": "123456:real-secret",
        "TELEGRAM_API_BASE_URL": "https://api.telegram.org/bot",
        "DATABASE_PATH": "data/bot.sqlite3",
        "WEBHOOK_URL": "https://example.org/hook",
        "WEBHOOK_SECRET": "s3cret-sixteen-chars",
        "ADMIN_IDS": "42, 43",
        "DEFAULT_TIMEZONE": "Asia/Almaty",
    }
    settings = sandbox_settings(env, api_base_url=EMULATOR, database_path=tmp_path / "s.sqlite3")
    assert settings.bot_token == "1:sandbox"
    assert settings.api_base_url == EMULATOR
    assert settings.file_base_url == "http://127.0.0.1:5555/file/bot"
    assert settings.database_path == tmp_path / "s.sqlite3"
    assert not settings.webhook_mode
    assert settings.admin_ids == {42, 43, ADMIN.user_id}
    assert str(settings.default_timezone) == "Asia/Almaty"  # the rest is read as usual
    assert settings.log_level == "WARNING"  # quiet unless LOG_LEVEL says otherwise


def test_a_bad_value_still_stops_start_up_with_its_name():
    with pytest.raises(ConfigError, match="DEFAULT_TIMEZONE"):
        sandbox_settings({"DEFAULT_TIMEZONE": "Mars/Olympus"}, api_base_url=EMULATOR,
                         database_path=Path("x.sqlite3"))  # fmt: skip


def test_the_port_comes_from_the_flag_then_sandbox_port_then_8080():
    assert sandbox_port(None, {}) == 8080
    assert sandbox_port(None, {"SANDBOX_PORT": "9000"}) == 9000
    assert sandbox_port(9100, {"SANDBOX_PORT": "9000"}) == 9100
    with pytest.raises(ConfigError, match="SANDBOX_PORT"):
        sandbox_port(None, {"SANDBOX_PORT": "eighty"})
    with pytest.raises(ConfigError, match="--port"):
        sandbox_port(70000, {})


def test_the_database_is_the_sandbox_s_own_never_the_bot_s():
    assert sandbox_database({"DATABASE_PATH": "data/bot.sqlite3"}) == Path("data/sandbox.sqlite3")
    assert sandbox_database({"SANDBOX_DATABASE_PATH": "/tmp/x.sqlite3"}) == Path("/tmp/x.sqlite3")


def test_the_environment_wins_over_dot_env(tmp_path):
    dot_env = tmp_path / ".env"
    dot_env.write_text("SANDBOX_PORT=9001\nLOG_LEVEL=DEBUG\n", encoding="utf-8")
    values = env_values({"SANDBOX_PORT": "9002"}, dot_env)
    assert values["SANDBOX_PORT"] == "9002" and values["LOG_LEVEL"] == "DEBUG"
