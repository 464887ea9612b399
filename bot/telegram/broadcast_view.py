"""What /broadcast shows besides its steps: the segments an admin picks from, and the live progress
message the delivery engine edits after each batch of sends (broadcasts only; story pushes have none)."""

from __future__ import annotations

import html
import logging
import math

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application

from bot.callbacks import cb
from bot.delivery.engine import Progress
from bot.domain import AGE_LABELS, LANGUAGE_BUTTONS, REGION_LABELS, ROLE_LABELS, STAGE_LABELS, Language
from bot.i18n import N_, Translator, translator

log = logging.getLogger(__name__)

SEGMENT_VALUES = {
    "language": {lang: LANGUAGE_BUTTONS[lang] for lang in Language},
    "role": ROLE_LABELS,
    "region": REGION_LABELS,
    "stage": STAGE_LABELS,
    "age": AGE_LABELS,
}
SEGMENT_NAMES = {
    "language": N_("Language"),
    "role": N_("Role"),
    "region": N_("Region"),
    "stage": N_("Stage"),
    "age": N_("Age"),
}


def cancel_markup(t: Translator, batch_id: int) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton("⏹ " + t("Cancel the broadcast"), callback_data=cb("bc", "cancel", batch_id))
    return InlineKeyboardMarkup([[button]])


def progress_text(t: Translator, progress: Progress) -> str:
    c = progress.counts
    if progress.finished:
        head = (
            t("Broadcast #{id} cancelled.") if progress.batch.status == "cancelled" else t("Broadcast #{id} finished.")
        )
    else:
        head = t("Broadcast #{id} is being sent…")
    lines = [
        f"<b>{html.escape(head.format(id=progress.batch.id))}</b>",
        t("Sent: {n}").format(n=c["sent"]),
        t("Blocked the bot: {n}").format(n=c["blocked"]),
        t("Failed: {n}").format(n=c["failed"] + c["uncertain"]),
        t("Left: {n}").format(n=progress.left),
    ]
    if not progress.finished and progress.wait > 0:
        # Telegram's flood wait holds every send, this broadcast's too.
        lines.append(
            t("Telegram asked us to pause: sending again in {seconds} s").format(seconds=math.ceil(progress.wait))
        )
    if not progress.finished:
        eta = progress.eta
        lines.append(t("Speed: {rate}/s").format(rate=t.number(round(progress.rate, 1))))
        if eta is not None:
            lines.append(
                t("Time to finish: about {minutes} min {seconds} s").format(
                    minutes=int(eta.total_seconds()) // 60, seconds=int(eta.total_seconds()) % 60
                )
            )
    return "\n".join(lines)


async def report_progress(app: Application, progress: Progress) -> None:
    """Edit the admin's progress message (broadcasts only; story pushes have none)."""
    batch = progress.batch
    if batch.lane != "broadcast" or batch.progress_chat_id is None or batch.progress_message_id is None:
        return
    record = await app.bot_data.services.users.get(batch.created_by) if batch.created_by else None
    t = translator(record.language if record else None)
    markup = None if progress.finished else cancel_markup(t, batch.id)
    try:
        await app.bot.edit_message_text(
            progress_text(t, progress),
            chat_id=batch.progress_chat_id,
            message_id=batch.progress_message_id,
            reply_markup=markup,
        )
    except BadRequest as error:
        if "not modified" not in str(error):
            log.warning("could not update broadcast progress: %s", error)
    except TelegramError as error:
        log.warning("could not update broadcast progress: %s", error)
