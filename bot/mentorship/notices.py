"""What the mentorship area tells people, as notices (no Telegram): shared by the request and
the mentorship use cases."""

from __future__ import annotations

from bot.i18n import N_
from bot.mentorship.rules import END_LABELS, EndReason
from bot.notices import Line, Msg, Notice


def ended(to: int, by_name: str, reason: EndReason | None, *, to_mentee: bool) -> Notice:
    """Her mentorship with `by_name` has ended (by the other side, an admin or an erasure)."""
    lines: list[Line] = [Msg(N_("Your mentorship with {name} has ended."), name=by_name)]
    if reason is not None:
        lines.append(Msg(N_("Reason: {reason}"), reason=Msg(END_LABELS[reason])))
    lines.append(Msg(N_("Thank you for the time you gave. 💛")))
    if to_mentee:
        lines.append(Msg(N_("Whenever you are ready, /mentors finds you a new mentor.")))
    return Notice(to, tuple(lines))
