"""The typed context every handler receives: services, the user's record and her translator."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram.ext import Application, CallbackContext, ExtBot

from bot.db.users import User
from bot.i18n import Translator, normalize_language, translator
from bot.services import Services


class BotData:
    """Application-wide state; not persisted (the database is the source of truth)."""

    def __init__(self) -> None:
        self.services: Services | None = None


class Context(CallbackContext[ExtBot, dict, dict, BotData]):
    def __init__(self, application: Application, chat_id: int | None = None, user_id: int | None = None):
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        # Set by the first handler group (bot.telegram.loader.load_user) for every update with a user.
        self.user_record: User | None = None
        self.telegram_language: str | None = None

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not open yet")
        return services

    @property
    def language(self) -> str | None:
        """Her chosen language, else her Telegram app's language when we speak it."""
        if self.user_record is not None and self.user_record.language:
            return self.user_record.language
        return normalize_language(self.telegram_language)

    @property
    def t(self) -> Translator:
        return translator(self.language)

    @property
    def zone(self) -> ZoneInfo:
        if self.user_record is not None:
            return ZoneInfo(self.user_record.timezone)
        return self.services.settings.default_timezone
