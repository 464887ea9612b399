"""How the opportunities did, for /stats and /export: reached, saved, applied, accepted, per
opportunity, in total, and by age band, region, field and stage (groups under 5 people hidden)."""

from __future__ import annotations

import html

from bot.db import Database
from bot.domain import AGE_LABELS, FIELD_LABELS, REGION_LABELS, STAGE_LABELS
from bot.i18n import N_
from bot.notices import Html, Line, Msg, Notice
from bot.opportunities import store

MIN_CELL = 5
TOP = 10
# Each person shown each opportunity, with what she did.
_PAIRS = (
    " FROM opportunity_views v JOIN profiles p ON p.user_id = v.user_id"
    " LEFT JOIN opportunity_choices c ON c.opportunity_id = v.opportunity_id AND c.user_id = v.user_id"
    " LEFT JOIN opportunity_outcomes q ON q.opportunity_id = v.opportunity_id AND q.user_id = v.user_id"
)
# The people first (what the small-group rule counts), then the figures: views, not people.
_FIGURES = (
    "COUNT(DISTINCT v.user_id), COUNT(*), COALESCE(SUM(c.choice = 'saved'), 0),"
    " COALESCE(SUM(q.applied = 1), 0), COALESCE(SUM(q.accepted = 1), 0)"
)
BREAKDOWNS = {
    "age_band": (N_("By age"), AGE_LABELS, f"SELECT p.age_band, {_FIGURES}{_PAIRS} GROUP BY 1"),
    "region": (N_("By region"), REGION_LABELS, f"SELECT p.region, {_FIGURES}{_PAIRS} GROUP BY 1"),
    "field": (
        N_("By field"),
        FIELD_LABELS,
        f"SELECT f.value, {_FIGURES}{_PAIRS} JOIN json_each(p.fields) f GROUP BY 1",
    ),
    "stage": (N_("By stage"), STAGE_LABELS, f"SELECT p.stage, {_FIGURES}{_PAIRS} GROUP BY 1"),
}
FIGURES = N_("reached {reached} · saved {saved} · applied {applied} · got in {accepted}")


def _figures(reached: int, saved: int, applied: int, accepted: int) -> Msg:
    return Msg(FIGURES, reached=reached, saved=saved, applied=applied, accepted=accepted)


async def stats_notice(db: Database, admin_id: int) -> Notice:
    async with db.reading() as s:
        per = await store.counts(s)
        groups = {name: await s.fetchall(sql) for name, (_, _, sql) in BREAKDOWNS.items()}
    lines: list[Line] = [Msg(N_("<b>🎯 Opportunities</b>"))]
    if not per:
        return Notice(admin_id, (*lines, Msg(N_("None yet."))))
    total = [sum(getattr(c, k) for c in per) for k in ("reached", "saved", "applied", "accepted")]
    lines.append(Msg(N_("In total: {figures}"), figures=_figures(*total)))
    lines.append("")
    for c in per[:TOP]:
        title = next(iter(c.titles.values()), "—")
        lines.append(Html(f"<b>{html.escape(title)}</b>: "))
        lines.append(_figures(c.reached, c.saved, c.applied, c.accepted))
    if len(per) > TOP:
        lines.append(Msg(N_("…and {n} more in /export."), n=len(per) - TOP))
    for name, (title, labels, _) in BREAKDOWNS.items():
        # A group of fewer than MIN_CELL people is hidden however many cards they were shown.
        shown = [row for row in groups[name] if row[1] >= MIN_CELL]
        if not shown:
            continue
        lines += ["", Msg(N_("<b>{title}</b> (groups under 5 not shown)"), title=Msg(title))]
        for row in sorted(shown, key=lambda r: -r[2]):
            label = Msg(labels[row[0]]) if row[0] in labels else str(row[0] or "—")
            lines.append(Msg(N_("{group}: {figures}"), group=label, figures=_figures(*row[2:])))
    return Notice(admin_id, tuple(lines))
