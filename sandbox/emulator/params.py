"""Bot API request parameters as Telegram reads them, and the registry of method handlers.

Telegram takes parameters from the query string, a JSON body, a urlencoded form or
multipart form data; in forms every non-string value is JSON text. Params reads each
field with the type the method expects, so handlers never care how it arrived.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox.emulator.checks import as_json, bad_request

if TYPE_CHECKING:
    from sandbox.emulator.users import Users

Handler = Callable[["Users", "Params"], Any]


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes

    def summary(self) -> dict[str, Any]:
        return {"upload": self.filename, "mime_type": self.content_type, "size": len(self.data)}


class Params:
    """One request's parameters, read by type."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def raw(self, name: str) -> Any:
        value = self.values.get(name)
        return None if value == "" else value

    def string(self, name: str) -> str | None:
        value = self.raw(name)
        return None if value is None else str(value)

    def integer(self, name: str, *, empty: str | None = None) -> int | None:
        """An integer field; `empty` is the error detail when it is required and missing."""
        value = self.raw(name)
        if value is None:
            if empty:
                raise bad_request(empty)
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be a valid Number') from None

    def boolean(self, name: str) -> bool:
        value = self.raw(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def decoded(self, name: str) -> Any:
        return as_json(self.raw(name), name)

    def file(self, name: str) -> Upload | str | None:
        """A file field: an upload, or a file_id / URL string; follows attach://name."""
        value = self.raw(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = self.raw(value[len("attach://") :])
        return value

    def summary(self) -> dict[str, Any]:
        """The parameters for the call record: JSON fields decoded, uploads described."""
        out: dict[str, Any] = {}
        for key, value in self.values.items():
            if isinstance(value, Upload):
                out[key] = value.summary()
            elif isinstance(value, str) and value[:1] in ("{", "["):
                try:
                    out[key] = json.loads(value)
                except ValueError:
                    out[key] = value
            else:
                out[key] = value
        return out


class Registry(dict[str, Handler]):
    """Method name -> handler; `@registry("sendMessage")` registers one."""

    def __call__(self, name: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self[name] = handler
            return handler

        return register
