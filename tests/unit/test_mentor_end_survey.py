"""The mentors' end survey: short, buttons only, complete in ky, ru and en; its report section gives
each question's mean and n (skips left out, means under 5 answers hidden), and its own sheet."""

import statistics

import pytest
from openpyxl import load_workbook

from bot.outcomes.report import MIN_CELL, mentor_summary
from bot.outcomes.rules import LANGUAGES, surveys
from bot.outcomes.workbook import MENTOR_SHEET, SUPPRESSED, summary_text, write_xlsx


def test_the_mentors_end_survey_is_short_buttons_only_and_complete_in_three_languages():
    s = surveys()
    questions = s.waves["mentor_end"]
    assert 3 <= len(questions) <= 5
    for q in questions:
        assert q.options, q.code  # buttons only: no typed answers
        assert all(q.text.get(lang) for lang in LANGUAGES), q.code
        assert all(o.text.get(lang) for o in q.options for lang in LANGUAGES), q.code
    for key in ("invite_mentor_end", "report_mentors", "report_mentor_line"):
        assert all(s.ui[key].get(lang) for lang in LANGUAGES), key


def test_means_and_n_per_question_with_skips_left_out_and_small_counts_hidden(tmp_path):
    prepared = [4, 5, 3, 4, 2, 5]
    hours = ["under5", "5_10", "over20", None, "10_20"]
    rows = [("m_prepared", str(v)) for v in prepared] + [("m_prepared", None)]
    rows += [("m_hours", v) for v in hours] + [("m_again", "yes"), ("m_again", "no")]
    items = {item.question: item for item in mentor_summary(rows)}
    assert [i.question for i in mentor_summary(rows)] == [q.code for q in surveys().waves["mentor_end"]]
    assert items["m_prepared"].n == 6 and items["m_prepared"].mean == pytest.approx(statistics.mean(prepared))
    assert items["m_hours"].n == 4 and items["m_hours"].mean is None  # 4 < MIN_CELL
    assert items["m_again"].n == 2 and items["m_support"].n == 0
    assert MIN_CELL == 5

    text = summary_text([], 0, "ru", list(items.values()))
    assert "Итоговый опрос наставниц (средние, n):" in text
    assert f"{surveys().questions['m_prepared'].text['ru']}: {statistics.mean(prepared):.2f}, n=6" in text

    path = tmp_path / "outcomes.xlsx"
    write_xlsx([], path, list(items.values()))
    sheet = load_workbook(path)[MENTOR_SHEET]
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0] == ["Question", "Wording", "n", "Mean"]
    assert table[1][:3] == ["m_prepared", surveys().questions["m_prepared"].text["en"], 6]
    assert table[1][3] == pytest.approx(statistics.mean(prepared))
    assert table[4] == ["m_hours", surveys().questions["m_hours"].text["en"], 4, SUPPRESSED]


def test_no_mentor_answers_no_section_and_no_sheet(tmp_path):
    items = mentor_summary([])
    assert "Mentors" not in summary_text([], 0, "en", items)
    path = tmp_path / "outcomes.xlsx"
    write_xlsx([], path, [])
    assert MENTOR_SHEET not in load_workbook(path).sheetnames
