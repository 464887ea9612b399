"""The code of conduct put to a mentor: the notice with its button, and asking her after onboarding."""

from __future__ import annotations

from bot.callbacks import cb
from bot.conduct import store
from bot.conduct.rules import POINTS, VERSION
from bot.db import Database
from bot.i18n import N_
from bot.notices import Button, Msg, Notice


def code_notice(user_id: int) -> Notice:
    lines = [Msg(N_("<b>Our safeguarding code for mentors</b> (version {version})"), version=VERSION)]
    lines += [Msg(N_("• {point}"), point=Msg(point)) for point in POINTS]
    lines.append(Msg(N_("Mentees can be matched with you once you accept it.")))
    return Notice(
        user_id, tuple(lines), ((Button(Msg(N_("I accept the code")), cb("code", "ok", VERSION), emoji="✅"),),)
    )


async def ask(db: Database, user_id: int) -> list[Notice]:
    """A mentor who has just finished onboarding is asked to accept the code."""
    await store.mark_asked(db, user_id)
    return [code_notice(user_id)]
