"""The one sender of person-to-person messages: each notice in its recipient's language and time
zone. Forbidden marks her as having blocked the bot; any other error is logged, and the notices
after it still go.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.error import Forbidden, TelegramError

from bot.clock import Clock
from bot.db.users import UserRepository
from bot.i18n import Translator, translator
from bot.notices import Notice, Priority, render_label, render_msg, render_text
from bot.telegram.budget import sending_as

log = logging.getLogger(__name__)


def keyboard(notice: Notice, t: Translator, zone: ZoneInfo) -> InlineKeyboardMarkup | None:
    if not notice.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(render_label(button, t, zone), callback_data=button.data, url=button.url)
                for button in row
            ]
            for row in notice.buttons
        ]
    )


class Sender:
    def __init__(self, bot: Bot, users: UserRepository, clock: Clock, default_zone: ZoneInfo) -> None:
        self._bot = bot
        self._users = users
        self._clock = clock
        self._default_zone = default_zone

    async def reader(self, user_id: int) -> tuple[Translator, ZoneInfo]:
        """Her translator and time zone (the defaults for someone the bot does not know)."""
        record = await self._users.get(user_id)
        if record is None:
            return translator(None), self._default_zone
        return translator(record.language), ZoneInfo(record.timezone)

    async def send(self, notices: Iterable[Notice], priority: Priority = Priority.NOTICE) -> list[Message | None]:
        """Send each notice in order; the message sent for each, or None where she could not be reached."""
        readers: dict[int, tuple[Translator, ZoneInfo]] = {}
        sent: list[Message | None] = []
        for notice in notices:
            if notice.to not in readers:
                readers[notice.to] = await self.reader(notice.to)
            t, zone = readers[notice.to]
            with sending_as(priority):  # her own chat, while her update is handled, still goes first
                sent.append(await self._send_one(notice, t, zone))
        return sent

    async def _send_one(self, notice: Notice, t: Translator, zone: ZoneInfo) -> Message | None:
        try:
            message = await self._bot.send_message(
                notice.to, render_text(notice, t, zone), reply_markup=keyboard(notice, t, zone)
            )
            if notice.document is not None:
                document = notice.document
                content = document.content(t, zone) if callable(document.content) else document.content
                await self._bot.send_document(
                    notice.to,
                    InputFile(content, filename=document.filename),
                    caption=render_msg(document.caption, t, zone) if document.caption else None,
                )
            return message
        except Forbidden:
            await self._users.mark_blocked(notice.to, self._clock.now())
        except TelegramError as error:
            log.warning("could not write to %s: %s", notice.to, error)
        return None
