"""The last resort for an error no handler took: an answer like any other, not a reset.

Starlette's own last resort sits outside every middleware: its plain-text 500 carries none of
the security headers, and it raises the error again, so the server closes the connection.
This one sits inside the stack (pure ASGI), answers once, and keeps the connection open.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from .security import ASGIApp, Message, Receive, Scope, Send

Handler = Callable[[Request, Exception], Awaitable[Response]]
logger = logging.getLogger("myoguide.web")


class UnexpectedErrors:
    """Answers an exception that escaped every handler with `handler`'s response."""

    def __init__(self, app: ASGIApp, handler: Handler) -> None:
        self.app = app
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if started:
                raise  # half an answer has gone: only closing the connection can end it
            logger.error("%s %s failed: %s", scope["method"], scope["path"], _where(error))
            response = await self.handler(Request(scope, receive), error)
            await response(scope, receive, send)


def _where(error: BaseException) -> str:
    """The error's class and the line that raised it, on one line. Never its message: a
    database error quotes the values of its query, which may be what a person wrote."""
    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__module__}.{type(error).__qualname__}{place}"
