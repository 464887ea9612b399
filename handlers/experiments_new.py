"""`/experiments new` without TOML: a guided definition with buttons (setting, arms, outcome, role),
typed answers (joined after, planned size), a preview, and Start. The draft lives in her wait."""

from __future__ import annotations

import html
import json
from datetime import UTC, date, datetime, time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.experiments import flow
from bot.experiments.report import started_text
from bot.experiments.rules import MAX_ARMS, MIN_ARMS, OUTCOMES, SETTINGS, setting_values
from bot.telegram import conversations, ui
from bot.telegram.ui import refuse_non_admin, stale_button

CONVERSATION = "experiment_new"
# `/experiments new` alone; with a TOML definition after it, handlers.experiments takes it.
GUIDED = filters.Regex(r"^/experiments(@\w+)?\s+new\s*$")
SETTING, ARMS, OUTCOME, ROLE, JOINED, SIZE, PREVIEW = "setting", "arms", "outcome", "role", "joined", "size", "preview"
ROLES = ("mentee", "mentor", "subscriber", "any")


def _button(text: str, *args: object) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text, callback_data=cb("exn", *args))]


async def _ask(update: Update, context: Context, draft: dict, step: str, text: str, rows=None) -> str:
    """Save the draft at `step` before the question goes out, then ask (editing the pressed message)."""
    draft["step"] = step
    state = await conversations.enter(update, context, CONVERSATION, step, json.dumps(draft))
    markup = InlineKeyboardMarkup(rows) if rows else None
    if update.callback_query is not None:
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    else:
        await update.effective_message.reply_text(text, reply_markup=markup)
    return state


async def begin(update: Update, context: Context) -> object:
    """`/experiments new` with nothing after it: the guided way, one question at a time."""
    if await refuse_non_admin(update, context):
        return conversations.END
    rows = [_button(code, "set", i) for i, code in enumerate(SETTINGS)]
    return await _ask(
        update, context, {}, SETTING, context.t("New experiment. Which setting do its arms change?"), rows
    )


async def _draft(update: Update, context: Context) -> dict | None:
    services = context.services
    pending = await services.inputs.peek(update.effective_user.id, services.clock.now())
    return json.loads(pending.ref) if pending is not None and pending.kind == CONVERSATION else None


def _arms_rows(t, draft: dict) -> list:
    values = setting_values(draft["setting"])
    rows = [_button(("✓ " if v in draft["arms"] else "") + v, "arm", i) for i, v in enumerate(values)]
    if MIN_ARMS <= len(draft["arms"]) <= MAX_ARMS:
        rows.append(_button(t("Next"), "next"))
    return rows


def _arms_text(t, draft: dict) -> str:
    return t("Choose 2 to 4 arms; the first you choose is the control. Chosen: {arms}").format(
        arms=html.escape(" / ".join(draft["arms"]) or "—")
    )


async def on_button(update: Update, context: Context) -> object:
    """Every press: an admin, in this wizard, at the step the button belongs to; else refused."""
    if await refuse_non_admin(update, context):
        return None
    query, t = update.callback_query, context.t
    data = parse_callback(query.data)
    draft = await _draft(update, context)
    index = data.int_arg(0) if data else None
    step = {"set": SETTING, "arm": ARMS, "next": ARMS, "out": OUTCOME, "role": ROLE, "any": JOINED}
    step |= {"start": PREVIEW}
    if data is None or draft is None or step.get(data.action) != draft.get("step"):
        await stale_button(update, context)
        return None
    if data.action == "set" and index is not None and index < len(SETTINGS):
        await query.answer()
        draft |= {"setting": SETTINGS[index], "arms": []}
        return await _ask(update, context, draft, ARMS, _arms_text(t, draft), _arms_rows(t, draft))
    if data.action == "arm" and index is not None and index < len(setting_values(draft["setting"])):
        await query.answer()
        value = setting_values(draft["setting"])[index]
        arms = draft["arms"]
        if value in arms:
            arms.remove(value)
        elif len(arms) < MAX_ARMS:
            arms.append(value)
        return await _ask(update, context, draft, ARMS, _arms_text(t, draft), _arms_rows(t, draft))
    if data.action == "next" and MIN_ARMS <= len(draft["arms"]) <= MAX_ARMS:
        await query.answer()
        rows = [_button(code, "out", i) for i, code in enumerate(OUTCOMES)]
        return await _ask(update, context, draft, OUTCOME, t("Which outcome does it measure (within 30 days)?"), rows)
    if data.action == "out" and index is not None and index < len(OUTCOMES):
        await query.answer()
        draft["outcome"] = OUTCOMES[index]
        rows = [_button(role, "role", i) for i, role in enumerate(ROLES)]
        return await _ask(update, context, draft, ROLE, t("Who is in its segment?"), rows)
    if data.action == "role" and index is not None and index < len(ROLES):
        await query.answer()
        draft["role"] = None if ROLES[index] == "any" else ROLES[index]
        text = t("Only people who joined after a date? Type it as YYYY-MM-DD, or tap Any time.")
        return await _ask(update, context, draft, JOINED, text, [_button(t("Any time"), "any")])
    if data.action == "any":
        await query.answer()
        draft["joined"] = None
        return await _ask(update, context, draft, SIZE, t("How many people in all (the planned size)? Type a number."))
    if data.action == "start":
        return await start(update, context, draft)
    await stale_button(update, context)
    return None


async def read_text(update: Update, context: Context) -> object:
    if not context.services.settings.is_admin(update.effective_user.id):
        return conversations.END
    draft, t = await _draft(update, context), context.t
    text = (update.effective_message.text or "").strip()
    if draft is None or draft.get("step") not in (JOINED, SIZE):
        await ui.hint(update, context)
        return conversations.END
    if draft["step"] == JOINED:
        try:
            draft["joined"] = date.fromisoformat(text).isoformat()
        except ValueError:
            await update.effective_message.reply_text(t("Please type a date as YYYY-MM-DD, for example 2026-01-31."))
            return JOINED
        return await _ask(update, context, draft, SIZE, t("How many people in all (the planned size)? Type a number."))
    if not text.isdigit() or int(text) < 2 * len(draft["arms"]):
        await update.effective_message.reply_text(
            t("Please type a whole number, at least {n}.").format(n=2 * len(draft["arms"]))
        )
        return SIZE
    draft["size"] = int(text)
    return await _ask(update, context, draft, PREVIEW, preview(t, draft), [_button(t("▶️ Start"), "start")])


def _name(draft: dict) -> str:
    return f"{draft['setting']}: {' / '.join(draft['arms'])}"


def preview(t, draft: dict) -> str:
    lines = [
        t("<b>Preview</b>"),
        t("Name: {name}").format(name=html.escape(_name(draft))),
        t("Setting: {setting}").format(setting=draft["setting"]),
        t("Arms: {arms} (the first is the control)").format(arms=html.escape(" / ".join(draft["arms"]))),
        t("Outcome: {outcome}").format(outcome=draft["outcome"]),
        t("Segment: {role}, joined after {date}").format(
            role=draft["role"] or t("anyone"), date=draft["joined"] or t("any time")
        ),
        t("Planned size: {n}").format(n=draft["size"]),
        "",
        t("Start enrols the segment's present members at once. /cancel stops."),
    ]
    return "\n".join(lines)


async def start(update: Update, context: Context, draft: dict) -> object:
    services, query = context.services, update.callback_query
    now = services.clock.now()
    joined = datetime.combine(date.fromisoformat(draft["joined"]), time(), UTC) if draft["joined"] else None
    try:
        experiment_id, enrolled = await flow.start(
            services.db,
            f"{_name(draft)} ({now:%Y-%m-%d %H:%M})",
            tuple(draft["arms"]),
            draft["outcome"],
            draft["size"],
            now,
            role=draft["role"],
            joined_after=joined,
            setting=draft["setting"],
        )
    except ValueError as error:
        await query.answer(str(error), show_alert=True)
        return None
    await services.admin.record(query.from_user.id, "experiment_start", now, experiment_id, enrolled=enrolled)
    await query.answer()
    await conversations.forget(update, context, CONVERSATION)
    await query.edit_message_text(started_text(context.t, experiment_id, enrolled))
    return conversations.END


def register(app: Application) -> None:
    buttons = CallbackQueryHandler(on_button, pattern=pattern("exn"))
    typed = MessageHandler(conversations.TEXT, read_text)
    app.add_handler(
        conversations.Conversation(
            CONVERSATION,
            entry_points=[CommandHandler("experiments", begin, filters=GUIDED)],
            states={step: [buttons, typed] for step in (SETTING, ARMS, OUTCOME, ROLE, JOINED, SIZE, PREVIEW)},
            fallbacks=[CommandHandler("cancel", ui.stop_waiting)],
        )
    )
    # Presses outside the wizard (an old message, a forged press) are refused here.
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("exn")))
