"""Security for every response: strict headers and a cap on request size (pure ASGI)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from typing import Any

from ..i18n import ENGLISH, N_, gettext_for
from .language import request_language

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
MAX_BODY_BYTES = 64 * 1024
TOO_LARGE = N_("The request body is larger than {limit} bytes.")


def adding_headers(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    """`send`, adding to the response each of these headers it does not set itself."""

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {name.lower() for name, _ in message.get("headers", [])}
            added = [(name, value) for name, value in headers if name not in names]
            message["headers"] = [*message.get("headers", []), *added]
        await send(message)

    return send_with_headers


class SecurityHeaders:
    """Adds the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        await self.app(scope, receive, adding_headers(send, HEADERS))


class BodyLimit:
    """Refuses request bodies over the limit with 413, whether declared or streamed, in the
    request's language among `languages` (those the app serves)."""

    def __init__(
        self, app: ASGIApp, limit: int = MAX_BODY_BYTES, languages: Collection[str] = (ENGLISH,)
    ) -> None:
        self.app = app
        self.limit = limit
        self.languages = languages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, headers, send)
            return
        received = 0
        started = False
        refused = False

        async def counting_receive() -> Message:
            # Past the limit the app is told the client left, so it stops reading whatever
            # it does with that (frameworks turn a failed body read into a 400, not a 413).
            nonlocal received, refused
            if received > self.limit:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    if not started:
                        refused = True
                        await self._refuse(scope, headers, send)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except Exception:
            if not refused:
                raise

    async def _refuse(self, scope: Scope, asked: dict[bytes, bytes], send: Send) -> None:
        language = request_language(asked, self.languages)
        fhir = scope["path"].startswith("/fhir/")
        detail = gettext_for(language)(TOO_LARGE).format(limit=self.limit)
        # The FHIR endpoints answer every error as FHIR does: an OperationOutcome.
        issue = {"severity": "error", "code": "too-costly", "diagnostics": detail}
        outcome = {"resourceType": "OperationOutcome", "language": language, "issue": [issue]}
        content: dict[str, Any] = outcome if fhir else {"detail": detail}
        body = json.dumps(content).encode()
        media_type = b"application/fhir+json" if fhir else b"application/json"
        headers = [
            (b"content-type", media_type),
            (b"content-length", str(len(body)).encode()),
            (b"content-language", language.encode()),
            (b"vary", b"Accept-Language"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class HeadAsGet:
    """Answers HEAD as GET without the body: RFC 9110 has every server that answers GET
    answer HEAD, and the framework's routes take GET only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
