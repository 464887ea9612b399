"""Personas: Telegram users in the emulator who send, press and see, as a person would."""

from __future__ import annotations

from sandbox.emulator.model import ChatMessage
from sandbox.emulator.server import Emulator
from tests.support.runner import WAIT

ADMIN_ID = 900001
# The first onboarding question's first button, by language button: proof the flow has settled.
ROLE_BUTTON = {
    "Русский": "Ищу ментора",
    "Кыргызча": "Мага ментор керек",
    "English": "I want a mentor",
}  # seconds: generous, since CI shares two cores; waits end as soon as the condition holds


class Persona:
    """One Telegram user in the emulator, with a cursor so she only reads what came after her last action."""

    def __init__(self, emulator: Emulator, user_id: int, name: str) -> None:
        self.emu = emulator
        self.id = user_id
        self.name = name
        self.cursor = emulator.cursor()

    def _mark(self) -> None:
        self.cursor = self.emu.cursor()

    async def send(self, text: str) -> None:
        self._mark()
        self.emu.send_text(self.id, text)

    async def send_sticker(self) -> None:
        self._mark()
        self.emu.send_sticker(self.id)

    async def send_photo(self) -> None:
        self._mark()
        self.emu.send_photo(self.id)

    async def send_document(self, data: bytes, file_name: str) -> None:
        self._mark()
        self.emu.send_document(self.id, data, file_name)

    async def inline(self, query: str) -> dict:
        """She types `@bot query` in some chat; returns the bot's answer (its results and button)."""
        self._mark()
        query_id = self.emu.inline_query(self.id, query)
        return await self.emu.wait_inline_answer(query_id, timeout=WAIT)

    async def press(self, text: str, message_id: int | None = None) -> str | None:
        """Press the inline button with this exact text; return the toast or alert she sees, if any.

        Without a message id, it waits for the bot's answer to her last action to offer the
        button (as a person would), so a test never presses a button before it exists.
        """
        if message_id is None:
            message_id = (await self.sees_buttons(text)).message_id
        self._mark()
        query_id = self.emu.press_button(self.id, text, message_id)
        answer = await self.emu.wait_callback_answer(query_id, timeout=WAIT)
        return answer.get("text") if answer else None

    async def presses(self, *labels: str) -> None:
        """Press these buttons one after another, each once the bot offers it."""
        for label in labels:
            await self.press(label)

    async def press_then_see(self, label: str, *fragments: str) -> ChatMessage:
        """Press the button `label`, then wait for a message with every fragment: what it led to."""
        await self.press(label)
        return await self.sees(*fragments)

    async def send_then_see(self, text: str, *fragments: str) -> ChatMessage:
        """Send `text` (a command or a message), then wait for a message with every fragment."""
        await self.send(text)
        return await self.sees(*fragments)

    async def answer(self, question: str, text: str) -> None:
        """Wait until the bot asks `question` (a fragment of it), then type her answer."""
        await self.sees(question)
        await self.send(text)

    async def press_data(self, message_id: int, callback_data: str) -> str | None:
        """Press a button with data of our choosing (a forged or stale button)."""
        self._mark()
        query_id = self.emu.press(self.id, message_id, callback_data)
        answer = await self.emu.wait_callback_answer(query_id, timeout=WAIT)
        return answer.get("text") if answer else None

    def _shown_since_cursor(self) -> list[ChatMessage]:
        ids = []
        for event in self.emu.events_after(self.cursor, self.id):
            if event.kind in ("bot_message", "bot_edit") and event.message_id not in ids:
                ids.append(event.message_id)
        return [m for m in (self.emu.message(self.id, i) for i in ids) if m is not None and not m.deleted]

    async def reply(self, timeout: float = WAIT) -> ChatMessage:
        """The first message the bot sent or edited since her last action."""
        found = await self.emu.wait_for(lambda: self._shown_since_cursor(), timeout, chat_id=self.id)
        return found[0]

    async def replies(self, count: int, timeout: float = WAIT) -> list[ChatMessage]:
        found = await self.emu.wait_for(
            lambda: (shown := self._shown_since_cursor()) and len(shown) >= count and shown,
            timeout,
            chat_id=self.id,
        )
        return found[:count]

    async def sees(self, *fragments: str, timeout: float = WAIT) -> ChatMessage:
        """Wait until a message sent or edited since her last action contains every fragment."""

        def match() -> ChatMessage | None:
            for message in self._shown_since_cursor():
                body = message.text or message.caption or ""
                if all(f in body for f in fragments):
                    return message
            return None

        return await self.emu.wait_for(match, timeout, chat_id=self.id)

    async def sees_buttons(self, *labels: str, timeout: float = WAIT) -> ChatMessage:
        """Wait until a message sent or edited since her last action offers every one of these buttons."""

        def match() -> ChatMessage | None:
            for message in self._shown_since_cursor():
                shown = {button["text"] for row in message.keyboard for button in row}
                if all(label in shown for label in labels):
                    return message
            return None

        return await self.emu.wait_for(match, timeout, chat_id=self.id)

    async def start_in(self, language_button: str) -> ChatMessage:
        """First contact: /start, pick the language, and wait for the first onboarding question."""
        await self.send("/start")
        await self.sees_buttons(language_button)
        await self.press(language_button)
        return await self.sees_buttons(ROLE_BUTTON[language_button])

    def last(self) -> ChatMessage:
        messages = self.emu.bot_messages(self.id)
        assert messages, f"the bot has sent {self.name} nothing"
        return messages[-1]

    def buttons(self, message: ChatMessage | None = None) -> list[str]:
        message = message or self.last()
        return [button["text"] for row in message.keyboard for button in row]


class Personas:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    def new(self, name: str = "Aida", language_code: str | None = "ru", *, user_id: int | None = None) -> Persona:
        user_id = self.emu.add_user(user_id=user_id, first_name=name, language_code=language_code)
        return Persona(self.emu, user_id, name)
