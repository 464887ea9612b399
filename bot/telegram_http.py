"""The bot's HTTP client for the Bot API: PTB's request interface over aiohttp instead of httpx.

Every update costs the bot one to three Bot API calls, and PTB's default client (httpx) spends
about twice the CPU of aiohttp's on each (see bench/updates.py). PTB makes the client pluggable
(`BaseRequest`) and its maintainers keep an aiohttp one in ptbcontrib, which is not on PyPI;
aiohttp is already the bot's web server. This class only moves bytes: PTB still encodes the
parameters, reads Telegram's answer and raises its errors (RetryAfter, Forbidden, ...).
"""

from __future__ import annotations

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# PTB's own defaults for its httpx client, in seconds.
READ_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0


# PTB's marker for "the caller did not say" (None means "no limit").
_UNSAID = type(BaseRequest.DEFAULT_NONE)


def _or_default(value: object, default: float | None) -> float | None:
    return default if isinstance(value, _UNSAID) else value  # type: ignore[return-value]


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a pool of keep-alive connections, opened by PTB's initialize()."""

    def __init__(self, connection_pool_size: int = 256, *, read_timeout: float = READ_TIMEOUT) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        # The session belongs to the running loop, so it is made here and not in __init__.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                timeout=aiohttp.ClientTimeout(total=None),
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("this AiohttpRequest is not initialized")
        read = _or_default(read_timeout, self._read_timeout)
        connect = _or_default(connect_timeout, CONNECT_TIMEOUT)
        pool = _or_default(pool_timeout, POOL_TIMEOUT)
        total = None
        data: aiohttp.FormData | dict[str, str] | None = None
        if request_data is not None:
            data = request_data.json_parameters
            if request_data.multipart_data:
                data = aiohttp.FormData(request_data.json_parameters)
                for field, (filename, content, mime_type) in request_data.multipart_data.items():
                    data.add_field(field, content, filename=filename, content_type=mime_type)
                # aiohttp has no write timeout: bound the whole upload instead, as httpx's media timeout does.
                write = _or_default(write_timeout, MEDIA_WRITE_TIMEOUT)
                total = None if write is None or read is None else write + read + (connect or 0)
        timeout = aiohttp.ClientTimeout(
            total=total,
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as error:
            # Never connected, so nothing was sent: a plain network error, safe to try again.
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
