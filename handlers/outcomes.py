"""Outcome surveys' buttons and tick, and `/outcomes` (admins): the indicator summary and workbook."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, time, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.outcomes import flow
from bot.outcomes.flow import Step
from bot.outcomes.rules import PREFER_NOT, surveys
from bot.outcomes.workbook import chart_png, summary_text, xlsx_bytes
from bot.telegram import ui
from bot.telegram.ui import refuse_non_admin

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def render(step: Step, language: str | None) -> tuple[str, InlineKeyboardMarkup | None]:
    s = surveys()
    if step.invitation is None:
        return s.text("closed", language), None
    if step.done:
        return s.text("thanks", language), None
    q, inv = step.question, step.invitation
    text = (
        f"<i>{html.escape(s.text('progress', language).format(n=step.number, total=step.total))}</i>\n"
        f"{html.escape(q.text.get(language or '', q.text['en']))}"
    )
    answer = [
        InlineKeyboardButton(
            o.text.get(language or "", o.text["en"]), callback_data=cb("sv", "a", inv.id, inv.step, o.code)
        )
        for o in q.options
    ]
    rows = [answer] if q.kind == "scale" else [[button] for button in answer]
    if inv.wave == "about":
        rows.append(
            [
                InlineKeyboardButton(
                    s.text("prefer_not", language), callback_data=cb("sv", "a", inv.id, inv.step, PREFER_NOT)
                )
            ]
        )
    else:
        rows.append([InlineKeyboardButton(s.text("skip", language), callback_data=cb("sv", "s", inv.id, inv.step))])
    return text, InlineKeyboardMarkup(rows)


async def on_survey(update: Update, context: Context) -> None:
    query, services = update.callback_query, context.services
    data = parse_callback(query.data)
    invitation_id = data.int_arg(0) if data else None
    if data is None or invitation_id is None:
        await ui.stale_button(update, context)
        return
    user_id, now, language = query.from_user.id, services.clock.now(), context.language
    if data.action == "no":
        await flow.decline(services.db, user_id, invitation_id, now)
        await query.answer()
        await ui.edit(query, html.escape(surveys().text("declined", language)))
        return
    if data.action == "go":
        step = await flow.begin(services.db, user_id, invitation_id, now)
    elif data.action in ("a", "s") and data.int_arg(1) is not None:
        value = data.arg(2) if data.action == "a" else None
        step = await flow.answer(services.db, user_id, invitation_id, data.int_arg(1), value, now)
    else:
        await ui.stale_button(update, context)
        return
    await query.answer()
    text, markup = render(step, language)
    await ui.edit(query, text, reply_markup=markup)


async def survey_tick(app: Application) -> None:
    services = app.bot_data.services
    await services.sender.send(await flow.run_schedule(services.db, services.clock.now()))


def period(args: list[str], now: datetime) -> tuple[datetime, datetime] | None:
    """`/outcomes [FROM TO]`: whole days, TO included; without dates, everything until now."""
    if not args:
        return EPOCH, now
    try:
        since, until = (date.fromisoformat(a) for a in args)
    except ValueError:
        return None
    if since > until:
        return None
    return datetime.combine(since, time(), UTC), datetime.combine(until, time(), UTC) + timedelta(days=1)


async def outcomes(update: Update, context: Context) -> None:
    if await refuse_non_admin(update, context):
        return
    services, language, message = context.services, context.language, update.effective_message
    window = period(context.args or [], services.clock.now())
    if window is None:
        await message.reply_text(html.escape(surveys().text("report_usage", language)))
        return
    reports, cohort = await flow.indicators(services.db, *window)
    mentors = await flow.mentor_survey(services.db, *window)
    text = summary_text(reports, cohort, language, mentors)
    if context.args:
        shown = surveys().text("report_period", language).format(since=context.args[0], until=context.args[1])
        text = f"{shown}\n\n{text}"
    await message.reply_text(html.escape(text))
    if cohort:
        await message.reply_photo(
            chart_png(reports, language), caption=html.escape(surveys().text("report_title", language))
        )
    if cohort or any(item.n for item in mentors):
        await message.reply_document(xlsx_bytes(reports, mentors), filename="outcomes.xlsx")


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_survey, pattern=pattern("sv")))
    app.add_handler(CommandHandler("outcomes", outcomes))
