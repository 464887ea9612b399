"""The questionnaires from `surveys.toml` and the wave schedule: pure, `now` passed in."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

LANGUAGES = ("ky", "ru", "en")
SURVEYS_FILE = Path(__file__).with_name("surveys.toml")
WAVES = ("baseline", "about", "midline", "endline", "follow6", "follow12", "mentor_end")
MIDLINE_AFTER = timedelta(days=91)
FOLLOW_UPS = {"follow6": timedelta(days=182), "follow12": timedelta(days=365)}
REMIND_AFTER = timedelta(days=3)
CLOSE_AFTER = timedelta(days=14)  # an invitation left unanswered this long stops blocking the next
PREFER_NOT = "na"
SKIPPED = None


@dataclass(frozen=True)
class Option:
    code: str
    score: float
    text: dict[str, str]


@dataclass(frozen=True)
class Question:
    code: str
    kind: str  # scale, choice or wg
    text: dict[str, str]
    options: tuple[Option, ...]

    def score(self, code: str | None) -> float | None:
        for option in self.options:
            if option.code == code:
                return option.score
        return None


@dataclass(frozen=True)
class Surveys:
    version: int
    waves: dict[str, tuple[Question, ...]]
    questions: dict[str, Question]
    ui: dict[str, dict[str, str]]

    def text(self, key: str, language: str | None) -> str:
        entry = self.ui[key]
        return entry.get(language or "", entry["en"])


def parse(data: dict) -> Surveys:
    scale = data["scale"]
    scale_options = tuple(
        Option(str(n), float(n), scale.get(str(n), {lang: str(n) for lang in LANGUAGES})) for n in range(1, 6)
    )
    wg_options = tuple(_option(o) for o in data["wg_options"]["options"])
    questions = {}
    for code, q in data["questions"].items():
        if q["kind"] == "scale":
            options = scale_options
        elif q["kind"] == "wg":
            options = wg_options
        else:
            options = tuple(_option(o) for o in q["options"])
        questions[code] = Question(code, q["kind"], {lang: q[lang] for lang in LANGUAGES if lang in q}, options)
    sets = {name: tuple(questions[c] for c in codes) for name, codes in data["sets"].items()}
    waves = {wave: sets[name] for wave, name in data["waves"].items()}
    return Surveys(int(data["version"]), waves, questions, data["ui"])


def _option(o: dict) -> Option:
    return Option(o["code"], float(o["score"]), {lang: o[lang] for lang in LANGUAGES if lang in o})


@cache
def surveys() -> Surveys:
    with SURVEYS_FILE.open("rb") as f:
        return parse(tomllib.load(f))


def missing_texts(s: Surveys) -> list[str]:
    """Every (entry, language) without a text: the file must be complete in ky, ru and en."""
    missing = []
    for q in s.questions.values():
        missing += [f"{q.code}:{lang}" for lang in LANGUAGES if not q.text.get(lang)]
        for o in q.options:
            missing += [f"{q.code}.{o.code}:{lang}" for lang in LANGUAGES if not o.text.get(lang)]
    for key, entry in s.ui.items():
        missing += [f"ui.{key}:{lang}" for lang in LANGUAGES if not entry.get(lang)]
    return missing


@dataclass(frozen=True)
class MentorshipDates:
    mentee_id: int
    started_at: datetime
    ended_at: datetime | None


def due_waves(m: MentorshipDates, now: datetime) -> dict[str, datetime]:
    """The waves due for her first mentorship by `now`, each with the moment it fell due."""
    due = {"baseline": m.started_at, "about": m.started_at}
    midline = m.started_at + MIDLINE_AFTER
    if midline <= now and (m.ended_at is None or m.ended_at > midline):
        due["midline"] = midline
    if m.ended_at is not None:
        due["endline"] = m.ended_at
        for wave, after in FOLLOW_UPS.items():
            due[wave] = m.ended_at + after
    return {wave: at for wave, at in due.items() if at <= now}


def disabled(wg_answers: dict[str, str | None]) -> str:
    """The Washington Group cut-off: "a lot of difficulty" or worse in any domain."""
    given = [v for v in wg_answers.values() if v not in (None, PREFER_NOT)]
    if any(v in ("a_lot", "cannot") for v in given):
        return "yes"
    return "no" if given else "unknown"
