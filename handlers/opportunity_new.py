"""`/opportunity_new`: an admin composes an opportunity step by step (kind, languages, title and text
per language, link, organiser, deadline, result date, who it is for, women only, verified), sees the
girls' card in each language, and publishes it. Her draft and her step survive a restart."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.callbacks import Callback, cb, pattern
from bot.context import Context
from bot.domain import LANGUAGE_BUTTONS, Language
from bot.i18n import N_, translator
from bot.notices import Button, Msg, render_msg, render_text
from bot.opportunities import authoring, drafting
from bot.opportunities.rules import KIND_LABELS
from bot.telegram import conversations, ui
from bot.telegram.ui import refuse_non_admin

CONVERSATION, AREA = "opp_new", "oppn"
KIND, LANGS, TYPED, RESULT, WHO, FLAG, PREVIEW = "kind", "langs", "typed", "result", "who", "flag", "preview"
QUESTIONS = {
    drafting.TITLE: N_("The title in {language} (up to {n} characters):"),
    drafting.TEXT: N_("A short text in {language}: what it is and who can apply (up to {n} characters):"),
    drafting.LINK: N_("The link where she applies (https://…). It is shown exactly as you type it."),
    drafting.ORGANISER: N_("Who organises it?"),
    drafting.DEADLINE: N_(
        "The deadline: a date like 2027-03-31 (the end of that day), or a date and time like "
        "2027-03-31 18:00, in your time zone."
    ),
}
GROUP_QUESTIONS = {
    "age_bands": N_(
        "Which ages is it for? Nothing chosen means adults only: girls under 18 see it only if you choose 14–17."
    ),
    "regions": N_("Which regions? Nothing chosen means all."),
    "fields": N_("Which fields? Nothing chosen means all."),
    "stages": N_("Which stages? Nothing chosen means all."),
}
FLAG_QUESTIONS = {"women_only": N_("Is it for girls and women only?"), "verified": N_("Has the programme checked it?")}
LIMITS = {drafting.TITLE: 120, drafting.TEXT: 600}


def markup(context: Context, rows) -> object:
    return ui.buttons(context, tuple(tuple(row) for row in rows))


async def new(update: Update, context: Context) -> object:
    if await refuse_non_admin(update, context):
        return conversations.END
    services = context.services
    await authoring.start(services.db, update.effective_user.id, services.clock.now())
    state = await conversations.enter(update, context, CONVERSATION, KIND)
    rows = [[Button(Msg(label), cb(AREA, "kind", kind.value))] for kind, label in KIND_LABELS.items()]
    rows.append([Button(Msg(N_("Cancel")), cb(AREA, "cancel"))])
    await update.effective_message.reply_text(
        context.t("A new opportunity. What kind is it? (/cancel stops.)"), reply_markup=markup(context, rows)
    )
    return state


async def ask_languages(update: Update, context: Context, data: dict) -> object:
    chosen = set(data.get("languages", []))
    rows = [
        [Button(("✓ " if lang in chosen else "") + LANGUAGE_BUTTONS[Language(lang)], cb(AREA, "lang", lang))]
        for lang in drafting.LANGUAGES
    ]
    rows.append([Button(Msg(N_("Done")), cb(AREA, "langok"))])
    state = await conversations.enter(update, context, CONVERSATION, LANGS)
    await ui.edit(
        update.callback_query,
        context.t("Which languages do you offer it in? Choose one or more."),
        markup(context, rows),
    )
    return state


async def ask_next(update: Update, context: Context, data: dict) -> object:
    """The next question after an answer: a typed step, the result date, or who it is for."""
    t, message = context.t, update.effective_message
    step, language = drafting.next_typed(data)
    if step:
        state = await conversations.enter(update, context, CONVERSATION, TYPED, f"{step}:{language or ''}")
        text = render_msg(
            Msg(
                QUESTIONS[step],
                language=LANGUAGE_BUTTONS[Language(language)] if language else "",
                n=LIMITS.get(step, 0),
            ),
            t,
            context.zone,
        )
        await message.reply_text(text)
        return state
    if "result" not in data:
        state = await conversations.enter(update, context, CONVERSATION, RESULT, drafting.RESULT)
        rows = [[Button(Msg(N_("Skip")), cb(AREA, "skip"))]]
        await message.reply_text(
            t("When are the results announced? A date like 2027-05-15, or tap Skip."),
            reply_markup=markup(context, rows),
        )
        return state
    return await ask_group(update, context, data, "age_bands", edit=False)


async def ask_group(update: Update, context: Context, data: dict, group: str, *, edit: bool) -> object:
    chosen = set(data.get(group, []))
    rows = [
        [Button(("✓ " if code in chosen else "") + context.t(label), cb(AREA, "ms", group, code))]
        for code, label in drafting.GROUPS[group].items()
    ]
    rows.append([Button(Msg(N_("Done")), cb(AREA, "msok", group))])
    state = await conversations.enter(update, context, CONVERSATION, WHO)
    text = context.t(GROUP_QUESTIONS[group])
    if edit:
        await ui.edit(update.callback_query, text, markup(context, rows))
    else:
        await update.effective_message.reply_text(text, reply_markup=markup(context, rows))
    return state


async def ask_flag(update: Update, context: Context, flag: str) -> object:
    rows = [[Button(Msg(N_("Yes")), cb(AREA, "yn", flag, 1)), Button(Msg(N_("No")), cb(AREA, "yn", flag, 0))]]
    state = await conversations.enter(update, context, CONVERSATION, FLAG)
    await ui.edit(update.callback_query, context.t(FLAG_QUESTIONS[flag]), markup(context, rows))
    return state


async def show_preview(update: Update, context: Context, data: dict) -> object:
    state = await conversations.enter(update, context, CONVERSATION, PREVIEW)
    await ui.drop_buttons(update.callback_query)
    message = update.effective_message
    for language, notice in authoring.previews(data):
        header = context.t("Preview in {language}:").format(language=LANGUAGE_BUTTONS[Language(language)])
        body = render_text(notice, translator(language), context.zone)
        await message.reply_text(f"<b>{header}</b>\n\n{body}", disable_web_page_preview=True)
    rows = [[Button(Msg(N_("Publish")), cb(AREA, "pub"), emoji="✅"), Button(Msg(N_("Cancel")), cb(AREA, "cancel"))]]
    await message.reply_text(context.t("Publish it?"), reply_markup=markup(context, rows))
    return state


async def read_typed(update: Update, context: Context) -> object:
    services, message = context.services, update.effective_message
    about = await ui.admin_typed(update, context, CONVERSATION)
    if about is None:
        return conversations.END
    step, _, language = about.partition(":")
    value, problem = drafting.check(step, message.text, context.zone, services.clock.now())
    if problem is not None:
        state = await conversations.enter(
            update, context, CONVERSATION, TYPED if step != drafting.RESULT else RESULT, about
        )
        await message.reply_text(render_msg(problem, context.t, context.zone))
        return state
    data = await authoring.change(
        services.db,
        update.effective_user.id,
        lambda d: drafting.put(d, step, language or None, value),
        services.clock.now(),
    )
    if data is None:
        await message.reply_text(context.t("This draft is gone. /opportunity_new starts a new one."))
        return conversations.END
    return await ask_next(update, context, data)


async def on_cancel(update: Update, context: Context, data: Callback, admin_id: int, now: datetime) -> object:
    await authoring.cancel(context.services.db, admin_id)
    await conversations.forget(update, context, CONVERSATION)
    await update.callback_query.answer()
    await ui.edit(update.callback_query, context.t("Cancelled. Nothing was published."))
    return conversations.END


async def on_publish(update: Update, context: Context, data: Callback, admin_id: int, now: datetime) -> object:
    services, query = context.services, update.callback_query
    opportunity_id = await authoring.publish(services.db, admin_id, now)
    if opportunity_id is None:
        await ui.stale_button(update, context)
        return conversations.END
    await services.admin.record(admin_id, "opportunity_new", now, opportunity_id)
    await query.answer()
    await ui.edit(query, context.t("Published ✓ Girls it fits will find it in /opportunities."))
    return conversations.END


async def on_draft(update: Update, context: Context, data: Callback, admin_id: int, now: datetime) -> object:
    """A press that changes the draft (kind, languages, groups, flags, skip): the next question."""
    services, query, action = context.services, update.callback_query, data.action
    first, second = data.arg(0), data.arg(1)
    if drafting.pressed({}, action, first, second) is None:
        await ui.stale_button(update, context)
        return None
    how = partial(drafting.pressed, action=action, first=first, second=second)
    draft = await authoring.change(services.db, admin_id, how, now)
    if draft is None:
        await ui.stale_button(update, context)
        return None
    if action == "langok" and not draft.get("languages"):
        await query.answer(context.t("Choose at least one language."), show_alert=True)
        return None
    await query.answer()
    if action == "kind" or action == "lang":
        return await ask_languages(update, context, draft)
    if action == "langok":
        await ui.drop_buttons(query)
        return await ask_next(update, context, draft)
    if action == "skip":
        await ui.drop_buttons(query)
        await conversations.forget(update, context, CONVERSATION)
        return await ask_next(update, context, draft)
    if action == "ms":
        return await ask_group(update, context, draft, data.arg(0), edit=True)
    if action == "msok":
        groups = list(drafting.GROUPS)
        index = groups.index(data.arg(0)) + 1
        if index < len(groups):
            return await ask_group(update, context, draft, groups[index], edit=True)
        return await ask_flag(update, context, drafting.FLAGS[0])
    if data.arg(0) == drafting.FLAGS[0]:
        return await ask_flag(update, context, drafting.FLAGS[1])
    return await show_preview(update, context, draft)


on_button = ui.admin_area({"cancel": on_cancel, "pub": on_publish}, default=on_draft)


def register(app: Application) -> None:
    buttons = CallbackQueryHandler(on_button, pattern=pattern(AREA))
    typed = MessageHandler(conversations.ANYTHING, read_typed)
    app.add_handler(
        conversations.Conversation(
            CONVERSATION,
            entry_points=[CommandHandler("opportunity_new", new)],
            states={
                KIND: [buttons],
                LANGS: [buttons],
                TYPED: [typed],
                RESULT: [typed, buttons],
                WHO: [buttons],
                FLAG: [buttons],
                PREVIEW: [buttons],
            },
            fallbacks=[CommandHandler("cancel", ui.stop_waiting)],
        )
    )
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern(AREA)))
