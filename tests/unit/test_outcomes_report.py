"""The questionnaire file is complete in three languages; the indicator report's numbers match an
independent computation; small cells are suppressed; the workbook holds the figures cell by cell."""

import statistics

import pytest
from openpyxl import load_workbook
from scipy import stats

from bot.outcomes.report import MIN_CELL, indicator_report
from bot.outcomes.rules import LANGUAGES, missing_texts, surveys
from bot.outcomes.workbook import HEADER, SUPPRESSED, write_xlsx


def test_every_text_is_there_in_ky_ru_and_en():
    s = surveys()
    assert missing_texts(s) == []
    assert all(len(questions) <= 8 for questions in s.waves.values())
    for q in s.questions.values():
        assert set(q.text) == set(LANGUAGES)
    kyrgyz = " ".join([q.text["ky"] for q in s.questions.values()] + [e["ky"] for e in s.ui.values()])
    assert not set(kyrgyz) & set("әғқһіұӘҒҚҺІҰ")  # Kazakh letters, not Kyrgyz


def seeded():
    """12 in Chuy (pairs known), 3 in Naryn (a small cell)."""
    people, answers = {}, []
    base = [1, 2, 2, 3, 3, 3, 4, 2, 1, 5, 3, 2]
    end = [3, 2, 4, 4, 3, 5, 4, 3, 2, 5, 4, None]
    for i, (b, e) in enumerate(zip(base, end, strict=True)):
        people[i] = {"region": "chuy", "language": "ru"}
        answers.append((i, "baseline", "conf_math", str(b)))
        if e is not None:
            answers.append((i, "endline", "conf_math", str(e)))
    for i in range(100, 103):
        people[i] = {"region": "naryn", "language": "ky"}
        answers += [(i, "baseline", "conf_math", "1"), (i, "endline", "conf_math", "5")]
    return people, answers, base, end


def test_means_paired_change_and_interval_match_an_independent_computation():
    people, answers, base, end = seeded()
    (report,) = [r for r in indicator_report(people, answers) if r.indicator == "conf_math"]
    overall = report.overall
    all_base = [*base, 1, 1, 1]
    all_end = [e for e in end if e is not None] + [5, 5, 5]
    diffs = [e - b for b, e in zip(base, end, strict=True) if e is not None] + [4, 4, 4]
    assert overall.cohort == 15 and overall.n_baseline == 15 and overall.n_endline == 14
    assert overall.mean_baseline == pytest.approx(statistics.mean(all_base))
    assert overall.mean_endline == pytest.approx(statistics.mean(all_end))
    assert overall.n_paired == 14
    assert overall.change == pytest.approx(statistics.mean(diffs))
    half = stats.t.ppf(0.975, 13) * statistics.stdev(diffs) / len(diffs) ** 0.5
    assert (overall.ci_low, overall.ci_high) == pytest.approx(
        (statistics.mean(diffs) - half, statistics.mean(diffs) + half)
    )
    assert overall.moved_up == pytest.approx(sum(d > 0 for d in diffs) / 14)
    assert overall.response_rate == pytest.approx(14 / 15)
    chuy = next(c for c in report.cells if c.dimension == "region" and c.group == "chuy")
    assert chuy.change == pytest.approx(statistics.mean(diffs[:11]))


def test_groups_under_five_people_show_no_figures():
    people, answers, *_ = seeded()
    (report,) = [r for r in indicator_report(people, answers) if r.indicator == "conf_math"]
    naryn = next(c for c in report.cells if c.dimension == "region" and c.group == "naryn")
    assert naryn.suppressed and naryn.mean_baseline is None and naryn.change is None
    assert MIN_CELL == 5


def test_the_workbook_holds_the_figures_cell_by_cell(tmp_path):
    people, answers, *_ = seeded()
    reports = indicator_report(people, answers)
    path = tmp_path / "outcomes.xlsx"
    write_xlsx(reports, path)
    book = load_workbook(path)
    assert book.sheetnames == [r.indicator for r in reports] + ["Definitions"]
    sheet = book["conf_math"]
    assert [c.value for c in sheet[2]] == list(HEADER)
    conf = next(r for r in reports if r.indicator == "conf_math")
    overall = [c.value for c in sheet[3]]
    o = conf.overall
    assert overall[:4] == ["all", "all", 15, 15]
    assert overall[4] == pytest.approx(o.mean_baseline) and overall[6] == pytest.approx(o.mean_endline)
    assert overall[7] == 14 and overall[8] == pytest.approx(o.change)
    assert overall[9] == pytest.approx(o.ci_low) and overall[10] == pytest.approx(o.ci_high)
    assert overall[12] == pytest.approx(14 / 15) and overall[13] == 0.6
    rows = {(r[0].value, r[1].value): [c.value for c in r] for r in sheet.iter_rows(min_row=4)}
    assert rows[("region", "naryn")][2:13] == [SUPPRESSED] * 11
    assert book["Definitions"]["A1"].value == "Term"


def test_waves_fall_due_as_the_clock_moves():
    from datetime import UTC, datetime, timedelta

    from bot.outcomes.rules import MentorshipDates, due_waves

    start = datetime(2026, 1, 10, tzinfo=UTC)
    ongoing = MentorshipDates(1, start, None)
    assert set(due_waves(ongoing, start)) == {"baseline", "about"}
    assert set(due_waves(ongoing, start + timedelta(days=90))) == {"baseline", "about"}
    assert due_waves(ongoing, start + timedelta(days=91))["midline"] == start + timedelta(days=91)
    end = start + timedelta(days=180)
    ended = MentorshipDates(1, start, end)
    assert set(due_waves(ended, end)) == {"baseline", "about", "midline", "endline"}
    assert "follow6" not in due_waves(ended, end + timedelta(days=181))
    assert due_waves(ended, end + timedelta(days=182))["follow6"] == end + timedelta(days=182)
    assert due_waves(ended, end + timedelta(days=365))["follow12"] == end + timedelta(days=365)
    # Ended before three months: no midline.
    assert "midline" not in due_waves(MentorshipDates(1, start, start + timedelta(days=30)), end)
