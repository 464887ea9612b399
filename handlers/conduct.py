"""The code of conduct put to a mentor: after her onboarding, and again when a new version comes."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.callbacks import parse_callback, pattern
from bot.conduct import store
from bot.conduct.flow import code_notice
from bot.conduct.rules import VERSION
from bot.context import Context
from bot.i18n import N_
from bot.notices import Msg, Notice
from bot.telegram import ui

HELD_FOR_ADMINS = N_(
    "🛡 {name} (id {id}) has not yet accepted the new code of conduct, so her clearance for minors is "
    "held. Her mentees under 18 right now: {n}. Until she accepts, they can't book new sessions with her "
    "or exchange messages with her."
)


async def on_button(update: Update, context: Context) -> None:
    query, services, t = update.callback_query, context.services, context.t
    data = parse_callback(query.data)
    version = data.int_arg(0) if data else None
    if version != VERSION:
        await ui.stale_button(update, context)
        await services.sender.send([code_notice(query.from_user.id)])  # the current version instead
        return
    if not await store.accept(services.db, query.from_user.id, version, services.clock.now()):
        await ui.stale_button(update, context)
        return
    await query.answer(t("Thank you ✓"))
    done = t("Accepted ✓ Thank you for keeping mentees safe.")
    await ui.edit(query, f"{query.message.text_html}\n\n<b>{done}</b>")


async def ask_outdated(app: Application) -> None:
    """Mentors who have not accepted the current version are asked (once) and, until they accept,
    are not cleared for minors."""
    services = app.bot_data.services
    held = await store.claim_outdated(services.db)
    await services.sender.send([code_notice(user_id) for user_id in held])
    # Her mentorships with minors go on, held (bot.safety.minor_contact_held): admins may follow up.
    await services.sender.send(
        [
            Notice(admin_id, (Msg(HELD_FOR_ADMINS, name=name, id=mentor_id, n=count),))
            for mentor_id, name, count in await store.minor_mentees_of(services.db, held)
            for admin_id in sorted(services.settings.admin_ids)
        ]
    )


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("code")))
