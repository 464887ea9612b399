"""`/circles` for admins: every current circle with its size, activity and reports, and forming new
circles from waiting mentees (a preview first; Confirm tells everyone, exactly once)."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.circles import co_mentor, forming, moderation
from bot.circles.rules import CircleRefused
from bot.context import Context
from bot.i18n import N_
from bot.notices import Button, Msg
from bot.telegram import ui
from bot.telegram.circles import REFUSALS, open_button, store_of


async def _reply_lines(message, lines: list[str], markup=None) -> None:
    """The lines in as few messages as Telegram's 4096 characters allow; the buttons on the last."""
    chunk: list[str] = []
    for line in lines:
        if chunk and len("\n".join([*chunk, line])) > 4000:
            await message.reply_text("\n".join(chunk))
            chunk = []
        chunk.append(line)
    await message.reply_text("\n".join(chunk), reply_markup=markup)


# Circles a message: 8 lines of at most ~470 characters (a 64-letter name escaped) stay under
# Telegram's 4096, and their 16 buttons under its 100.
PER_MESSAGE = 8


def _line(context: Context, row: dict) -> str:
    return ui.text(
        context,
        Msg(
            N_(
                "• {circle} ({status}, {band}, {language}): {size} members, "
                "{messages} messages and {sessions} sessions in 30 days, attendance {attendance}, "
                "{reports} open reports"
            ),
            circle=row["name"],
            status=row["status"],
            band=row["age_band"],
            language=row["language"],
            size=row["size"],
            messages=row["messages"],
            sessions=row["sessions"],
            attendance=f"{row['came']}/{row['expected']}" if row["expected"] else "—",
            reports=row["reports"],
        ),
    )


def _buttons(row: dict) -> list[tuple[Button, ...]]:
    if row["status"] == "forming":
        return []
    return [
        (open_button(row["id"], row["name"], bool(row["open_to_join"])),),
        (Button(Msg(N_("Co-mentor for {circle}"), circle=row["name"]), cb("circa", "cm", row["id"])),),
    ]


async def overview(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    t = context.t
    rows = await store_of(context).overview(context.services.clock.now())
    lines = ["<b>" + t("Circles") + "</b>"]
    buttons = [(Button(Msg(N_("Form circles from waiting mentees")), cb("circa", "form")),)]
    if not rows:
        lines.append(t("No circles yet."))
    for start in range(0, max(len(rows), 1), PER_MESSAGE):
        for row in rows[start : start + PER_MESSAGE]:
            lines.append(_line(context, row))
            buttons += _buttons(row)
        await update.effective_message.reply_text("\n".join(lines), reply_markup=ui.buttons(context, tuple(buttons)))
        lines, buttons = [], []


async def on_button(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    query, services, t = update.callback_query, context.services, context.t
    data = parse_callback(query.data)
    store, now, admin_id = store_of(context), services.clock.now(), query.from_user.id
    if data.action == "form":
        await query.answer()
        formed = await forming.form(store, admin_id, now)
        lines = ["<b>" + t("Circles preview") + "</b>"]
        for _, name, mentee_ids in formed.circles:
            names = ", ".join([await services.users.display_name(i) for i in mentee_ids])
            lines.append(ui.text(context, Msg(N_("• {circle}: {names}"), circle=name, names=names)))
        if formed.left:
            names = ", ".join([await services.users.display_name(i) for i in formed.left])
            lines.append(ui.text(context, Msg(N_("Not placed this time: {names}"), names=names)))
        if formed.batch is None:
            lines.append(
                t("No circle can be formed now: a circle needs 3 mentees who share a language and a free mentor.")
            )
            await _reply_lines(query.message, lines)
            return
        lines += ["", t("Nothing has been sent yet. Confirm tells each mentee and mentor.")]
        rows = (
            (Button(Msg(N_("Confirm and send")), cb("circa", "go", formed.batch), emoji="✅"),),
            (Button(Msg(N_("Discard")), cb("circa", "drop", formed.batch), emoji="✖️"),),
        )
        await _reply_lines(query.message, lines, ui.buttons(context, rows))
        return
    if data.action in CO_MENTOR_ACTIONS:
        await on_co_mentor(update, context, data.action, data.int_arg(0), data.int_arg(1))
        return
    if data.action in REPORT_ACTIONS:
        await on_report_action(update, context, REPORT_ACTIONS[data.action], data.int_arg(0))
        return
    batch = data.int_arg(0)
    if batch is None or data.action not in ("go", "drop"):
        await ui.stale_button(update, context)
        return
    if data.action == "drop":
        done = await forming.discard(store, batch, admin_id, now)
        await query.answer(t("Discarded") if done else t(REFUSALS["done"]), show_alert=not done)
        return
    try:
        notices = await forming.confirm(store, batch, admin_id, now)
    except CircleRefused as refused:
        await query.answer(t(REFUSALS[refused.code]), show_alert=True)
        return
    await query.answer(t("Sending…"))
    await ui.drop_buttons(query)
    await services.sender.send(notices)
    await query.message.reply_text(t("Done: the circles have begun."))


REPORT_ACTIONS = {"rs": "resume", "rx": "remove", "rc": "close"}
REPORT_DONE = {
    "resume": N_("Resumed: she can write to the circle again."),
    "remove": N_("Removed from the circle."),
    "close": N_("Report closed."),
}
REPORT_REFUSED = {
    "done": N_("This report was already decided."),
    "other_reports": N_("Another report about her is still open: decide that one first."),
}


async def on_report_action(update: Update, context: Context, action: str, report_id: int | None) -> None:
    query, services = update.callback_query, context.services
    try:
        if report_id is None:
            raise CircleRefused("done")
        notices = await moderation.decide(
            store_of(context), report_id, query.from_user.id, action, services.clock.now()
        )
    except CircleRefused as refused:
        await query.answer(context.t(REPORT_REFUSED.get(refused.code, REPORT_REFUSED["done"])), show_alert=True)
        return
    await query.answer(context.t(REPORT_DONE[action]))
    await ui.drop_buttons(query)
    await services.sender.send(notices)


CO_MENTOR_ACTIONS = ("cm", "ca", "cr")
CO_MENTOR_REFUSED = {
    "mentor_unavailable": N_("She is not an approved mentor free to take part now."),
    "language": N_("She does not speak the circle's language."),
    "not_cleared_for_minors": N_(
        "This circle has a girl under 18, and she is not cleared for minors (or has not accepted the current code "
        "of conduct)."
    ),
    "excluded": N_("A member of this circle may not be with her (an exclusion, a report or a safety rule)."),
    "co_lead": N_("She already leads this circle."),
    "has_co_mentor": N_("This circle already has a co-mentor: remove her first."),
    "done": N_("Already done."),
    "not_a_member": N_("This circle has ended."),
}


async def on_co_mentor(
    update: Update, context: Context, action: str, circle_id: int | None, mentor_id: int | None
) -> None:
    """Cm: her choices (and Remove); ca: add this one; cr: remove the co-mentor. Rules are checked again."""
    query, services, t = update.callback_query, context.services, context.t
    store, now = store_of(context), services.clock.now()
    try:
        if circle_id is None or (action == "ca" and mentor_id is None):
            raise CircleRefused("done")
        if action == "cm":
            circle, name = await co_mentor.current(store, circle_id)
            rows = (
                [(Button(Msg(N_("Remove {name} as co-mentor"), name=name), cb("circa", "cr", circle_id), emoji="✖️"),)]
                if name
                else [
                    (Button(who, cb("circa", "ca", circle_id, user_id)),)
                    for user_id, who in await co_mentor.choices(store, circle_id)
                ]
            )
            if not rows:
                await query.answer(t("No approved mentor fits this circle now."), show_alert=True)
                return
            await query.answer()
            text = t("Co-mentor for {circle}:").format(circle=html.escape(circle.name))
            await query.message.reply_text(text, reply_markup=ui.buttons(context, tuple(rows)))
            return
        if action == "ca":
            offsets = services.settings.reminder_offsets
            notices = await co_mentor.add(store, circle_id, query.from_user.id, mentor_id, now, offsets)
            done = t("Added: she and the members have been told.")
        else:
            notices = await co_mentor.remove(store, circle_id, query.from_user.id, now)
            done = t("Removed: she and the members have been told.")
    except CircleRefused as refused:
        await query.answer(t(CO_MENTOR_REFUSED.get(refused.code, CO_MENTOR_REFUSED["done"])), show_alert=True)
        return
    await query.answer(done)
    await ui.drop_buttons(query)
    await services.sender.send(notices)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("circles", overview))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("circa")))
