"""The hold step for requests' typed texts (a note, a question, an answer): kept for
handlers/new_request.py and handlers/requests.py until they screen inside their own use cases.
The rule and the admins' flag live in bot.contact_guard.flow; relayed messages use it directly.
"""

from __future__ import annotations

from telegram import Update

from bot.contact_guard.flow import check
from bot.contact_guard.notices import HELD_BACK, SHARE_INSTEAD
from bot.contact_guard.rules import Action
from bot.context import Context
from handlers import inputs


async def let_through(
    update: Update, context: Context, *, source: str, recipient_id: int, text: str, kind: str, ref: str | int
) -> bool:
    """True if the text may go; otherwise the sender is told why (and may type it again), and for a
    minor admins get the flag with the text."""
    services, t = context.services, context.t
    sender_id = update.effective_user.id
    held = await check(services, source, sender_id, recipient_id, text, services.clock.now())
    if held is None:
        return True
    await inputs.expect(context, sender_id, kind, ref)
    await update.effective_message.reply_text(t(SHARE_INSTEAD if held.action is Action.SHARE else HELD_BACK))
    await services.sender.send(held.notices)
    return False
