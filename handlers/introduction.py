"""The introduction both get when a mentor accepts, then the first question of the rhythm."""

from __future__ import annotations

import html

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import cb
from bot.mentorship.store.rows import Mentorship
from bot.services import Services
from bot.telegram.ui import deliver, is_minor, name_of, reader_of
from handlers import rhythm


async def introduce(bot: Bot, services: Services, mentorship: Mentorship) -> None:
    """Both sides meet: who the other is and how to talk, each in her own language."""
    minor = await is_minor(services, mentorship.mentee_id)
    mentor_profile = await services.profiles.get(mentorship.mentor_id)
    if minor and mentor_profile is not None:
        mentor_profile = mentor_profile.for_minors()  # an edit since vetting waits for an admin (F4)
    mentee_profile = await services.profiles.get(mentorship.mentee_id)
    for user_id, other, other_profile in (
        (mentorship.mentee_id, mentorship.mentor_id, mentor_profile),
        (mentorship.mentor_id, mentorship.mentee_id, mentee_profile),
    ):
        t, _ = await reader_of(services, user_id)
        name = await name_of(services, other)
        if user_id == mentorship.mentee_id:
            lines = [t("🎉 Good news: {name} accepted your request! Meet your mentor:").format(name=name)]
            a = other_profile.answers if other_profile else None
            if a and (a.job_title or a.organisation):
                lines.append(" · ".join(html.escape(v) for v in (a.job_title, a.organisation) if v))
            if a and a.bio:
                lines.append(f"<i>{html.escape(a.bio)}</i>")
        else:
            lines = [t("🎉 You are now mentoring {name}! Thank you for giving your time. 🌷").format(name=name)]
        lines.append("")
        if minor and user_id == mentorship.mentee_id:
            lines.append(
                t(
                    "Because you are under 18, you two talk through this bot only, and contacts "
                    "are never shared. This keeps you safe."
                )
            )
        elif minor:
            lines.append(
                t(
                    "Because she is under 18, you two talk through this bot only, and contacts "
                    "are never shared. This keeps everyone safe."
                )
            )
        else:
            lines.append(t("You can talk through this bot, and share contacts once you both agree."))
        lines.append(t("Say hello now! /mentorship has everything for your mentorship."))
        button = InlineKeyboardButton(
            "✉️ " + t("Message {name}").format(name=html.unescape(name)),
            callback_data=cb("ship", "msg", mentorship.id),
        )
        await deliver(bot, services, user_id, "\n".join(lines), InlineKeyboardMarkup([[button]]))
    await rhythm.begin(bot, services, mentorship)  # the agreement: goals and how often to meet
