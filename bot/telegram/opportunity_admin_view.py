"""What /opportunities_admin shows: a page of opportunities with their counts and buttons, and a
field's value as the admin reads it while editing."""

from __future__ import annotations

import html
from datetime import datetime

from bot.callbacks import cb
from bot.context import Context
from bot.i18n import N_
from bot.notices import Button, Msg
from bot.opportunities import drafting, editing
from bot.opportunities.rules import KIND_LABELS, Opportunity

AREA = "oppa"


def title(opportunity: Opportunity, language: str) -> str:
    return opportunity.titles.get(language) or next(iter(opportunity.titles.values()))


def entry(context: Context, n: int, opportunity: Opportunity, counts, now) -> str:
    t, zone = context.t, context.zone
    state = (
        t("closed")
        if opportunity.closed_at or opportunity.deadline_at <= now
        else t("verified ✅")
        if opportunity.verified
        else t("not verified")
    )
    reached, saved, applied, accepted = (
        (counts.reached, counts.saved, counts.applied, counts.accepted) if counts else (0, 0, 0, 0)
    )
    return "\n".join(
        (
            f"{n}. <b>{html.escape(title(opportunity, context.language))}</b> · {t(KIND_LABELS[opportunity.kind])}",
            t("Deadline: {when}").format(when=t.datetime(opportunity.deadline_at, zone)) + f" · {state}",
            t("Reached {reached} · saved {saved} · applied {applied} · accepted {accepted}").format(
                reached=reached, saved=saved, applied=applied, accepted=accepted
            ),
        )
    )


def page(context: Context, now: datetime, items, number: int, before: bool, after: bool) -> tuple[str, tuple]:
    """The page's text and its buttons: Edit, Close (while open) and Verify for each, then Back and Next."""
    if not items:
        text, rows = context.t("No open or recently closed opportunities. /opportunity_new adds one."), []
    else:
        parts, rows = [context.t("<b>Opportunities</b> (open and closed in the last 30 days)")], []
        for n, (opportunity, counts) in enumerate(items, start=number * editing.PAGE + 1):
            parts.append(entry(context, n, opportunity, counts, now))
            row = [Button(Msg(N_("Edit {n}"), n=n), cb(AREA, "ed", opportunity.id), emoji="✏️")]
            if opportunity.closed_at is None and opportunity.deadline_at > now:
                row.append(Button(Msg(N_("Close {n}"), n=n), cb(AREA, "cl", opportunity.id)))
            flag = 0 if opportunity.verified else 1
            verify = Msg(N_("Unverify {n}") if opportunity.verified else N_("Verify {n}"), n=n)
            row.append(Button(verify, cb(AREA, "vf", opportunity.id, flag, number)))
            rows.append(row)
        text = "\n\n".join(parts)
    nav = [Button(Msg(N_("Back")), cb(AREA, "pg", number - 1), emoji="⬅️")] if before else []
    nav += [Button(Msg(N_("Next")), cb(AREA, "pg", number + 1), emoji="➡️")] if after else []
    return text, tuple(tuple(row) for row in [*rows, nav] if row)


def shown_value(context: Context, field: str, value) -> str:
    step, _ = editing.split(field)
    if step in editing.PICKED:
        labels = drafting.GROUPS[step]
        return ", ".join(context.t(labels[code]) for code in labels if code in value) or context.t("all")
    if step == editing.WOMEN_ONLY:
        return context.t("Yes") if value else context.t("No")
    if step == drafting.DEADLINE:
        return context.t.datetime(datetime.fromisoformat(value), context.zone)
    return html.escape(str(value or "—"))
