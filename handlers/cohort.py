"""`/cohort` for admins: match every waiting mentee at once (an optimal assignment), preview
it, and on Confirm send the requests, exactly once.
"""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import cb, parse_callback, pattern
from bot.context import Context
from bot.i18n import N_, Translator
from bot.matching import flow
from bot.matching.cohort import NO_FREE_SLOT, NO_MENTORS, cohort_match
from bot.matching.notices import percent
from bot.matching.rules import Rejection
from bot.telegram import ui
from bot.telegram.mentoring import name_of
from bot.telegram.ui import refuse_non_admin, stale_button

SHOWN = 20  # pairs and unmatched mentees listed in a preview; the rest are counted

UNMATCHED = {
    NO_MENTORS: N_("no mentor has a free place"),
    NO_FREE_SLOT: N_("the mentors who fit her went to others"),
    Rejection.NOT_APPROVED: N_("no mentor has a free place"),
    Rejection.PAUSED: N_("no mentor has a free place"),
    Rejection.FULL: N_("no mentor has a free place"),
    Rejection.NO_SHARED_LANGUAGE: N_("no free mentor speaks her languages"),
    Rejection.EXCLUDED: N_("she has been in touch with every mentor who fits"),
    Rejection.NOT_CLEARED_FOR_MINORS: N_("under 18, and no mentor cleared for minors is free"),
}


async def preview(update: Update, context: Context) -> None:
    if await refuse_non_admin(update, context):
        return
    services, t = context.services, context.t
    candidates = services.candidates
    mentees = await candidates.waiting_mentees()
    if not mentees:
        await update.effective_message.reply_text(t("No mentees are waiting for a mentor right now."))
        return
    mentors = [
        m for m in await candidates.mentor_profiles() if m.approved and not m.paused and m.active_mentees < m.capacity
    ]
    # Seconds of CPU (and scipy's first import) for a large cohort: off the loop, so users are still answered.
    result = await asyncio.to_thread(
        cohort_match, mentees, mentors, await candidates.exclusions(), services.clock.now()
    )
    ids = sorted({m.user_id for m in mentees} | {mentor for _, mentor, _ in result.assignments})
    run_id = await services.cohort_runs.save_cohort_run(
        update.effective_user.id,
        {
            "pairs": [list(pair) for pair in result.assignments],
            "unmatched": {str(k): str(v) for k, v in result.unmatched.items()},
            "ids": ids,
        },
        services.clock.now(),
    )
    lines = [
        "<b>" + t("Cohort preview") + "</b>",
        t("{matched} of {total} waiting mentees matched; average compatibility {score}.").format(
            matched=len(result.assignments),
            total=len(mentees),
            score=ui.text(context, percent(round(result.average_score))),
        ),
    ]
    if result.assignments:
        lines += ["", "<b>" + t("Pairs:") + "</b>"]
        for mentee, mentor, score in result.assignments[:SHOWN]:
            pair = f"{await name_of(services, mentee)} → {await name_of(services, mentor)}"
            lines.append(f"• {pair} ({ui.text(context, percent(score))})")
        lines += more(t, len(result.assignments))
    if result.unmatched:
        lines += ["", "<b>" + t("Left without a mentor:") + "</b>"]
        for mentee, code in list(result.unmatched.items())[:SHOWN]:
            why = t(UNMATCHED.get(code, UNMATCHED[NO_MENTORS]))
            lines.append(f"• {await name_of(services, mentee)}: {why}")
        lines += more(t, len(result.unmatched))
    if not result.assignments:
        await services.cohort_runs.discard_cohort_run(run_id)
        await update.effective_message.reply_text("\n".join(lines))
        return
    lines += ["", t("Nothing has been sent yet. Confirm sends each mentor her request.")]
    await update.effective_message.reply_text(
        "\n".join(lines),
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("✅ " + t("Confirm and send"), callback_data=cb("cohort", "go", run_id))],
                [InlineKeyboardButton("✖️ " + t("Discard"), callback_data=cb("cohort", "drop", run_id))],
            ]
        ),
    )


def more(t: Translator, count: int) -> list[str]:
    if count <= SHOWN:
        return []
    return [t("… and {n} more").format(n=count - SHOWN)]


async def on_button(update: Update, context: Context) -> None:
    if await refuse_non_admin(update, context):
        return
    query = update.callback_query
    data = parse_callback(query.data)
    run_id = data.int_arg(0) if data else None
    if run_id is None or data.action not in ("go", "drop"):
        await stale_button(update, context)
        return
    services, t = context.services, context.t
    if data.action == "drop":
        if await services.cohort_runs.discard_cohort_run(run_id):
            await query.answer(t("Discarded"))
            await ui.edit(query, query.message.text_html + "\n\n<b>" + t("Discarded") + "</b>")
        else:
            await query.answer(t("Already done: this preview was sent or discarded."), show_alert=True)
        return
    run = await services.cohort_runs.claim_cohort_run(run_id, services.clock.now())
    if run is None:
        await query.answer(t("Already done: this preview was sent or discarded."), show_alert=True)
        return
    await query.answer(t("Sending…"))
    await query.edit_message_reply_markup(None)
    sent, told = await flow.cohort(services, run["pairs"], query.from_user.id, services.clock.now())
    await services.sender.send(told)
    skipped = len(run["pairs"]) - sent
    await services.cohort_runs.finish_cohort_run(run_id, {"pairs": len(run["pairs"]), "sent": sent}, sent)
    summary = t.ngettext("Sent: {n} request.", "Sent: {n} requests.", sent).format(n=sent)
    if skipped:
        summary += " " + t("Skipped {n}: things changed since the preview.").format(n=skipped)
    await query.message.reply_text(summary)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("cohort", preview))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("cohort")))
