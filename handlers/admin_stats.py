"""`/stats`: the programme in numbers, with every figure broken down as donors' reports ask, and a chart."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.admin import flow
from bot.admin.charts import stats_chart
from bot.admin.stats import BREAKDOWNS, FUNNEL, Stats
from bot.context import Context
from bot.domain import (
    AGE_LABELS,
    FIELD_LABELS,
    LANGUAGE_BUTTONS,
    REGION_LABELS,
    ROLE_LABELS,
    STAGE_LABELS,
)
from bot.i18n import N_, Translator
from bot.notices import render_text
from bot.opportunities import report as opportunity_report
from bot.telegram import ui

STATUS_LABELS = {
    "pending": N_("waiting"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
    "expired": N_("expired"),
    "withdrawn": N_("withdrawn"),
    "active": N_("active"),
    "paused": N_("paused"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
    "requested": N_("requested"),
    "confirmed": N_("confirmed"),
    "held": N_("held"),
    "no_show": N_("no-show"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "mentee": ROLE_LABELS["mentee"],
    "mentor": ROLE_LABELS["mentor"],
    "subscriber": ROLE_LABELS["subscriber"],
    "none": N_("not chosen yet"),
}
FUNNEL_LABELS = {
    "onboarded": N_("Onboarded"),
    "matched": N_("Matched"),
    "first_session": N_("First session"),
    "three_sessions": N_("Three sessions"),
    "completed": N_("Completed"),
}
BREAKDOWN_TITLES = {"age_band": N_("By age"), "region": N_("By region"), "field": N_("By field")}
VALUE_LABELS = {
    "age_band": AGE_LABELS,
    "region": REGION_LABELS,
    "field": FIELD_LABELS,
    "stage": STAGE_LABELS,
}


def _value(t: Translator, dimension: str, code: str) -> str:
    if dimension == "language":
        return LANGUAGE_BUTTONS.get(code, code) if code != "none" else t(STATUS_LABELS["none"])
    labels = VALUE_LABELS.get(dimension, {})
    for key, label in {**labels, **STATUS_LABELS}.items():
        if key == code:
            return t(label)
    return code


def _line(t: Translator, counts: dict[str, int], dimension: str = "") -> str:
    return " · ".join(f"{_value(t, dimension, k)} {v}" for k, v in counts.items()) or "—"


def _row(caption: str, value: str) -> str:
    return f"<b>{caption}:</b> {value}"


def _circle_figures(t: Translator, figures: dict) -> str:
    return t(
        "circles {circles} · members {members} · messages {messages} · sessions {sessions} · group hours {hours}"
    ).format(
        circles=figures["circles"],
        members=figures["members"],
        messages=figures["messages"],
        sessions=figures["sessions"],
        hours=t.number(figures["group_hours"]),
    )


def _circle_lines(t: Translator, s: Stats) -> list[str]:
    if not s.circles.get("circles"):
        return []
    lines = ["", _row(t("Circles"), _circle_figures(t, s.circles))]
    for dimension in ("age_band", "region"):
        for code, figures in s.circles_by.get(dimension, {}).items():
            lines.append(f"{_value(t, dimension, code)}: {_circle_figures(t, figures)}")
    return lines


def stats_text(t: Translator, s: Stats) -> str:
    lines = [
        t("<b>📊 The programme in numbers</b>"),
        "",
        _row(t("Users"), _line(t, s.users_by["role"])),
        _row(t("Languages"), _line(t, s.users_by["language"], "language")),
        _row(t("Regions"), _line(t, s.users_by["region"], "region")),
        _row(t("Age"), _line(t, s.users_by["age_band"], "age_band")),
        _row(t("Stages"), _line(t, s.users_by["stage"], "stage")),
        _row(t("Fields"), _line(t, s.users_by["field"], "field")),
        _row(t("Mentors"), _line(t, s.mentors)),
        _row(t("Requests"), _line(t, s.requests)),
    ]
    if s.median_response_hours is not None:
        lines.append(t("Median time to answer a request: {hours} h").format(hours=t.number(s.median_response_hours)))
    lines += [
        _row(t("Mentorships"), _line(t, s.mentorships)),
        _row(t("Sessions"), _line(t, s.sessions)),
        t("Hours of mentoring: {hours}").format(hours=t.number(s.hours_of_mentoring)),
    ]
    if s.average_rating is not None:
        lines.append(t("Average session rating: {rating} of 5").format(rating=t.number(s.average_rating)))
    lines.append(
        t("Stories: {subscribers} subscribers, {deliveries} delivered, {opt_outs} turned off").format(**s.stories)
    )
    lines += _circle_lines(t, s)
    lines += ["", "<b>" + t("Safety") + "</b>"]
    if s.contact_flags_per_1000 is not None:
        lines.append(
            t("Messages held back for contact details: {n} ({rate} per 1,000 relayed)").format(
                n=s.contact_flags, rate=t.number(s.contact_flags_per_1000)
            )
        )
    if s.median_report_action_hours is not None:
        lines.append(
            t("Median time to first action on a report: {hours} h").format(hours=t.number(s.median_report_action_hours))
        )
    lines += [
        "",
        _row(
            t("Funnel"),
            " → ".join(f"{t(FUNNEL_LABELS[stage])} {s.funnel[stage]}" for stage in FUNNEL),
        ),
    ]
    for dimension in BREAKDOWNS:
        groups = s.funnel_by[dimension]
        if not groups:
            continue
        lines += [
            "",
            f"<b>{t(BREAKDOWN_TITLES[dimension])}</b> ({' → '.join(t(FUNNEL_LABELS[x]) for x in FUNNEL)})",
        ]
        for code, counts in sorted(groups.items(), key=lambda item: -item[1]["onboarded"]):
            lines.append(f"{_value(t, dimension, code)}: " + " → ".join(str(counts[x]) for x in FUNNEL))
    return "\n".join(lines)


async def stats(update: Update, context: Context) -> None:
    if await ui.refuse_non_admin(update, context):
        return
    t = context.t
    services = context.services
    figures = await flow.stats(services, services.clock.now())
    await update.effective_message.reply_text(stats_text(t, figures))
    opportunities = await opportunity_report.stats_notice(services.db, update.effective_user.id)
    await update.effective_message.reply_text(render_text(opportunities, t, context.zone))
    chart = stats_chart(
        t("Mentees through the programme"),
        [(t(FUNNEL_LABELS[stage]), figures.funnel[stage]) for stage in FUNNEL],
        t("Sign-ups per week"),
        figures.weekly_signups,
    )
    await update.effective_message.reply_photo(chart, filename="stats.png")


def register(app: Application) -> None:
    app.add_handler(CommandHandler("stats", stats))
