"""The pages' language: chosen by a visible switch (a plain link, `?lang=es`, that works
without JavaScript and is remembered in a cookie holding nothing but the language), else by
the browser's `Accept-Language`; and the page templates, which speak the language a page
is rendered in through Jinja2's i18n extension."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request, Response
from fastapi.templating import Jinja2Templates
from starlette.requests import HTTPConnection

from ..i18n import (
    ENGLISH,
    format_date,
    format_number,
    from_accept_language,
    languages,
    translations,
)
from .sessions import DEV_PREFIX, backend

__all__ = [
    "LANGUAGE_COOKIE",
    "LANGUAGE_NAMES",
    "PageTemplates",
    "format_moment",
    "page_language",
    "remember_language",
    "request_language",
]

LANGUAGE_COOKIE = "__Host-myoguide_lang"
"""Holds only a language code; `__Host-` (this site, every path, HTTPS) when cookies are Secure."""
LANGUAGE_QUERY = "lang"


def _own_name(code: str) -> str:
    """A language in its own words, as Babel's CLDR data has it: "English", "Español"."""
    from babel import Locale

    name = str(Locale.parse(code).get_display_name(code) or code)
    return name[:1].upper() + name[1:]


LANGUAGE_NAMES = {code: _own_name(code) for code in languages()}
"""Each language in its own words, as the switch shows it."""
_COOKIE_LIFETIME = 365 * 24 * 3600

_rendering: ContextVar[str] = ContextVar("page_language", default=ENGLISH)
"""The language of the template being rendered (set only while one renders)."""


def _cookie_name(request: Request) -> str:
    # Without `__Host-` where cookies are not Secure (plain-HTTP development), as the session's.
    secure = backend(request).secure_cookies
    return LANGUAGE_COOKIE if secure else LANGUAGE_COOKIE.removeprefix(DEV_PREFIX)


def _asked(request: Request) -> str | None:
    """The language the switch asked for on this request (`?lang=`), if it is a real one."""
    value = request.query_params.get(LANGUAGE_QUERY, "").strip().lower()
    return value or None


def request_language(
    asked: HTTPConnection | dict[bytes, bytes] | str | None,
    available: Collection[str],
) -> str:
    """The language to answer a request in: the one its `Accept-Language` prefers among
    `available` (the languages served, in order), else the first of them (English, unless
    the app serves a knowledge base in another language). `asked` is the request, an ASGI
    scope's headers (as a dict of bytes), or the header's value."""
    header: str | bytes | None
    if isinstance(asked, HTTPConnection):
        header = asked.headers.get("accept-language")
    elif isinstance(asked, dict):
        header = asked.get(b"accept-language")
    else:
        header = asked
    if isinstance(header, bytes):
        header = header.decode("latin-1")  # HTTP's headers are Latin-1
    language = from_accept_language(header)
    return language if language in available else next(iter(available))


def page_language(request: Request, available: Collection[str]) -> str:
    """The language to show a page in: the switch's (`?lang=`), then the one the cookie
    remembers, then the browser's `Accept-Language` (as `request_language`)."""
    for chosen in (_asked(request), request.cookies.get(_cookie_name(request))):
        if chosen is not None and chosen in available:
            return chosen
    return request_language(request, available)


def remember_language(request: Request, response: Response, language: str) -> None:
    """Headers for a page in `language`: `Content-Language`, `Vary` (the same address reads
    differently by header and cookie), and the cookie when the switch was just used."""
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language, Cookie"
    if _asked(request) == language:
        secure = backend(request).secure_cookies
        response.set_cookie(
            _cookie_name(request),
            language,
            max_age=_COOKIE_LIFETIME,
            secure=secure,
            httponly=True,
            samesite="lax",
            path="/",
        )


def format_moment(moment: dt.datetime | dt.date, language: str, *, clock: bool = True) -> str:
    """A day (and its time) as a list of entries shows it: "Fri 20 Nov 2026, 08:30",
    "vie 20 nov 2026, 08:30"."""
    if language == ENGLISH:
        return moment.strftime("%a %d %b %Y, %H:%M" if clock else "%a %d %b %Y")
    from babel.dates import format_date, format_datetime

    if clock and isinstance(moment, dt.datetime):
        return str(format_datetime(moment, "EEE d MMM y, HH:mm", locale=language))
    return str(format_date(moment, "EEE d MMM y", locale=language))


def _gettext(message: str) -> str:
    return translations(_rendering.get()).gettext(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return translations(_rendering.get()).ngettext(singular, plural, count)


class PageTemplates(Jinja2Templates):
    """The page templates: one environment whose `{% trans %}` and `_()` speak the language
    of the page being rendered, given as the context's `language` (English when a caller
    gives none)."""

    def __init__(self, directory: Path) -> None:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(directory),
            autoescape=True,
            extensions=["jinja2.ext.i18n"],
        )
        # As babel.cfg extracts them: whitespace in a `{% trans %}` block folds to one space.
        env.policies["ext.i18n.trimmed"] = True
        # newstyle: `{% trans %}` and `_()` autoescape and take named placeholders.
        env.install_gettext_callables(  # type: ignore[attr-defined]
            _gettext, _ngettext, newstyle=True
        )
        env.globals["language"] = ENGLISH
        env.globals["language_names"] = LANGUAGE_NAMES
        env.globals.update(
            format_date=format_date, format_moment=format_moment, format_number=format_number
        )
        super().__init__(env=env)

    @contextmanager
    def speaking(self, language: str) -> Iterator[None]:
        """Render in `language` inside this block (Starlette renders as the response is made)."""
        token = _rendering.set(language)
        try:
            yield
        finally:
            _rendering.reset(token)

    def TemplateResponse(self, *args: Any, **kwargs: Any) -> Any:
        context = kwargs.get("context") or (args[2] if len(args) > 2 else {})
        with self.speaking(str(context.get("language", ENGLISH))):
            return super().TemplateResponse(*args, **kwargs)
