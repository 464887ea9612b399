"""Her profile after onboarding: /profile with Edit buttons, /mydata, and /deleteme."""

from __future__ import annotations

import io
import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.onboarding.rules import EDITABLE, applies, parse_step
from bot.privacy import erasure
from bot.privacy.export import export as privacy_export
from bot.telegram import conversations, ui
from bot.telegram import onboarding_view as onboarding
from bot.telegram.cards import show_profile_card


async def profile(update: Update, context: Context) -> None:
    record = await context.services.profiles.get(update.effective_user.id)
    if record is None or record.completed_at is None:
        await update.effective_message.reply_text(context.t("You don't have a profile yet. Let's make one!"))
        await onboarding.resume(update, context)
        return
    await show_profile_card(update.effective_message, context, record)


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    services = context.services
    data = parse_callback(query.data)
    record = await services.profiles.get(query.from_user.id)
    if record is None or record.completed_at is None or data is None:
        await ui.stale_button(update, context)
        return
    if data.action == "edit":
        step = parse_step(data.arg(0))
        if step not in EDITABLE or not applies(step, record.answers):
            await ui.stale_button(update, context)
            return
        await query.answer()
        record = await services.profiles.save(record.user_id, services.clock.now(), step=step.value, editing=True)
        await onboarding.show(query.message, context, record, edit=True)
        return
    if data.action in ("pause", "resume") and record.role == "mentor" and record.mentor_status == "approved":
        await services.profiles.set_mentor_paused(record.user_id, data.action == "pause")
        await query.answer(
            context.t("Paused: mentees won't see you until you resume.")
            if data.action == "pause"
            else context.t("Welcome back! Mentees can find you again.")
        )
        await show_profile_card(query.message, context, await services.profiles.get(record.user_id), edit=True)
        return
    await ui.stale_button(update, context)


async def mydata(update: Update, context: Context) -> None:
    user_id = update.effective_user.id
    data = await privacy_export(context.services.db, user_id)
    document = io.BytesIO(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    await update.effective_message.reply_document(
        document,
        filename=f"my-data-{user_id}.json",
        caption=context.t("Here is everything I store about you."),
    )


async def deleteme(update: Update, context: Context) -> None:
    t = context.t
    await update.effective_message.reply_text(
        t(
            "This erases your profile, your answers and everything else I store about you. It cannot be undone. "
            "Are you sure?"
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(t("Yes, erase everything"), callback_data=cb("del", "yes"))],
                [InlineKeyboardButton(t("No, keep it"), callback_data=cb("del", "no"))],
            ]
        ),
    )


async def confirm_delete(update: Update, context: Context) -> None:
    query = update.callback_query
    t = context.t
    data = parse_callback(query.data)
    await query.answer()
    if data is None or data.action != "yes":
        await ui.edit(query, t("Nothing was erased. 🌸"))
        return
    services = context.services
    # The people with her hear of it while her name still exists; no conversation resumes for her.
    await services.sender.send(await erasure.farewells(services, query.from_user.id, services.clock.now()))
    await conversations.leave(update, context)
    erased = await services.profiles.erase(query.from_user.id, services.clock.now())
    context.user_record = None
    await ui.edit(
        query,
        t("Done: everything about you is erased. Thank you for being here. If you ever want to come back, send /start.")
        if erased
        else t("There was nothing to erase."),
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("profile", profile))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("prof")))
    app.add_handler(CommandHandler("mydata", mydata))
    app.add_handler(CommandHandler("deleteme", deleteme))
    app.add_handler(CallbackQueryHandler(confirm_delete, pattern=pattern("del")))
