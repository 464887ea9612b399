"""/privacy tells, in her language, what safeguarding keeps: held-back contact details and the mentors' code."""

import pytest

from bot.i18n import translator
from handlers.start import privacy_text


@pytest.mark.parametrize(
    ("language", "held", "code"),
    [
        ("en", "phone number", "safeguarding code"),
        ("ru", "номером телефона", "кодекс безопасности"),
        ("ky", "телефон номери", "коопсуздук кодексин"),
    ],
)
def test_privacy_names_held_back_contacts_and_the_code_of_conduct(language, held, code):
    text = privacy_text(translator(language))
    assert held in text and code in text
    assert "Washington Group" in text or language != "en"
