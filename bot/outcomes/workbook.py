"""The indicator report as an XLSX workbook (openpyxl) and as a short text summary."""

from __future__ import annotations

import io

from openpyxl import Workbook

from bot.admin.charts import outcomes_chart
from bot.outcomes.report import MIN_CELL, RESPONSE_AIM, IndicatorReport, MentorItem
from bot.outcomes.rules import surveys

HEADER = (
    "Breakdown",
    "Group",
    "Cohort",
    "n baseline",
    "Mean baseline",
    "n endline",
    "Mean endline",
    "n paired",
    "Mean change",
    "95% CI low",
    "95% CI high",
    "Share moved up",
    "Response rate",
    "Response aim",
)
SUPPRESSED = f"<{MIN_CELL}"
DEFINITIONS = (
    ("Cohort", "Mentees whose baseline survey fell due in the period."),
    ("Mean baseline / endline", "Mean score of those who answered in that wave (skips excluded)."),
    ("Mean change", "Endline minus baseline, for those who answered both (paired)."),
    ("95% CI", "Student's t-interval for the mean paired change."),
    ("Share moved up", "Share of the paired whose endline score is above their baseline."),
    ("Response rate", f"Share of the cohort with both a baseline and an endline answer; aim {RESPONSE_AIM:.0%}."),
    (
        "Suppression",
        f"Groups with fewer than {MIN_CELL} people, and figures from fewer than {MIN_CELL} answers, are not shown.",
    ),
    ("Disability", "Washington Group short set: 'a lot of difficulty' or 'cannot do it at all' in any domain."),
    (
        "Mentors' end survey",
        "Mentors whose first mentorship ended in the period: each question's n (skips excluded) and mean score;"
        " hours are band middles (3, 7.5, 15, 25). No paired change: it is asked once.",
    ),
    ("Questionnaire", f"bot/outcomes/surveys.toml, version {surveys().version}."),
)


MENTOR_SHEET = "Mentors end survey"


def write_xlsx(reports: list[IndicatorReport], target, mentors: list[MentorItem] = ()) -> None:
    """One sheet per indicator, one of the mentors' end survey and one of definitions; `target` is a
    path or a binary file."""
    book = Workbook(write_only=True)
    for report in reports:
        sheet = book.create_sheet(report.indicator[:31])
        sheet.append([surveys().questions[report.indicator].text["en"]])
        sheet.append(list(HEADER))
        for c in report.cells:
            if c.suppressed:
                sheet.append([c.dimension, c.group, SUPPRESSED] + [SUPPRESSED] * (len(HEADER) - 4) + [RESPONSE_AIM])
                continue
            figures = (
                c.mean_baseline,
                c.n_endline,
                c.mean_endline,
                c.n_paired,
                c.change,
                c.ci_low,
                c.ci_high,
                c.moved_up,
            )
            sheet.append(
                [c.dimension, c.group, c.cohort, c.n_baseline]
                + [SUPPRESSED if x is None else x for x in figures]
                + [c.response_rate, RESPONSE_AIM]
            )
    if mentors:
        sheet = book.create_sheet(MENTOR_SHEET)
        sheet.append(["Question", "Wording", "n", "Mean"])
        for item in mentors:
            wording = surveys().questions[item.question].text["en"]
            sheet.append([item.question, wording, item.n, SUPPRESSED if item.mean is None else item.mean])
    definitions = book.create_sheet("Definitions")
    definitions.append(["Term", "Definition"])
    for row in DEFINITIONS:
        definitions.append(list(row))
    book.save(target)


def xlsx_bytes(reports: list[IndicatorReport], mentors: list[MentorItem] = ()) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(reports, buffer, mentors)
    return buffer.getvalue()


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def summary_text(
    reports: list[IndicatorReport], cohort: int, language: str | None, mentors: list[MentorItem] = ()
) -> str:
    s = surveys()
    if not reports or cohort == 0:
        return "\n\n".join([s.text("report_empty", language), *_mentor_lines(mentors, language)])
    lines = [s.text("report_title", language), ""]
    for report in reports:
        c = report.overall
        question = s.questions[report.indicator].text
        lines.append(
            s.text("report_line", language).format(
                indicator=question.get(language or "", question["en"]),
                base=_fmt(c.mean_baseline),
                end=_fmt(c.mean_endline),
                change=_fmt(c.change),
                low=_fmt(c.ci_low),
                high=_fmt(c.ci_high),
                n=c.n_paired,
                up="—" if c.moved_up is None else f"{c.moved_up:.0%}",
            )
        )
    rate = reports[0].overall.response_rate
    lines += [
        "",
        s.text("report_response", language).format(rate="—" if rate is None else f"{rate:.0%}", cohort=cohort),
    ]
    return "\n\n".join(["\n".join(lines), *_mentor_lines(mentors, language)])


def _mentor_lines(mentors: list[MentorItem], language: str | None) -> list[str]:
    """The mentors' end survey as one block (empty when no mentor answered)."""
    if not any(item.n for item in mentors):
        return []
    s = surveys()
    lines = [s.text("report_mentors", language)]
    for item in mentors:
        question = s.questions[item.question].text
        wording = question.get(language or "", question["en"])
        lines.append(s.text("report_mentor_line", language).format(question=wording, mean=_fmt(item.mean), n=item.n))
    return ["\n".join(lines)]


def chart_png(reports: list[IndicatorReport], language: str | None) -> bytes:
    """The whole cohort's baseline and endline means per indicator, as a PNG for the chat."""
    s = surveys()
    rows = []
    for report in reports:
        question = s.questions[report.indicator]
        top = max(o.score for o in question.options)
        label = question.text.get(language or "", question.text["en"])
        rows.append((_short(label), report.overall.mean_baseline, report.overall.mean_endline, top))
    legend = (s.text("chart_baseline", language), s.text("chart_endline", language))
    # The fonts have no emoji: the title goes without its 📈.
    title = "".join(ch for ch in s.text("report_title", language) if ord(ch) < 0x2000).strip()
    return outcomes_chart(title, legend, rows)


def _short(text: str, limit: int = 22) -> str:
    # The statement in «...» is the telling part of a confidence question.
    if "«" in text:
        text = text.split("«", 1)[1].rstrip("»?.")
    return text if len(text) <= limit else text[: limit - 1] + "…"
