"""The introduction both get when a mentor accepts, and the first question of their rhythm (how
often to meet), as notices."""

from __future__ import annotations

from bot.callbacks import cb
from bot.i18n import N_
from bot.mentorship.store.rows import Mentorship
from bot.notices import Button, Line, Msg, Notice, Quote
from bot.onboarding.store import Profile

# --- the introduction --------------------------------------------------------------------------


def introduction(mentorship: Mentorship, viewer: int, other_name: str, other: Profile | None, minor: bool) -> Notice:
    """Both sides meet: who the other is and how to talk."""
    if viewer == mentorship.mentee_id:
        lines: list[Line] = [Msg(N_("🎉 Good news: {name} accepted your request! Meet your mentor:"), name=other_name)]
        a = other.answers if other else None
        if a and (a.job_title or a.organisation):
            lines.append(" · ".join(v for v in (a.job_title, a.organisation) if v))
        if a and a.bio:
            lines.append(Quote(a.bio))
    else:
        lines = [Msg(N_("🎉 You are now mentoring {name}! Thank you for giving your time. 🌷"), name=other_name)]
    lines.append("")
    if minor and viewer == mentorship.mentee_id:
        how = N_(
            "Because you are under 18, you two talk through this bot only, and contacts "
            "are never shared. This keeps you safe."
        )
    elif minor:
        how = N_(
            "Because she is under 18, you two talk through this bot only, and contacts "
            "are never shared. This keeps everyone safe."
        )
    else:
        how = N_("You can talk through this bot, and share contacts once you both agree.")
    lines += [Msg(how), Msg(N_("Say hello now! /mentorship has everything for your mentorship."))]
    button = Button(Msg(N_("Message {name}"), name=other_name), cb("ship", "msg", mentorship.id), emoji="✉️")
    return Notice(viewer, tuple(lines), ((button,),))


MEET_LABELS = {
    7: N_("Every week"),
    14: N_("Every two weeks"),
    30: N_("Once a month"),
}


def agreement(mentorship: Mentorship, viewer: int, mentee_name: str, goals: Msg | str) -> Notice:
    """The first question of the rhythm: how often they'd like to meet."""
    how_often = N_(
        "How often would you like to meet? Either of you can choose, and you'll "
        "both see it. The programme runs for six months, with a short check-in "
        "each month."
    )
    if viewer == mentorship.mentee_id:
        heading = Msg(N_("Your goals: {goals}"), goals=goals)
    else:
        heading = Msg(N_("{name}'s goals: {goals}"), name=mentee_name, goals=goals)
    buttons = tuple((Button(Msg(text), cb("rhy", "every", mentorship.id, days)),) for days, text in MEET_LABELS.items())
    return Notice(viewer, (Msg("🤝 <b>{s}</b>", s=Msg(N_("Your agreement"))), "", heading, "", Msg(how_often)), buttons)
