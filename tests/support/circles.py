"""Circle steps the e2e tests share: form the waiting mentees' circles at once, write to her circle."""

from bot.circles import forming
from bot.circles.store import CircleStore
from tests.support.personas import ADMIN_ID

SENT = "Sent to the circle ✓"


async def form_circles(runner) -> None:
    """The admin's grouping, previewed and confirmed (everyone is told)."""
    store = CircleStore(runner.services.db)
    formed = await forming.form(store, ADMIN_ID, runner.clock.now())
    await forming.confirm(store, formed.batch, ADMIN_ID, runner.clock.now())


async def write(persona, text: str, *, answer: str | None = SENT) -> None:
    """She writes to her circle from /circle; `answer` is what she then sees (None: not waited for)."""
    await persona.send("/circle")
    await persona.press("✍️ Write to the circle")
    await persona.sees("Type your message for the circle")
    await persona.send(text)
    if answer:
        await persona.sees(answer)
