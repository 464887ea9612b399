"""The sandbox page in a real headless Chromium at a phone's size, driven by Playwright.

The browser is Debian's chromium (Playwright's own browser download is not used). A
session fixture installs it with apt-get when it is missing and we are root; without a
browser or without the `playwright` package these tests are skipped, saying why.
Screenshots of each step go to test-artifacts/sandbox/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

pytest.importorskip(
    "playwright.async_api",
    reason="the browser tests need Playwright's Python package: pip install -e '.[test]'",
)

from playwright.async_api import Page, async_playwright, expect
from telegram import ReplyKeyboardMarkup

from sandbox import ADMIN, AIDA, Sandbox
from sandbox.emulator.users import TINY_PNG

ROOT = Path(__file__).parents[2]
SHOTS = ROOT / "test-artifacts" / "sandbox"
CHROMIUM = Path("/usr/bin/chromium")
APT_TIMEOUT = 300  # seconds
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
WAIT = 10_000  # ms, for Playwright's expect


def _find_browser() -> str | None:
    wanted = os.environ.get("SANDBOX_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    if CHROMIUM.exists():
        return str(CHROMIUM)
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed here when missing (root with apt-get only)."""
    found = _find_browser()
    if found:
        return found
    if os.environ.get("SANDBOX_CHROMIUM"):
        pytest.skip(f"SANDBOX_CHROMIUM={os.environ['SANDBOX_CHROMIUM']} does not exist")
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip("no Chromium at /usr/bin/chromium; install it (apt-get install chromium)")
    # The emoji font only makes screenshots truer; its absence must not stop the tests.
    install = "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq"
    script = f"apt-get update -qq && {install} chromium && ({install} fonts-noto-color-emoji || true)"
    try:
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=APT_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.skip(f"installing chromium with apt-get took over {APT_TIMEOUT} s")
    found = _find_browser()
    if result.returncode != 0 or not found:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        pytest.skip(f"could not install chromium with apt-get: {' / '.join(tail)}")
    return found


def _sandbox(tmp_path, *, seed=False) -> Sandbox:
    return Sandbox(
        port=0, database_path=tmp_path / "sandbox.sqlite3", environ={}, env_file=None, poll_timeout=1, seed=seed
    )


@asynccontextmanager
async def _phone_tab(chromium, url, *, no_script_errors):
    """The page at `url` in a phone-sized Chromium tab, once it shows its personas."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            tab = await browser.new_page(viewport=PHONE, device_scale_factor=1)
            errors: list[str] = []
            tab.on("pageerror", lambda error: errors.append(str(error)))
            await tab.goto(url)
            await expect(tab.locator(".persona").first).to_be_visible(timeout=WAIT)
            yield tab
            if no_script_errors:
                assert not errors, f"JavaScript errors on the page: {errors}"
        finally:
            await browser.close()


@pytest.fixture
async def sandbox(tmp_path, request):
    """A sandbox on its own database; `"seeded"` (indirect parameter) starts it with the demo people."""
    async with _sandbox(tmp_path, seed=getattr(request, "param", None) == "seeded") as sb:
        yield sb


@pytest.fixture
async def page(chromium, sandbox):
    # The seeded walk-through has always tolerated script errors; the others must have none.
    async with _phone_tab(chromium, sandbox.url, no_script_errors=not sandbox.seed) as tab:
        yield tab


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=SHOTS / f"{name}.png", animations="disabled")


def persona(page: Page, user_id: int):
    return page.locator(f'.persona[data-id="{user_id}"]')


def bubble(page: Page, text: str):
    return page.locator(".msg", has_text=text)


async def test_aida_starts_in_russian_answers_a_question_and_the_admin_has_her_own_chat(page, sandbox):
    await persona(page, AIDA.user_id).click()
    await expect(persona(page, AIDA.user_id)).to_have_attribute("aria-current", "true")
    await expect(page.locator("#me .me-name")).to_have_text("Aida")
    await shot(page, "01-personas")

    await page.locator("#text").fill("/start")
    await page.locator("#text").press("Enter")
    await expect(page.locator(".msg.out", has_text="/start")).to_be_visible(timeout=WAIT)
    russian = page.get_by_role("button", name="Русский", exact=True)
    await expect(russian).to_be_visible(timeout=WAIT)
    await expect(page.locator(".ikb-btn").first).to_have_text("Русский")  # hers first
    await shot(page, "02-language-question")

    await russian.click()
    await expect(page.get_by_text("Здравствуйте, Aida!", exact=False)).to_be_visible(timeout=WAIT)
    role = page.get_by_role("button", name="Ищу ментора", exact=True)
    await expect(role).to_be_visible(timeout=WAIT)
    await shot(page, "03-greeting")

    # The role question is answered by editing it into the next question, in place.
    question = page.locator(".msg", has=role)
    message_id = await question.get_attribute("data-id")
    stale = sandbox.emulator.find_button(AIDA.user_id, "Ищу ментора").find_button("Ищу ментора")
    count = await page.locator(".msg").count()
    await role.click()
    same = page.locator(f'.msg[data-id="{message_id}"]')
    await expect(same.get_by_role("button", name="Даю согласие")).to_be_visible(timeout=WAIT)
    await expect(role).to_have_count(0)
    await expect(same.locator(".meta")).to_contain_text("edited")
    assert await page.locator(".msg").count() == count
    await shot(page, "04-next-question-edited-in-place")

    # The admin's chat is her own: none of Aida's messages, and her own /start in English.
    await persona(page, ADMIN.user_id).click()
    await expect(page.locator(".empty")).to_be_visible(timeout=WAIT)
    await expect(page.get_by_text("Здравствуйте, Aida!", exact=False)).to_have_count(0)
    await page.locator("#text").fill("/start")
    await page.locator("#send-btn").click()
    await expect(page.locator(".ikb-btn").first).to_have_text("English", timeout=WAIT)
    await page.get_by_role("button", name="English", exact=True).click()
    await expect(page.get_by_text("Hello, Admin!", exact=False)).to_be_visible(timeout=WAIT)
    await shot(page, "05-admin-own-chat")

    # Back to Aida: her chat is where she left it.
    await persona(page, AIDA.user_id).click()
    await expect(page.get_by_role("button", name="Даю согласие")).to_be_visible(timeout=WAIT)

    # A press on a question already answered: the bot's answer shows as a toast.
    query = sandbox.emulator.press(AIDA.user_id, int(message_id), stale["callback_data"])
    await expect(page.locator("#toast")).to_be_visible(timeout=WAIT)
    answer = await sandbox.emulator.wait_callback_answer(query)
    assert answer["text"] and not answer["show_alert"]
    await expect(page.locator("#toast")).to_have_text(answer["text"])
    await shot(page, "06-toast")


async def test_the_page_draws_what_the_bot_sends(page, sandbox):
    """Formatting, a photo, a document, a reply keyboard, a deletion, a toast and an alert."""
    bot = sandbox.app.bot
    await persona(page, AIDA.user_id).click()
    await bot.send_message(
        AIDA.user_id,
        # An emoji first: entity offsets count UTF-16 units, as JavaScript strings do.
        "🌸 <b>Жирный <i>и курсив</i></b> <i>курсив</i> <a href='https://example.org/x'>ссылка</a> "
        "<tg-spoiler>секрет</tg-spoiler> <code>/code</code> и команда /help",
    )
    formatted = bubble(page, "Жирный")
    await expect(formatted.locator("b")).to_have_text("Жирный и курсив", timeout=WAIT)
    await expect(formatted.locator("b > i")).to_have_text("и курсив")
    await expect(formatted.locator(".text > i")).to_have_text("курсив")
    await expect(formatted.locator("a")).to_have_attribute("href", "https://example.org/x")
    await expect(formatted.locator(".spoiler")).to_have_text("секрет")
    await expect(formatted.locator("code")).to_have_text("/code")
    await expect(formatted.locator(".cmd")).to_have_text("/help")

    # Markup in text the bot sends without a parse mode stays text.
    await bot.send_message(AIDA.user_id, "<script>window.hacked = 1</script><b>x</b>", parse_mode=None)
    raw = bubble(page, "window.hacked")
    await expect(raw.locator(".text")).to_contain_text("<script>window.hacked = 1</script><b>x</b>")
    assert await raw.locator("script, b").count() == 0
    assert await page.evaluate("window.hacked") is None

    await bot.send_photo(AIDA.user_id, TINY_PNG, caption="Фото")
    photo = bubble(page, "Фото").locator("img.photo")
    await expect(photo).to_be_visible(timeout=WAIT)
    assert await photo.evaluate("img => img.complete && img.naturalWidth > 0")

    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    await bot.send_document(AIDA.user_id, ics, filename="session.ics")
    link = page.locator("a.doc", has_text="session.ics")
    await expect(link).to_have_attribute("download", "session.ics", timeout=WAIT)
    download = await page.request.get(sandbox.emulator.base_url + await link.get_attribute("href"))
    assert await download.body() == ics

    await bot.send_message(AIDA.user_id, "Выберите:", reply_markup=ReplyKeyboardMarkup([["Один", "Два"]]))
    await page.locator(".rkb-btn", has_text="Два").click(timeout=WAIT)
    await expect(page.locator(".msg.out", has_text="Два")).to_be_visible(timeout=WAIT)

    doomed = await bot.send_message(AIDA.user_id, "Это сообщение исчезнет")
    await expect(bubble(page, "Это сообщение исчезнет")).to_be_visible(timeout=WAIT)
    await shot(page, "07-formatting-files-keyboards")
    await bot.delete_message(AIDA.user_id, doomed.message_id)
    await expect(bubble(page, "Это сообщение исчезнет")).to_have_count(0, timeout=WAIT)

    # The bot's answers to presses: a toast, and an alert as a dialog.
    emu = sandbox.emulator
    target = emu.bot_messages(AIDA.user_id)[-1].message_id
    query = emu.press(AIDA.user_id, target, "v1:lang:set:xx")  # a stale, forged button
    await expect(page.locator("#alert")).to_be_visible(timeout=WAIT)
    answer = emu.callback_answer(query)
    await expect(page.locator("#alert-text")).to_have_text(answer["text"])
    await shot(page, "08-alert")
    await page.locator("#alert button").click()
    await expect(page.locator("#alert")).to_be_hidden()


async def test_her_text_is_shown_as_typed_and_the_clock_and_new_personas_work(page, sandbox):
    await persona(page, AIDA.user_id).click()
    typed = '<img src=x onerror="window.hacked=1"> & <b>not bold</b>'
    await page.locator("#text").fill(typed)
    await page.locator("#text").press("Enter")
    mine = page.locator(".msg.out .text", has_text="not bold")
    await expect(mine).to_contain_text(typed, timeout=WAIT)
    assert await page.locator(".msg.out img, .msg.out b").count() == 0
    assert await page.evaluate("window.hacked") is None

    await page.locator("#sticker-btn").click()
    await page.get_by_role("button", name="Sticker 🌸").click()
    await expect(page.locator(".msg.out.sticker-msg .sticker")).to_have_text("🌸", timeout=WAIT)

    # On a phone the clock and the new-persona form open from the top bar.
    before = sandbox.clock.now()
    await page.locator("#tools-toggle").click()
    await page.get_by_role("button", name="+1 day").click()
    await expect(page.locator("#clock-ahead")).to_contain_text("24", timeout=WAIT)
    assert (sandbox.clock.now() - before).total_seconds() >= 24 * 3600
    await shot(page, "09-clock")

    await page.locator("#add-name").fill("Saltanat")
    await page.locator("#add-lang").select_option("ky")
    await page.get_by_role("button", name="Add", exact=True).click()
    await expect(page.locator(".persona", has_text="Saltanat")).to_have_attribute("aria-current", "true", timeout=WAIT)
    await page.locator("#text").fill("/start")
    await page.locator("#text").press("Enter")
    await expect(page.locator(".ikb-btn").first).to_have_text("Кыргызча", timeout=WAIT)
    await shot(page, "10-new-persona")

    await page.set_viewport_size({"width": 1280, "height": 800})
    await expect(page.locator(".side-head")).to_be_visible()
    await shot(page, "11-wide-screen")


async def click(page: Page, label: str) -> None:
    """Press the newest inline button with exactly this label, as she would."""
    button = page.get_by_role("button", name=label, exact=True).last
    await expect(button).to_be_visible(timeout=WAIT)
    await button.click()


async def type_in(page: Page, text: str) -> None:
    await page.locator("#text").fill(text)
    await page.locator("#text").press("Enter")


@pytest.mark.parametrize("sandbox", ["seeded"], indirect=True)
async def test_a_mentee_onboards_reads_a_story_and_requests_a_mentor_then_the_admin_broadcasts(page, sandbox):
    emu = sandbox.emulator
    await persona(page, AIDA.user_id).click()
    await type_in(page, "/start")
    await click(page, "English")
    for label in ("I want a mentor", "I agree", "18 or older"):
        await click(page, label)
    await expect(page.get_by_text("What should I call you?", exact=False)).to_be_visible(timeout=WAIT)
    await type_in(page, "Aida")
    for label in (
        "Bishkek",
        "At university",
        "Software and IT",
        "Done ✔️",
        "Finding a first job or internship",
        "Done ✔️",
        "Russian",
        "English",
        "Done ✔️",
        "Weekday evenings",
        "Done ✔️",
        "Online",
        "✅ Confirm",
    ):
        await click(page, label)
    await expect(page.get_by_text("Your profile is ready!", exact=False)).to_be_visible(timeout=WAIT)
    await shot(page, "12-onboarded")

    await type_in(page, "/story")
    await expect(page.locator("img.photo").last).to_be_visible(timeout=WAIT)
    await expect(page.get_by_role("button", name="📖 Another story", exact=True)).to_be_visible()
    await shot(page, "13-picture-card")

    await type_in(page, "/mentors")
    await click(page, "📨 Request")
    await click(page, "📨 Send without a note")

    def request_card():
        for uid in range(800001, 800007):
            for message in emu.bot_messages(uid):
                for row in message.keyboard:
                    if any(b.get("callback_data", "").startswith("v1:req:acc:") for b in row):
                        return message
        return None

    card = await emu.wait_for(request_card)
    accept = next(b["text"] for row in card.keyboard for b in row if b["callback_data"].startswith("v1:req:acc:"))
    await persona(page, card.chat_id).click()
    await expect(page.get_by_role("button", name=accept, exact=True)).to_be_visible(timeout=WAIT)
    await expect(page.get_by_text("Aida", exact=False).first).to_be_visible()
    await shot(page, "14-mentor-receives-the-request")

    await persona(page, ADMIN.user_id).click()
    await type_in(page, "/start")
    await click(page, "English")
    await type_in(page, "/broadcast")
    await click(page, "✍️ A message")
    for text in ("Саламатсызбы!", "Здравствуйте!", "Hello from the programme!"):
        await expect(page.get_by_text("Send the message in", exact=False).last).to_be_visible(timeout=WAIT)
        await type_in(page, text)
    await click(page, "Everyone")
    await click(page, "✅ Send")
    await expect(page.get_by_text("finished", exact=False).last).to_be_visible(timeout=WAIT)
    await shot(page, "15-admin-broadcast")
    for user_id, text in (
        (AIDA.user_id, "Hello from the programme!"),
        (ADMIN.user_id, "Hello from the programme!"),
    ):
        await persona(page, user_id).click()
        await expect(bubble(page, text).last).to_be_visible(timeout=WAIT)
    await shot(page, "16-everyone-sees-it")
