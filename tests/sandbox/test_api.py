"""The sandbox over HTTP: personas, the page, a first conversation, the clock, the seed.

Each test starts the whole sandbox (emulator, real bot, page routes) on a free port with
a temp database, and talks to it as the page does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot import jobs
from bot.db import Database
from bot.domain import Availability, Field, Goal, Language, MeetingFormat, Region, Stage
from bot.onboarding.store import ProfileRepository
from sandbox import ADMIN, AIDA, BERMET, GULNARA, Sandbox
from sandbox.seed import DEMO_MENTORS, seed_slots

PERSONAS = "/sandbox/api/personas"
STATIC = Path(__file__).parents[2] / "sandbox" / "static"
WAIT = 10.0
# How a page would load something from the web.
OUTSIDE = ('src="http', "src='http", 'href="http', "@import", "url(http", "fonts.googleapis")
# How a script would parse text as HTML.
HTML_PARSERS = (
    "innerHTML",
    "outerHTML",
    "insertAdjacentHTML",
    "document.write",
    "DOMParser",
    "eval(",
)


def sandbox_at(path: Path, **kwargs) -> Sandbox:
    # No .env and no process environment: the test decides everything.
    return Sandbox(port=0, database_path=path, environ={}, env_file=None, poll_timeout=1, **kwargs)


@pytest.fixture
async def sb(tmp_path):
    async with sandbox_at(tmp_path / "sandbox.sqlite3") as sandbox:
        yield sandbox


@pytest.fixture
async def http(sb):
    async with aiohttp.ClientSession(base_url=sb.emulator.base_url) as session:
        yield session


async def get(http: aiohttp.ClientSession, path: str) -> dict:
    async with http.get(path) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def post(http: aiohttp.ClientSession, path: str, body: dict, status: int = 200) -> dict:
    async with http.post(path, json=body) as response:
        assert response.status == status, await response.text()
        return await response.json()


async def wait_event(http, after: int, match: Callable[[dict], bool]) -> dict:
    """Long-poll the page's feed, as the page does, until an event matches."""
    seq = after
    for _ in range(20):
        feed = await get(http, f"/sandbox/api/events?after={seq}&timeout={WAIT}")
        for event in feed["events"]:
            if match(event):
                return event
        if not feed["events"]:
            break
        seq = feed["seq"]
    raise AssertionError(f"no matching event after #{after}")


def text(event: dict) -> str:
    return (event.get("message") or {}).get("text") or ""


def buttons(event: dict) -> list[str]:
    return [b["text"] for row in event["message"]["keyboard"] for b in row]


async def test_the_four_personas_are_there_and_the_admin_is_an_admin(sb, http):
    personas = {p["id"]: p for p in (await get(http, "/sandbox/api/personas"))["personas"]}
    assert [(p["name"], p["language_code"]) for p in personas.values()] == [
        ("Aida", "ru"),
        ("Bermet", "ky"),
        ("Gulnara", "ru"),
        ("Admin", "en"),
    ]
    assert personas[BERMET.user_id]["label"] == "15 years old"
    assert personas[GULNARA.user_id]["label"] == "mentor"
    assert [p["id"] for p in personas.values() if p["admin"]] == [ADMIN.user_id]
    assert sb.settings.admin_ids == {ADMIN.user_id}


async def test_the_bot_talks_only_to_the_emulator(sb):
    assert sb.settings.api_base_url == f"{sb.emulator.base_url}/bot"
    assert sb.app.bot.base_url.startswith(sb.emulator.base_url)
    assert sb.settings.bot_token == "1:sandbox"
    assert sb.url == f"{sb.emulator.base_url}/"


async def test_the_page_and_its_assets_are_served_and_load_nothing_from_outside(http):
    async with http.get("/") as response:
        assert response.status == 200 and response.content_type == "text/html"
        page = await response.text()
    assert "/sandbox/static/sandbox.css" in page and "/sandbox/static/sandbox.js" in page
    for name, kind in (("sandbox.css", "text/css"), ("sandbox.js", "javascript")):
        async with http.get(f"/sandbox/static/{name}") as response:
            assert response.status == 200 and kind in response.content_type
    for name in ("index.html", "sandbox.css", "sandbox.js"):
        text = (STATIC / name).read_text(encoding="utf-8")
        for outside in OUTSIDE:
            assert outside not in text, f"{name} loads {outside}…"


async def test_start_shows_the_language_question_and_russian_gets_the_russian_greeting(sb, http):
    sent = await post(http, f"/_emulator/users/{AIDA.user_id}/send", {"text": "/start"})
    question = await wait_event(http, sent["seq"], lambda e: e["kind"] == "bot_message")
    assert question["chat_id"] == AIDA.user_id
    assert buttons(question) == ["Русский", "Кыргызча", "English"]

    chat = await get(http, f"/sandbox/api/chats/{AIDA.user_id}")
    assert chat["messages"][0]["text"] == "/start"
    keyboard = question["message"]["keyboard"]
    russian = next(b for row in keyboard for b in row if b["text"] == "Русский")
    pressed = await post(
        http,
        f"/_emulator/users/{AIDA.user_id}/press",
        {"message_id": question["message_id"], "callback_data": russian["callback_data"]},
    )
    greeting = await wait_event(http, pressed["seq"], lambda e: "Здравствуйте, Aida!" in text(e))
    assert greeting["kind"] == "bot_message"
    answered = await wait_event(http, pressed["seq"], lambda e: e["kind"] == "callback_answer")
    assert answered["callback_query_id"] == pressed["callback_query_id"]
    # Other chats saw nothing.
    assert (await get(http, f"/sandbox/api/chats/{ADMIN.user_id}"))["messages"] == []


async def test_the_feed_tells_a_page_from_an_earlier_run_to_reload(sb, http):
    feed = await get(http, "/sandbox/api/events?after=999999&timeout=0")
    assert feed["reset"] is True and feed["seq"] == sb.emulator.cursor()


async def test_a_persona_can_be_added_from_the_page(sb, http):
    added = await post(http, PERSONAS, {"name": "Saltanat", "language_code": "ky"}, 201)
    assert added["name"] == "Saltanat" and added["language_code"] == "ky"
    assert sb.emulator.users[added["id"]].first_name == "Saltanat"
    personas = (await get(http, "/sandbox/api/personas"))["personas"]
    assert personas[-1]["id"] == added["id"]
    no_language = await post(http, PERSONAS, {"name": "Nuriza", "language_code": ""}, 201)
    assert no_language["language_code"] is None

    await post(http, PERSONAS, {"name": "  "}, 400)
    await post(http, PERSONAS, {"name": "Eve", "language_code": "<script>"}, 400)
    async with http.post(PERSONAS, data="name=Eve") as response:
        assert response.status == 415  # a form post from another site is refused


async def test_the_clock_moves_forward_and_runs_the_timed_jobs(sb, http, monkeypatch):
    seen = []

    async def probe(app) -> None:
        seen.append(sb.clock.now())

    monkeypatch.setattr(jobs, "JOBS", (*jobs.JOBS, ("probe", probe)))
    before = sb.clock.now()
    shown = await post(http, "/sandbox/api/clock", {"hours": 24})
    assert seen and seen[-1] - before >= timedelta(hours=24)
    assert sb.clock.now() - before >= timedelta(hours=24)
    assert shown["timezone"] == "Asia/Bishkek" and shown["ahead_hours"] >= 23.99
    assert (await get(http, "/sandbox/api/clock"))["now"] >= shown["now"]
    for bad in (-1, 0, "soon", True, 10**9):
        await post(http, "/sandbox/api/clock", {"hours": bad}, 400)


def approved_mentors(path: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(
            "SELECT p.*, u.role, u.language FROM profiles p JOIN users u ON u.id = p.user_id"
            " WHERE p.mentor_status = 'approved' AND p.step = 'done'"
        ).fetchall()


async def test_seed_adds_six_approved_mentors_once(tmp_path):
    path = tmp_path / "seeded.sqlite3"
    async with sandbox_at(path, seed=True) as first:
        assert first.seeded == 6
        personas = await _personas(first)
        mentors = {p["id"] for p in personas if p["label"].startswith("demo mentor")}
        assert mentors == {m.user_id for m in DEMO_MENTORS}
    async with sandbox_at(path, seed=True) as second:
        assert second.seeded == 0
    async with sandbox_at(path) as unseeded:  # the mentors still get a chat
        assert all(m.user_id in unseeded.emulator.users for m in DEMO_MENTORS)
    rows = approved_mentors(path)
    assert len(rows) == 6
    assert all(r["role"] == "mentor" and r["completed_at"] and r["consent_at"] for r in rows)


async def _personas(sb: Sandbox) -> list[dict]:
    async with aiohttp.ClientSession(base_url=sb.emulator.base_url) as http:
        return (await get(http, "/sandbox/api/personas"))["personas"]


async def test_the_demo_mentors_are_varied_and_speak_the_schema(tmp_path):
    async with sandbox_at(tmp_path / "seeded.sqlite3", seed=True):
        pass
    db = Database(tmp_path / "seeded.sqlite3")
    await db.open()
    try:
        profiles = [await ProfileRepository(db).get(m.user_id) for m in DEMO_MENTORS]
        # Every demo mentor has weekly free time, and seeding again adds none.
        for m in DEMO_MENTORS:
            assert await db.fetchval("SELECT COUNT(*) FROM slots WHERE mentor_id = ?", (m.user_id,)) > 0
        assert await seed_slots(db) == 0
    finally:
        await db.close()
    codes = {
        "region": {r.value for r in Region},
        "stage": {s.value for s in Stage},
        "meeting_format": {f.value for f in MeetingFormat},
    }
    for profile in profiles:
        assert profile is not None and profile.done and profile.mentor_status == "approved"
        answers = profile.answers
        assert answers.consent and answers.display_name and answers.job_title and answers.bio
        for column, allowed in codes.items():
            assert getattr(answers, column) in allowed, (profile.user_id, column)
        assert answers.fields <= {f.value for f in Field} and answers.fields
        assert answers.goals <= {g.value for g in Goal} and answers.goals
        assert answers.languages <= {lang.value for lang in Language} and answers.languages
        assert answers.availability <= {a.value for a in Availability} and answers.availability
        assert 1 <= answers.capacity <= 5
    assert len({p.answers.region for p in profiles}) >= 4
    assert len({p.answers.meeting_format for p in profiles}) == 3
    assert len({frozenset(p.answers.fields) for p in profiles}) == 6


def test_the_page_builds_message_text_as_text_never_as_html():
    script = (STATIC / "sandbox.js").read_text(encoding="utf-8")
    for parser in HTML_PARSERS:
        assert parser not in script, f"sandbox.js uses {parser}"
    assert "createTextNode" in script and "textContent" in script
