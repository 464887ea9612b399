"""Test helpers: the bot runner, personas (send, press, see, answer), builders (an onboarded mentee,
a matched pair, a minor with a cleared mentor, a mentor with a free hour), opportunities on file, a
broadcast queued, and database reads. Test modules import from here, never from each other.
"""

from tests.support.personas import ADMIN_ID, Persona, Personas
from tests.support.runner import WAIT, BotRunner, start_bot_process

__all__ = ["ADMIN_ID", "WAIT", "BotRunner", "Persona", "Personas", "start_bot_process"]
