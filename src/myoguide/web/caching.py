"""Caching of what the server answers: never store a response that may hold health data,
and tell browsers to use HTTPS only once they reached the site over it (pure ASGI)."""

from __future__ import annotations

from .security import ASGIApp, Receive, Scope, Send, adding_headers

PUBLIC_PREFIXES = ("/static/", "/favicon.ico")
"""The files every visitor gets alike; everything else may carry what a person wrote."""
NO_STORE = [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]
HSTS = (b"strict-transport-security", b"max-age=63072000; includeSubDomains")


class PrivateResponses:
    """`Cache-Control: no-store` on every response but the static files, and HSTS on every
    response over HTTPS (the scheme a trusted proxy reports counts: see --trusted-proxy)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [] if scope["path"].startswith(PUBLIC_PREFIXES) else NO_STORE
        if scope.get("scheme") == "https":
            extra = [*extra, HSTS]

        await self.app(scope, receive, adding_headers(send, extra))
