"""What every admin handler shares: the admin check and the refusal everyone else gets."""

from __future__ import annotations

from telegram import Update

from bot.context import Context


async def refuse_non_admin(update: Update, context: Context) -> bool:
    """True (and a short refusal, nothing else) when she is not an admin."""
    if context.services.settings.is_admin(update.effective_user.id):
        return False
    text = context.t("This is for programme admins only.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await update.effective_message.reply_text(text)
    return True
