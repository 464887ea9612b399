"""Messages through the bot: she types, the other side gets it with a Reply button."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.callbacks import cb
from bot.context import Context
from bot.i18n import N_
from bot.limits.rules import SLOW_DOWN
from bot.mentorship.rules import RELAY_MAX, Refusal, Refused, Status, clean_message
from bot.mentorship.store.rows import Mentorship
from bot.onboarding.rules import InvalidAnswer
from bot.telegram.ui import deliver, name_of, reader_of, refusal_text
from handlers import contact_guard, inputs


async def on_message(update: Update, context: Context, m: Mentorship, _: str) -> None:
    t, user_id = context.t, update.callback_query.from_user.id
    if m.status != Status.ACTIVE:
        raise Refused(Refusal.NOT_ACTIVE)
    await update.callback_query.answer()
    await inputs.expect(context, user_id, "relay", m.id)
    name = await name_of(context.services, m.other(user_id))
    await update.callback_query.message.reply_text(
        t("Type your message for {name} and I'll pass it on. /cancel if you change your mind.").format(name=name)
    )


@inputs.reader("relay")
async def read_relay(update: Update, context: Context, ref: str, text: str | None) -> None:
    services, t, user_id = context.services, context.t, update.effective_user.id
    message = update.effective_message
    if text is None:
        await inputs.expect(context, user_id, "relay", ref)
        await message.reply_text(t("I can only pass on text messages. Please type your message."))
        return
    try:
        text = clean_message(text, RELAY_MAX)
        if not services.limits.allow("relay", user_id, services.clock.now()):
            await inputs.expect(context, user_id, "relay", ref)
            await message.reply_text(t(SLOW_DOWN))
            return
        other = (await services.mentorships.party_of(int(ref), user_id)).other(user_id)
        if not await contact_guard.let_through(
            update, context, source="relay", recipient_id=other, text=text, kind="relay", ref=ref
        ):
            return
        relayed = await services.relay.relay(int(ref), user_id, text, services.clock.now())
    except InvalidAnswer as error:
        await inputs.expect(context, user_id, "relay", ref)
        await message.reply_text(
            t("That is too long: please keep it under {n} characters.").format(n=RELAY_MAX)
            if error.code == "too_long"
            else t("Please type your message.")
        )
        return
    except Refused as refused:
        await message.reply_text(refusal_text(t, refused.code))
        return
    their_t, _ = await reader_of(services, relayed.recipient_id)
    name = await name_of(services, user_id)
    sent = await deliver(
        context.bot,
        services,
        relayed.recipient_id,
        "✉️ " + their_t(N_("Message from {name}:")).format(name=name) + "\n\n" + html.escape(text),
        InlineKeyboardMarkup(
            [[InlineKeyboardButton("↩️ " + their_t(N_("Reply")), callback_data=cb("ship", "msg", ref))]]
        ),
    )
    if sent is None:
        await message.reply_text(
            t("I could not deliver it: {name} may have stopped the bot.").format(
                name=await name_of(services, relayed.recipient_id)
            )
        )
        return
    await services.relay.mark_delivered(relayed.id)
    await message.reply_text(t("Sent ✓"))
