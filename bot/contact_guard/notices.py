"""What a held-back text tells the programme team (no Telegram)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import N_
from bot.notices import Html, Msg, Notice, Quote

SOURCE_LABELS = {
    "relay": N_("a message"),
    "question": N_("a question before a request is answered"),
    "answer": N_("an answer to a mentor's question"),
    "note": N_("a note with a request"),
}

# What the sender is told (she may type it again without them).
SHARE_INSTEAD = N_(
    "I didn't send this: it has contact details in it. To exchange contacts, use "
    "“Share my contact” in /mentorship once you both agree. Please type your message again without them."
)
HELD_BACK = N_(
    "I held this message back: it has contact details in it (a phone number, a username, a link or "
    "an e-mail). With a participant under 18, all talk stays inside this bot, to keep everyone safe. "
    "Please type it again without them."
)


def flagged(
    admins: Sequence[int],
    flag_id: int,
    source: str,
    sender: tuple[int, str],
    recipient: tuple[int, str],
    text: str,
) -> list[Notice]:
    """Every admin sees a minor's held-back text, with who wrote it to whom."""
    (sender_id, sender_name), (recipient_id, recipient_name) = sender, recipient
    lines = (
        Html(f"🚩 <b>#{flag_id}</b>"),
        Msg(
            N_("Contact details held back in {what}, from {sender} to {recipient} (a minor is involved):"),
            what=Msg(SOURCE_LABELS[source]),
            sender=sender_name,
            recipient=recipient_name,
        ),
        Quote(text),
        Html(f"<i>id {sender_id} → {recipient_id}</i>"),
    )
    return [Notice(admin_id, lines) for admin_id in admins]
