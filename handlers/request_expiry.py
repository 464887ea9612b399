"""No request goes unanswered: the ticks that nudge the mentor, then expire the request."""

from __future__ import annotations

from telegram.ext import Application

from bot.experiments import flow as experiments
from bot.i18n import N_
from bot.mentorship.rules import MISSED_TO_PAUSE, NUDGE_AFTER
from bot.mentorship.store.requests import Request
from bot.telegram.ui import deliver, name_of, reader_of
from handlers.matching import offer_next
from handlers.request_card import send_request_card


async def expire_requests(app: Application) -> None:
    """Requests a week old without an answer: closed, the mentee offered her next match at once."""
    services = app.bot_data.services
    now = services.clock.now()
    for request_id in await services.request_expiry.due_expiries(now):
        expired = await services.request_expiry.expire(request_id, now)
        if expired is None:
            continue  # another run took it
        request = expired.request
        mentor = await name_of(services, request.mentor_id)
        t, _ = await reader_of(services, request.mentee_id)
        await offer_next(
            app.bot,
            services,
            request.mentee_id,
            t(
                "{name} couldn't answer your request within a week, so I've closed it. "
                "Mentors are busy people: it's not about you. 💛"
            ).format(name=mentor),
        )
        their_t, _ = await reader_of(services, request.mentor_id)
        lines = [
            their_t(N_("The request from {name} expired after a week without an answer.")).format(
                name=await name_of(services, request.mentee_id)
            )
        ]
        if expired.mentor_paused:
            lines.append(
                their_t(
                    N_(
                        "Because {n} requests in a row went unanswered, I've stopped suggesting you "
                        "to new mentees for now, so that they don't wait in vain. When you have time "
                        "again: /profile, then Take mentees again."
                    )
                ).format(n=MISSED_TO_PAUSE)
            )
        await deliver(app.bot, services, request.mentor_id, "\n\n".join(lines))
        await close_withdrawn(app, expired.withdrawn, mentor)


async def close_withdrawn(app: Application, withdrawn: list[Request], mentor: str) -> None:
    services = app.bot_data.services
    for request in withdrawn:
        t, _ = await reader_of(services, request.mentee_id)
        await offer_next(
            app.bot,
            services,
            request.mentee_id,
            t("{name} has paused taking mentees, so I've closed your request to her. It's not about you. 💛").format(
                name=mentor
            ),
        )


async def nudge_requests(app: Application) -> None:
    """Two days without an answer: one reminder to the mentor, with the buttons again."""
    services = app.bot_data.services
    now = services.clock.now()
    for request_id in await services.request_expiry.due_nudges(now, NUDGE_AFTER):
        request = await services.request_expiry.claim_nudge(request_id, now)
        if request is not None:
            arm = await experiments.arm_setting(services.db, request.mentor_id, "nudge_wording", now)
            await send_request_card(app.bot, services, request, "reminder_warm" if arm == "warm" else "reminder")
