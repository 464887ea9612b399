"""`/opportunities_admin`: open and recently closed opportunities, five a page, each with its counts;
Edit (a field, its new value checked, a preview, then Save), Close early, Mark verified."""

from __future__ import annotations

import html
import json

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.callbacks import cb, pattern
from bot.context import Context
from bot.i18n import N_, translator
from bot.notices import Button, Msg, render_msg, render_text
from bot.opportunities import drafting, editing, managing
from bot.opportunities.flow import card
from bot.opportunities.rules import Opportunity, Seeker
from bot.telegram import conversations, ui
from bot.telegram import opportunity_admin_view as view
from bot.telegram.opportunity_admin_view import AREA
from bot.telegram.ui import refuse_non_admin

CONVERSATION = "opp_edit"
TYPED, PICK, PREVIEW = "typed", "pick", "preview"
CANCEL = Button(Msg(N_("Cancel")), cb(AREA, "x"))


async def show_page(update: Update, context: Context, number: int) -> None:
    now = context.services.clock.now()
    items, number, before, after = await managing.listing(context.services.db, now, number)
    text, rows = view.page(context, now, items, number, before, after)
    markup = ui.buttons(context, rows)
    if update.callback_query is not None:
        await ui.edit(update.callback_query, text, markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup, disable_web_page_preview=True)


async def command(update: Update, context: Context) -> object:
    if await refuse_non_admin(update, context):
        return conversations.END
    await show_page(update, context, 0)
    return conversations.END


async def ask_field(update: Update, context: Context, opportunity: Opportunity) -> object:
    fields = [Button(editing.label(f), cb(AREA, "f", opportunity.id, f)) for f in editing.fields_of(opportunity)]
    rows = [tuple(fields[i : i + 2]) for i in range(0, len(fields), 2)] + [(CANCEL,)]
    text = context.t("What do you want to change in “{title}”?").format(
        title=html.escape(view.title(opportunity, context.language))
    )
    await update.effective_message.reply_text(text, reply_markup=ui.buttons(context, tuple(rows)))
    return conversations.END


async def ask_value(update: Update, context: Context, opportunity: Opportunity, field: str, value) -> object:
    step, _ = editing.split(field)
    name = render_msg(editing.label(field), context.t, context.zone)
    about = json.dumps({"id": opportunity.id, "f": field, "v": value})
    now_is = context.t("{field} now: {value}").format(field=name, value=view.shown_value(context, field, value))
    if step in editing.PICKED:
        state = await conversations.enter(update, context, CONVERSATION, PICK, about)
        rows = [
            (Button(("✓ " if code in value else "") + context.t(label), cb(AREA, "t", code)),)
            for code, label in drafting.GROUPS[step].items()
        ]
        rows += [(Button(Msg(N_("Done")), cb(AREA, "ok")), CANCEL)]
        text = now_is + "\n" + context.t("Tap to choose; nothing chosen means all (for ages: adults only).")
        await ui.edit(update.callback_query, text, ui.buttons(context, tuple(rows)))
        return state
    if step == editing.WOMEN_ONLY:
        state = await conversations.enter(update, context, CONVERSATION, PICK, about)
        rows = ((Button(Msg(N_("Yes")), cb(AREA, "yn", 1)), Button(Msg(N_("No")), cb(AREA, "yn", 0))), (CANCEL,))
        await ui.edit(update.callback_query, now_is, ui.buttons(context, rows))
        return state
    state = await conversations.enter(update, context, CONVERSATION, TYPED, about)
    rows = ((Button(Msg(N_("No result date")), cb(AREA, "yn", 0)),) if step == drafting.RESULT else ()) + ((CANCEL,),)
    ask = context.t("Type the new value.")
    if step == drafting.DEADLINE:
        ask = context.t("Type the new deadline: 2027-03-31 or 2027-03-31 18:00, in your time zone.")
    await ui.edit(update.callback_query, now_is + "\n" + ask, ui.buttons(context, rows))
    return state


async def show_preview(update: Update, context: Context, about: dict) -> object:
    opportunity = await managing.get(context.services.db, about["id"])
    if opportunity is None:
        await update.effective_message.reply_text(context.t("This opportunity is gone."))
        return conversations.END
    field, value = about["f"], about["v"]
    changed = editing.apply(opportunity, field, value)
    _, language = editing.split(field)
    language = language or (context.language if context.language in changed.titles else next(iter(changed.titles)))
    seeker = Seeker(age_band=None, region=None, stage=None, language=language)
    body = render_text(card(changed, seeker, language, 0, 0, False), translator(language), context.zone)
    name = render_msg(editing.label(field), context.t, context.zone)
    header = context.t("New {field}: {value}").format(field=name, value=view.shown_value(context, field, value))
    state = await conversations.enter(update, context, CONVERSATION, PREVIEW, json.dumps(about))
    rows = ((Button(Msg(N_("Save")), cb(AREA, "sv"), emoji="✅"), CANCEL),)
    await update.effective_message.reply_text(
        f"<b>{header}</b>\n\n{body}", reply_markup=ui.buttons(context, rows), disable_web_page_preview=True
    )
    return state


async def pending(context: Context, admin_id: int) -> dict | None:
    services = context.services
    found = await services.inputs.peek(admin_id, services.clock.now())
    return json.loads(found.ref) if found is not None and found.kind == CONVERSATION else None


async def read_typed(update: Update, context: Context) -> object:
    services, message = context.services, update.effective_message
    ref = await ui.admin_typed(update, context, CONVERSATION)
    if ref is None:
        return conversations.END
    about = json.loads(ref)
    value, problem = editing.check(about["f"], message.text, context.zone, services.clock.now())
    if problem is not None:
        state = await conversations.enter(update, context, CONVERSATION, TYPED, ref)
        await message.reply_text(render_msg(problem, context.t, context.zone))
        return state
    return await show_preview(update, context, {**about, "v": value})


async def on_page(update, context, data, admin_id, now) -> object:
    await update.callback_query.answer()
    await show_page(update, context, int(data.arg(0)) if data.arg(0).lstrip("-").isdigit() else 0)
    return None


async def on_edit(update, context, data, admin_id, now) -> object:
    opportunity = await managing.get(context.services.db, data.int_arg(0) or 0)
    if opportunity is None:
        await ui.stale_button(update, context)
        return None
    await update.callback_query.answer()
    return await ask_field(update, context, opportunity)


async def on_field(update, context, data, admin_id, now) -> object:
    opportunity = await managing.get(context.services.db, data.int_arg(0) or 0)
    field = data.arg(1)
    if opportunity is None or not editing.is_field(opportunity, field):
        await ui.stale_button(update, context)
        return None
    await update.callback_query.answer()
    return await ask_value(update, context, opportunity, field, editing.current(opportunity, field))


async def on_toggle(update, context, data, admin_id, now) -> object:
    about = await pending(context, admin_id)
    step = editing.split(about["f"])[0] if about else ""
    chosen = editing.toggle(about["v"], step, data.arg(0)) if step in editing.PICKED else None
    opportunity = await managing.get(context.services.db, about["id"]) if chosen is not None else None
    if opportunity is None:
        await ui.stale_button(update, context)
        return None
    await update.callback_query.answer()
    return await ask_value(update, context, opportunity, about["f"], chosen)


async def on_done(update, context, data, admin_id, now) -> object:
    about = await pending(context, admin_id)
    if about is None or editing.split(about["f"])[0] not in editing.PICKED:
        await ui.stale_button(update, context)
        return None
    await update.callback_query.answer()
    await ui.drop_buttons(update.callback_query)
    return await show_preview(update, context, about)


async def on_yes_no(update, context, data, admin_id, now) -> object:
    about = await pending(context, admin_id)
    step = editing.split(about["f"])[0] if about else ""
    if step not in (editing.WOMEN_ONLY, drafting.RESULT) or data.arg(0) not in ("0", "1"):
        await ui.stale_button(update, context)
        return None
    await update.callback_query.answer()
    await ui.drop_buttons(update.callback_query)
    value = data.arg(0) == "1" if step == editing.WOMEN_ONLY else ""
    return await show_preview(update, context, {**about, "v": value})


async def on_save(update, context, data, admin_id, now) -> object:
    ref = await conversations.take(update, context, CONVERSATION)
    about = json.loads(ref) if ref else None
    if about is None or "v" not in about:
        await ui.stale_button(update, context)
        return conversations.END
    saved = await managing.save(context.services.db, about["id"], about["f"], about["v"])
    if saved is None:
        await ui.stale_button(update, context)
        return conversations.END
    await context.services.admin.record(admin_id, "opportunity_edit", now, saved.id, field=about["f"], value=about["v"])
    await update.callback_query.answer()
    await ui.edit(update.callback_query, context.t("Saved ✓ /opportunities_admin shows the list."))
    return conversations.END


async def on_cancel(update, context, data, admin_id, now) -> object:
    await conversations.forget(update, context, CONVERSATION)
    await update.callback_query.answer()
    await ui.edit(update.callback_query, context.t("Cancelled. Nothing was changed."))
    return conversations.END


async def on_close(update, context, data, admin_id, now) -> object:
    opportunity = await managing.get(context.services.db, data.int_arg(0) or 0)
    if opportunity is None or opportunity.closed_at is not None:
        await ui.stale_button(update, context)
        return None
    await update.callback_query.answer()
    rows = (
        (Button(Msg(N_("Yes, close it")), cb(AREA, "cly", opportunity.id)), Button(Msg(N_("No")), cb(AREA, "cln"))),
    )
    text = context.t(
        "Close “{title}” early? Girls will no longer see it, get it in the digest or be reminded of it."
    ).format(title=html.escape(view.title(opportunity, context.language)))
    await update.effective_message.reply_text(text, reply_markup=ui.buttons(context, rows))
    return None


async def on_close_yes(update, context, data, admin_id, now) -> object:
    opportunity_id = data.int_arg(0) or 0
    if not await managing.close(context.services.db, opportunity_id, now):
        await ui.stale_button(update, context)
        return None
    await context.services.admin.record(admin_id, "opportunity_close", now, opportunity_id)
    await update.callback_query.answer()
    await ui.edit(update.callback_query, context.t("Closed ✓ Girls no longer see it."))
    return None


async def on_close_no(update, context, data, admin_id, now) -> object:
    await update.callback_query.answer()
    await ui.edit(update.callback_query, context.t("Kept open."))
    return None


async def on_verify(update, context, data, admin_id, now) -> object:
    opportunity_id, flag = data.int_arg(0) or 0, data.arg(1)
    if flag not in ("0", "1") or not await managing.verify(context.services.db, opportunity_id, flag == "1"):
        await ui.stale_button(update, context)
        return None
    action = "opportunity_verify" if flag == "1" else "opportunity_unverify"
    await context.services.admin.record(admin_id, action, now, opportunity_id)
    await update.callback_query.answer()
    await show_page(update, context, data.int_arg(2) or 0)
    return None


ACTIONS = {
    "pg": on_page,
    "ed": on_edit,
    "f": on_field,
    "t": on_toggle,
    "ok": on_done,
    "yn": on_yes_no,
    "sv": on_save,
    "x": on_cancel,
    "cl": on_close,
    "cly": on_close_yes,
    "cln": on_close_no,
    "vf": on_verify,
}
on_button = ui.admin_area(ACTIONS)


def register(app: Application) -> None:
    buttons = CallbackQueryHandler(on_button, pattern=pattern(AREA))
    typed = MessageHandler(conversations.ANYTHING, read_typed)
    app.add_handler(
        conversations.Conversation(
            CONVERSATION,
            entry_points=[CommandHandler("opportunities_admin", command), buttons],
            states={TYPED: [typed, buttons], PICK: [buttons], PREVIEW: [buttons]},
            fallbacks=[CommandHandler("cancel", ui.stop_waiting)],
        )
    )
