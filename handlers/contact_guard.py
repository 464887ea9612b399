"""Relayed text with contact details: held back for minors (admins see a flag), refused for adults."""

from __future__ import annotations

import html

from telegram import Update

from bot.contact_guard import store
from bot.contact_guard.rules import Action, screen
from bot.context import Context
from bot.i18n import N_
from bot.notices import Html, Msg, Notice, Quote
from bot.telegram.ui import name_of
from handlers import inputs

SOURCE_LABELS = {
    "relay": N_("a message"),
    "question": N_("a question before a request is answered"),
    "answer": N_("an answer to a mentor's question"),
    "note": N_("a note with a request"),
}


async def let_through(
    update: Update, context: Context, *, source: str, recipient_id: int, text: str, kind: str, ref: str | int
) -> bool:
    """True if the text may go; otherwise the sender is told why (and may type it again), and for a
    minor admins get the flag with the text."""
    services, t = context.services, context.t
    sender_id = update.effective_user.id
    minor = await store.any_minor(services.db, sender_id, recipient_id)
    verdict = screen(text, minor=minor)
    if verdict is None:
        return True
    now = services.clock.now()
    flag_id = await store.record(services.db, verdict, source, sender_id, recipient_id, text, now)
    await inputs.expect(context, sender_id, kind, ref)
    if verdict.action is Action.SHARE:
        await update.effective_message.reply_text(
            t(
                "I didn't send this: it has contact details in it. To exchange contacts, use "
                "“Share my contact” in /mentorship once you both agree. Please type your message again without them."
            )
        )
        return False
    await update.effective_message.reply_text(
        t(
            "I held this message back: it has contact details in it (a phone number, a username, a link or "
            "an e-mail). With a participant under 18, all talk stays inside this bot, to keep everyone safe. "
            "Please type it again without them."
        )
    )
    sender, recipient = await name_of(services, sender_id), await name_of(services, recipient_id)
    notices = [
        Notice(
            admin_id,
            (
                Html(f"🚩 <b>#{flag_id}</b>"),
                Msg(
                    N_("Contact details held back in {what}, from {sender} to {recipient} (a minor is involved):"),
                    what=Msg(SOURCE_LABELS[source]),
                    sender=html.unescape(sender),
                    recipient=html.unescape(recipient),
                ),
                Quote(text),
                Html(f"<i>id {sender_id} → {recipient_id}</i>"),
            ),
        )
        for admin_id in sorted(services.settings.admin_ids)
    ]
    await services.sender.send(notices)
    return False
