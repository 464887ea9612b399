"""Settings: defaults, every variable read, and one clear line for each bad value."""

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.safety import DEV_KEY


def settings(env=None, env_file=None):
    return load_settings(env or {}, env_file=env_file)


def test_defaults_match_the_design():
    s = settings()
    assert s.bot_token is None
    assert s.admin_ids == frozenset()
    assert s.database_path == Path("data/bot.sqlite3")
    assert s.api_base_url == "https://api.telegram.org/bot"
    assert s.file_base_url == "https://api.telegram.org/file/bot"
    assert s.default_timezone.key == "Asia/Bishkek"
    assert s.webhook_url is None and not s.webhook_mode
    assert s.broadcast_rate == 30
    assert s.reminder_offsets == (timedelta(hours=24), timedelta(hours=1))
    assert s.log_level == "INFO"


def test_every_variable_is_read():
    s = settings(
        {
            "BOT_TOKEN": "123456:ABC-def_ghi",
            "ADMIN_IDS": " 1, 22 ,333",
            "DATABASE_PATH": "/tmp/x.sqlite3",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "DEFAULT_TIMEZONE": "Europe/Berlin",
            "WEBHOOK_URL": "https://bot.example.org/hook",
            "WEBHOOK_SECRET": "s3cret_-X-long-enough",
            "PORT": "8080",
            "BROADCAST_RATE": "10.5",
            "REMINDER_OFFSETS": "2h,30m",
            "LOG_LEVEL": "debug",
            "ACCOUNT_HASH_KEY": "k" * 32,
        }
    )
    assert s.bot_token == "123456:ABC-def_ghi"
    assert s.account_hash_key == b"k" * 32
    assert s.admin_ids == {1, 22, 333}
    assert s.is_admin(22) and not s.is_admin(2) and not s.is_admin(None)
    assert s.database_path == Path("/tmp/x.sqlite3")
    assert s.file_base_url == "http://127.0.0.1:8081/file/bot"
    assert s.default_timezone.key == "Europe/Berlin"
    assert s.webhook_mode and s.webhook_secret == "s3cret_-X-long-enough" and s.port == 8080
    assert s.broadcast_rate == 10.5
    assert s.reminder_offsets == (timedelta(hours=2), timedelta(minutes=30))
    assert s.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ADMIN_IDS": "12x"}, 'ADMIN_IDS: "12x" is not a Telegram user id'),
        ({"ADMIN_IDS": "1,-5"}, 'ADMIN_IDS: "-5" is not a Telegram user id'),
        ({"BOT_TOKEN": "not-a-token"}, "BOT_TOKEN:"),
        ({"TELEGRAM_API_BASE_URL": "ftp://x"}, "TELEGRAM_API_BASE_URL:"),
        (
            {"DEFAULT_TIMEZONE": "Mars/Olympus"},
            'DEFAULT_TIMEZONE: "Mars/Olympus" is not a known time zone',
        ),
        ({"PORT": "70000"}, "PORT:"),
        ({"BROADCAST_RATE": "50"}, "BROADCAST_RATE:"),
        ({"BROADCAST_RATE": "fast"}, "BROADCAST_RATE:"),
        ({"REMINDER_OFFSETS": "1x"}, "REMINDER_OFFSETS:"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL:"),
        ({"WEBHOOK_URL": "https://bot.example.org/hook"}, "WEBHOOK_SECRET: required"),
        ({"WEBHOOK_URL": "http://bot.example.org/hook", "WEBHOOK_SECRET": "x"}, "WEBHOOK_URL:"),
        ({"WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET:"),
    ],
)
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(ConfigError) as caught:
        settings(env)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_bad_token_is_never_echoed():
    with pytest.raises(ConfigError) as caught:
        settings({"BOT_TOKEN": "secretvalue"})
    assert "secretvalue" not in str(caught.value)


def test_dotenv_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("ADMIN_IDS=5\nLOG_LEVEL=WARNING\n# a comment\n", encoding="utf-8")
    s = settings({"LOG_LEVEL": "ERROR"}, env_file=env_file)
    assert s.admin_ids == {5}
    assert s.log_level == "ERROR"


def test_env_example_lists_every_variable():
    example = Path(__file__).resolve().parents[2] / ".env.example"
    names = {line.split("=")[0] for line in example.read_text().splitlines() if line and not line.startswith("#")}
    assert names == {
        "BOT_TOKEN",
        "ADMIN_IDS",
        "DATABASE_PATH",
        "TELEGRAM_API_BASE_URL",
        "DEFAULT_TIMEZONE",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "PORT",
        "BROADCAST_RATE",
        "REMINDER_OFFSETS",
        "LOG_LEVEL",
        "ACCOUNT_HASH_KEY",
        "STORIES_CHANNEL_ID",
        "STORIES_CHANNEL_LANGUAGE",
        "STORIES_CHANNEL_ID_KY",
        "STORIES_CHANNEL_ID_RU",
        "STORIES_CHANNEL_ID_EN",
        "STORIES_CHANNEL_EVERY",
    }
    # Loading the example as it stands gives the defaults, not an error.
    assert load_settings({}, env_file=example).broadcast_rate == 30


def test_production_needs_an_account_hash_key_and_a_long_webhook_secret():
    with pytest.raises(ConfigError, match="ACCOUNT_HASH_KEY: required"):
        load_settings({"BOT_TOKEN": "123456:ABC"}, env_file=None)
    with pytest.raises(ConfigError, match="ACCOUNT_HASH_KEY: use at least 32"):
        load_settings({"BOT_TOKEN": "123456:ABC", "ACCOUNT_HASH_KEY": "short"}, env_file=None)
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET: use 16-256"):
        load_settings({"WEBHOOK_SECRET": "a"}, env_file=None)
    # Against the emulator (sandbox, tests, benchmarks) a fixed dev key is used.
    emulated = load_settings(
        {"BOT_TOKEN": "123456:ABC", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:1/bot"}, env_file=None
    )
    assert emulated.account_hash_key == DEV_KEY


def test_story_channels_and_their_period() -> None:
    settings = load_settings(
        {"STORIES_CHANNEL_ID": "-1001", "STORIES_CHANNEL_ID_EN": "-1002", "STORIES_CHANNEL_EVERY": "3d12h"},
        env_file=None,
    )
    assert settings.story_channels == (("ru", -1001), ("en", -1002))
    assert settings.story_channel_every == timedelta(days=3, hours=12)
    assert load_settings({}, env_file=None).story_channels == ()
    for bad in ({"STORIES_CHANNEL_ID": "12345"}, {"STORIES_CHANNEL_EVERY": "5m"}, {"STORIES_CHANNEL_LANGUAGE": "de"}):
        with pytest.raises(ConfigError, match=next(iter(bad))):
            load_settings(bad, env_file=None)
