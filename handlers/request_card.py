"""The card a mentor gets for a request (new, from a cohort, a reminder, or with her answer)."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import cb
from bot.domain import (
    AGE_LABELS,
    FIELD_LABELS,
    GOAL_LABELS,
    LANGUAGE_NAMES,
    REGION_LABELS,
    STAGE_LABELS,
)
from bot.i18n import N_, Translator
from bot.mentorship.store.requests import Request
from bot.services import Services
from bot.telegram.cards import label, labels
from bot.telegram.ui import deliver, reader_of
from handlers.mentor_card import percent

HEADINGS = {
    "new": N_("📨 A new mentee would like you as her mentor"),
    "cohort": N_("📨 The programme team suggests a mentee for you"),
    "reminder": N_("⏰ Reminder: she is still waiting for your answer"),
    # The other wording of an experiment on the nudge (bot.experiments, setting nudge_wording).
    "reminder_warm": N_("⏰ She is still hoping to hear from you: a short answer, even a no, helps her move on 💛"),
    "answer": N_("💬 She answered your question"),
}


def request_keyboard(t: Translator, request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("✅ " + t("Accept"), callback_data=cb("req", "acc", request_id)),
                InlineKeyboardButton("✖️ " + t("Decline"), callback_data=cb("req", "dec", request_id)),
            ],
            [InlineKeyboardButton("❓ " + t("Ask a question"), callback_data=cb("req", "ask", request_id))],
        ]
    )


async def request_card(services: Services, t: Translator, zone: ZoneInfo, request: Request, heading: str) -> str:
    """The mentee as her mentor sees her request: every value of hers escaped."""
    profile = await services.profiles.get(request.mentee_id)
    a = profile.answers
    age = t("under 18") if profile.is_minor else label(t, AGE_LABELS, a.age_band)
    rows = [
        (t("Region"), label(t, REGION_LABELS, a.region)),
        (t("Stage"), label(t, STAGE_LABELS, a.stage)),
        (t("Fields"), labels(t, FIELD_LABELS, a.fields)),
        (t("Goals"), labels(t, GOAL_LABELS, a.goals)),
        (t("Languages"), labels(t, LANGUAGE_NAMES, a.languages)),
    ]
    lines = [
        f"<b>{t(HEADINGS[heading])}</b>",
        "",
        f"<b>{html.escape(a.display_name or '—')}</b> · {age}",
    ]
    lines += [f"<b>{caption}:</b> {value}" for caption, value in rows]
    if request.note:
        lines += ["", "<b>" + t("Her note") + ":</b>", f"<i>{html.escape(request.note)}</i>"]
    if request.question and request.answer:
        question, answer = html.escape(request.question), html.escape(request.answer)
        lines += ["", "<b>" + t("Your question") + f":</b> {question}"]
        lines += ["<b>" + t("Her answer") + f":</b> <i>{answer}</i>"]
    if request.score is not None:
        lines += ["", t("Compatibility: {score}").format(score=percent(t, request.score))]
    if profile.is_minor:
        lines.append(
            "🛡 " + t("She is under 18: if you accept, you talk through this bot only, and contacts are never shared.")
        )
    # A full date and time: an abbreviated month ("дек.") must not meet the sentence's full stop.
    lines.append(t("Please answer by {date}.").format(date=t.datetime(request.expires_at, zone)))
    return "\n".join(lines)


async def send_request_card(bot: Bot, services: Services, request: Request, heading: str | None = None) -> None:
    t, zone = await reader_of(services, request.mentor_id)
    heading = heading or ("cohort" if request.source == "cohort" else "new")
    text = await request_card(services, t, zone, request, heading)
    await deliver(bot, services, request.mentor_id, text, request_keyboard(t, request.id))


def mentee_keyboard(t: Translator, request_id: int, *, answer: bool = False) -> InlineKeyboardMarkup:
    """What a mentee can do with her pending request: answer a question, withdraw, report, block."""
    rows = (
        [[InlineKeyboardButton("✍️ " + t(N_("Answer")), callback_data=cb("req", "ans", request_id))]] if answer else []
    )
    rows.append(
        [
            InlineKeyboardButton("↩️ " + t(N_("Withdraw")), callback_data=cb("req", "wd", request_id)),
            InlineKeyboardButton("⚠️ " + t(N_("Report")), callback_data=cb("req", "rep", request_id)),
            InlineKeyboardButton("🚫 " + t(N_("Block")), callback_data=cb("req", "blk", request_id)),
        ]
    )
    return InlineKeyboardMarkup(rows)
