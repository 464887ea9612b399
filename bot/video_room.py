"""A fresh video-call room for a session when the mentor has no meeting link of her own."""

from __future__ import annotations

import secrets
import string

ROOM_BASE = "https://meet.jit.si/steminist-"
_ALPHABET = string.ascii_lowercase + string.digits
TOKEN_LENGTH = 16  # about 82 bits: a room nobody can guess


def new_room_link() -> str:
    """A Jitsi Meet room no one else can guess; Jitsi needs no account and works in a browser."""
    token = "".join(secrets.choice(_ALPHABET) for _ in range(TOKEN_LENGTH))
    return ROOM_BASE + token
