"""The mentorship's rhythm: a short agreement at the start (her goals, how often to meet),
a monthly check-in on the goals, a gentle nudge when a pair has not met for a month, and at
the programme's length a closing survey and completion.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime

from telegram import Update
from telegram.ext import Application

from bot.callbacks import cb
from bot.context import Context
from bot.domain import GOAL_LABELS, Goal
from bot.i18n import N_, Translator
from bot.notices import Button, Html, Msg, Notice
from bot.services import Services
from bot.sessions.rules import (
    CHECKIN_EVERY,
    COMMENT_MAX,
    MEET_EVERY_DAYS,
    RATINGS,
    REFUSALS,
    Refused,
    RhythmStep,
    rhythm_due,
)
from bot.sessions.store.rhythm import Rhythm
from bot.telegram import conversations, ui

# After the closing check-in: her comment for the programme.
CONVERSATION = "closing"
COMMENT = "comment"

log = logging.getLogger(__name__)

MEET_LABELS = {
    7: N_("Every week"),
    14: N_("Every two weeks"),
    30: N_("Once a month"),
}


async def goals_of(services: Services, mentee_id: int) -> Msg:
    """Her goals, each translated for the reader, or a dash."""
    profile = await services.profiles.get(mentee_id)
    goals = sorted(profile.answers.goals) if profile else []
    labels = [Msg(GOAL_LABELS[Goal(g)]) for g in goals if g in Goal._value2member_map_]
    if not labels:
        return Msg("—")
    return Msg(", ".join(f"{{g{i}}}" for i in range(len(labels))), **{f"g{i}": label for i, label in enumerate(labels)})


async def plain_name(services: Services, user_id: int) -> str:
    return await services.users.display_name(user_id)


def rating_buttons(action: str, checkin_id: int) -> tuple[tuple[Button, ...], ...]:
    return (tuple(Button(str(n), cb("rhy", action, checkin_id, n)) for n in RATINGS),)


async def on_every(update: Update, context: Context, mentorship_id: int, days: int | None) -> None:
    query, services, t = update.callback_query, context.services, context.t
    if days not in MEET_EVERY_DAYS:
        await ui.stale_button(update, context)
        return
    user_id = query.from_user.id
    await services.rhythms.agree(mentorship_id, user_id, days, services.clock.now())
    await query.answer(t("Agreed ✓"))
    await ui.edit(
        query,
        t("Agreed: {often}. /book picks a time, and /sessions lists your sessions.").format(
            often=t(MEET_LABELS[days]).lower()
        ),
    )
    m = await services.mentorships.get(mentorship_id)
    if m is not None:
        other = m.other(user_id)
        their_t, _ = await services.sender.reader(other)  # "every week", lower case in her language
        often = Html(html.escape(their_t(MEET_LABELS[days]).lower()))
        chose = Msg(
            N_("{name} chose how often you'll meet: {often}."), name=await plain_name(services, user_id), often=often
        )
        await services.sender.send([Notice(other, (chose,))])


async def on_checkin(update: Update, context: Context, checkin_id: int, n: int | None) -> object:
    query, services, t = update.callback_query, context.services, context.t
    if n not in RATINGS:
        await ui.stale_button(update, context)
        return
    checkin = await services.rhythms.answer_checkin(checkin_id, query.from_user.id, n, services.clock.now())
    await query.answer(t("Saved ✓"))
    if checkin.kind == "monthly":
        await ui.edit(query, t("Thank you! 💛 Keep going, you're doing great."))
        return
    ask = t("Thank you! Anything you'd like to tell the programme? Type it, or tap Skip.")
    return await ui.ask(update, context, CONVERSATION, COMMENT, checkin_id, ask, skip=cb("rhy", "skip", checkin_id))


async def on_skip(update: Update, context: Context, checkin_id: int, _: int | None) -> object:
    query, services = update.callback_query, context.services
    await services.rhythms.checkin(checkin_id, query.from_user.id)
    # Only this comment's wait: an old Skip must not drop what she is typing now.
    await services.inputs.take(query.from_user.id, CONVERSATION, str(checkin_id))
    await query.answer()
    await ui.edit(query, farewell(context.t))
    return conversations.END


def farewell(t: Translator) -> str:
    return t("Thank you for being part of the programme! 💛")


@ui.text_step(CONVERSATION, COMMENT, limit=COMMENT_MAX, not_text=N_("Please type your comment as text."))
async def read_closing_comment(update: Update, context: Context, checkin_id: str, comment: str) -> object:
    try:
        await context.services.rhythms.comment_checkin(int(checkin_id), update.effective_user.id, comment)
    except Refused as refused:
        await update.effective_message.reply_text(context.t(REFUSALS[refused.code]))
        return conversations.END
    await update.effective_message.reply_text(farewell(context.t))
    return conversations.END


# --- the tick --------------------------------------------------------------------------------


async def add_missing(app: Application) -> None:
    services: Services = app.bot_data.services
    await services.rhythms.add_missing_rhythms()


async def rhythm_tick(app: Application) -> None:
    services: Services = app.bot_data.services
    now = services.clock.now()
    for rhythm in await services.rhythms.active():
        for step in rhythm_due(rhythm.state, now):
            if step == RhythmStep.CLOSING:
                if await services.rhythms.complete_at_programme_end(rhythm.mentorship_id, now):
                    await send_closing(services, rhythm, now)
            elif step == RhythmStep.CHECKIN:
                due = rhythm.state.next_checkin_at
                assert due is not None
                following = due + CHECKIN_EVERY
                while following <= now:  # back after a long downtime: one check-in, not many
                    following += CHECKIN_EVERY
                if await services.rhythms.claim_checkin(rhythm.mentorship_id, due, following):
                    await send_checkin(services, rhythm, now)
            elif step == RhythmStep.QUIET and await services.rhythms.claim_quiet_nudge(
                rhythm.mentorship_id, rhythm.state.quiet_nudged_at, now
            ):
                await send_quiet_nudge(services, rhythm)


async def send_checkin(services: Services, rhythm: Rhythm, now: datetime) -> None:
    goals = await goals_of(services, rhythm.mentee_id)
    notices = []
    for viewer in (rhythm.mentee_id, rhythm.mentor_id):
        if viewer == rhythm.mentee_id:
            question = Msg(
                N_(
                    "🌱 Monthly check-in: how far have you come towards your goals ({goals})? "
                    "1 = just starting, 5 = reached them."
                ),
                goals=goals,
            )
        else:
            question = Msg(
                N_(
                    "🌱 Monthly check-in: how far has {name} come towards her goals ({goals})? "
                    "1 = just starting, 5 = reached them."
                ),
                name=await plain_name(services, rhythm.mentee_id),
                goals=goals,
            )
        checkin_id = await services.rhythms.new_checkin(rhythm.mentorship_id, viewer, "monthly", now)
        notices.append(Notice(viewer, (question,), rating_buttons("chk", checkin_id)))
    await services.sender.send(notices)


async def send_quiet_nudge(services: Services, rhythm: Rhythm) -> None:
    notices = []
    for viewer in (rhythm.mentee_id, rhythm.mentor_id):
        name = await plain_name(services, rhythm.mentor_id if viewer == rhythm.mentee_id else rhythm.mentee_id)
        if viewer == rhythm.mentee_id:
            then = Msg(N_("How about a session? /book picks a time."))
        else:
            then = Msg(N_("A short call can help her keep going: /slots shows your free time."))
        nudge = Msg(N_("👋 It's been a while since you and {name} last met."), name=name)
        notices.append(Notice(viewer, (Msg("{a} {b}", a=nudge, b=then),)))
    await services.sender.send(notices)


async def send_closing(services: Services, rhythm: Rhythm, now: datetime) -> None:
    notices = []
    for viewer in (rhythm.mentee_id, rhythm.mentor_id):
        other = rhythm.mentor_id if viewer == rhythm.mentee_id else rhythm.mentee_id
        complete = N_(
            "Six months together! Your mentorship with {name} is now complete. "
            "Thank you for the time you gave each other."
        )
        lines = [
            Msg("🎓 {s}", s=Msg(complete, name=await plain_name(services, other))),
            "",
            Msg(N_("Looking back, how much did it help you towards your goals? 1 = a little, 5 = a lot.")),
        ]
        if viewer == rhythm.mentee_id:
            lines += ["", Msg(N_("Whenever you are ready, /mentors finds you a new mentor."))]
        checkin_id = await services.rhythms.new_checkin(rhythm.mentorship_id, viewer, "closing", now)
        notices.append(Notice(viewer, tuple(lines), rating_buttons("close", checkin_id)))
    await services.sender.send(notices)


ACTIONS = {
    "every": on_every,
    "chk": on_checkin,
    "close": on_checkin,
    "skip": on_skip,
}
on_button = ui.by_id(
    ACTIONS, Refused, lambda context, code: context.t(REFUSALS[code]), second=lambda data: data.int_arg(1)
)


def register(app: Application) -> None:
    ui.add_area(
        app,
        "rhy",
        on_button,
        conversation=CONVERSATION,
        starts=["close"],
        states={COMMENT: (read_closing_comment, "skip")},
    )
