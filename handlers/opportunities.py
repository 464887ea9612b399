"""`/opportunities` (a card at a time: Save, Not for me, Next), the applied question's answers, and
admins' `/opportunities_import` (a CSV or TOML file, checked, previewed, added on confirm)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.callbacks import parse_callback, pattern
from bot.context import Context
from bot.notices import Msg, Notice, Priority, render_msg, render_text
from bot.opportunities import digest, flow, recommend, results
from bot.telegram import ui
from bot.telegram.send import keyboard
from bot.telegram.ui import refuse_non_admin


async def _show(update: Update, context: Context, notice: Notice, *, edit: bool) -> None:
    t, zone = context.t, context.zone
    text, markup = render_text(notice, t, zone), keyboard(notice, t, zone)
    if edit:
        await ui.edit(update.callback_query, text, markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup, disable_web_page_preview=True)


async def opportunities(update: Update, context: Context) -> None:
    services, user_id, now = context.services, update.effective_user.id, context.services.clock.now()
    # A mentor with a current mentee sees what fits her mentees, to recommend.
    notice = await recommend.browse(services.db, user_id, now) or await flow.browse(
        services.db, user_id, now, bot_name=context.bot.username
    )
    await _show(update, context, notice, edit=False)


async def on_next(update: Update, context: Context, opportunity_id: int, _: str) -> None:
    services = context.services
    notice = await flow.browse(
        services.db, update.effective_user.id, services.clock.now(), after=opportunity_id, bot_name=context.bot.username
    )
    await update.callback_query.answer()
    await _show(update, context, notice, edit=True)


async def on_save(update: Update, context: Context, opportunity_id: int, _: str) -> None:
    services, user_id = context.services, update.effective_user.id
    answer = await flow.save(services.db, user_id, opportunity_id, services.clock.now())
    await update.callback_query.answer(render_msg(answer, context.t, context.zone), show_alert=False)
    if answer.message == flow.SAVED.message:
        # The card again, now marked as saved.
        notice = await flow.browse(
            services.db, user_id, services.clock.now(), at=opportunity_id, bot_name=context.bot.username
        )
        await _show(update, context, notice, edit=True)


async def on_dismiss(update: Update, context: Context, opportunity_id: int, _: str) -> None:
    services = context.services
    notice = await flow.dismiss(services.db, update.effective_user.id, opportunity_id, services.clock.now())
    await update.callback_query.answer(context.t("Got it: I won't show it again."))
    await _show(update, context, notice, edit=True)


async def _below_question(update: Update, context: Context, reply: Msg) -> None:
    """The answer's word under the question, whose buttons go."""
    text = render_msg(reply, context.t, context.zone)
    await update.callback_query.answer()
    await ui.edit(update.callback_query, f"{update.callback_query.message.text_html}\n\n{text}")


async def on_applied(update: Update, context: Context, opportunity_id: int, answer: str) -> None:
    services = context.services
    reply = await flow.answer_applied(
        services.db, update.effective_user.id, opportunity_id, answer == "1", services.clock.now()
    )
    await _below_question(update, context, reply)


async def on_accepted(update: Update, context: Context, opportunity_id: int, answer: str) -> None:
    services = context.services
    reply = await results.answer(services.db, update.effective_user.id, opportunity_id, answer, services.clock.now())
    await _below_question(update, context, reply)


async def on_import_button(update: Update, context: Context, _: int, choice: str) -> None:
    if await refuse_non_admin(update, context):
        return
    services = context.services
    reply = await flow.confirm_import(services.db, update.effective_user.id, services.clock.now(), choice == "ok")
    text = render_msg(reply, context.t, context.zone)
    await update.callback_query.answer()
    await ui.edit(update.callback_query, f"{update.callback_query.message.text_html}\n\n<b>{text}</b>")


async def on_digest(update: Update, context: Context, what: str, value: int | None) -> None:
    """Her weekly digest: shown, turned on or off (also from the digest itself), its day or hour."""
    services, user_id = context.services, update.effective_user.id
    if what == "show":
        setting = await digest.current(services.db, user_id)
        await update.callback_query.answer()
        notice = digest.settings_notice(user_id, setting)
        await _show(update, context, notice, edit=False)
        return
    setting = await digest.change(services.db, user_id, what, value, services.clock.now())
    if what == "off":
        await update.callback_query.answer(context.t("The weekly digest is off. /opportunities can turn it on again."))
        await update.effective_message.reply_text(
            context.t("The weekly digest is off. /opportunities can turn it on again.")
        )
        return
    await update.callback_query.answer()
    await _show(update, context, digest.settings_notice(user_id, setting), edit=True)


ACTIONS = {
    "next": on_next,
    "save": on_save,
    "no": on_dismiss,
    "ap": on_applied,
    "acc": on_accepted,
}


async def on_button(update: Update, context: Context) -> None:
    data = parse_callback(update.callback_query.data)
    if data is not None and data.action == "imp":
        await on_import_button(update, context, 0, data.arg(0))
        return
    if data is not None and data.action == "dg":
        await on_digest(update, context, data.arg(0), data.int_arg(1))
        return
    opportunity_id = data.int_arg(0) if data else None
    action = ACTIONS.get(data.action) if data else None
    if opportunity_id is None or action is None:
        await ui.stale_button(update, context)
        return
    await action(update, context, opportunity_id, data.arg(1))


async def import_command(update: Update, context: Context) -> None:
    if await refuse_non_admin(update, context):
        return
    services = context.services
    await flow.start_import(services.db, update.effective_user.id, services.clock.now())
    await update.effective_message.reply_text(
        context.t(
            "Send me a CSV or TOML file of opportunities. Columns: kind, title_ky, title_ru, title_en, "
            "text_ky, text_ru, text_en, link, organiser, deadline, starts, ends, result, ages, regions, "
            "fields, stages, women_only, verified. I'll check every row before anything is added."
        )
    )


async def on_document(update: Update, context: Context) -> None:
    message = update.effective_message
    services = context.services
    user_id = update.effective_user.id
    document = message.document
    data = bytes(await (await document.get_file()).download_as_bytearray())
    notice = await flow.check_import(
        services.db,
        user_id,
        document.file_name or "",
        data,
        services.clock.now(),
        services.settings.default_timezone,
        message.caption,
    )
    if notice is None:
        await ui.hint(update, context)
        return
    await _show(update, context, notice, edit=False)


async def opportunities_tick(app: Application) -> None:
    services = app.bot_data.services
    now = services.clock.now()
    await services.sender.send(await flow.due_reminders(services.db, now), Priority.NOTICE)
    await services.sender.send(await flow.applied_questions(services.db, now), Priority.NOTICE)
    await services.sender.send(await results.due_questions(services.db, now), Priority.NOTICE)


async def digest_tick(app: Application) -> None:
    services = app.bot_data.services
    await services.sender.send(await digest.due_digests(services.db, services.clock.now()), Priority.BULK)


class _FromAdmin(filters.MessageFilter):
    """Only an admin's files are read here; anyone else's go on to the journeys after (stray)."""

    def __init__(self, app: Application) -> None:
        super().__init__(name="from_admin")
        self._app = app

    def filter(self, message) -> bool:
        services = getattr(self._app.bot_data, "services", None)
        return (
            services is not None and message.from_user is not None and services.settings.is_admin(message.from_user.id)
        )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("opportunities", opportunities))
    app.add_handler(CommandHandler(flow.IMPORT_COMMAND, import_command))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL & _FromAdmin(app), on_document))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern(flow.AREA)))
