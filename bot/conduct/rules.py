"""The code itself and its version (pure). Change a point: bump VERSION, and every mentor is asked again."""

from __future__ import annotations

from bot.i18n import N_

VERSION = 1
# Said to a mentor of minors who has not accepted this version yet, whatever she tried to do.
ACCEPT_FIRST = N_(
    "Please accept the programme's new code of conduct first (I sent it to you with a button): "
    "then you can have new sessions and messages with mentees under 18 again."
)

POINTS = (
    N_("I talk with mentees only through this bot, and never ask a mentee under 18 for her contacts."),
    N_("I never suggest meeting a mentee under 18 alone or in private; sessions are online or in public places."),
    N_("I keep what mentees tell me private, and share nothing about them without their consent."),
    N_("I am respectful and patient, and never send anything offensive, romantic or sexual."),
    N_("If a mentee tells me she is in danger, I tell the programme team at once."),
)


def accepted_current(version: int | None) -> bool:
    return version is not None and version >= VERSION
