"""The diary's HTML pages: accounts, quick-add, the list, days, triggers and the account.

Every page works without JavaScript. Every form carries a CSRF token that every POST checks,
and every query goes through the signed-in person's own `Diary`, so another person's entry
is simply not found.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from ...diary.accounts import AccountError, LoginFailed, LoginSession, TooManyAttempts
from ...diary.models import BUILT_IN_FACTORS, Day, DiaryKind, Episode, text_problem
from ...diary.safety import SIGN_NAMES, EpisodeTriage, episode_triage
from ...diary.store import Diary
from ...engine import Engine
from ...i18n import N_, format_date, gettext_for
from ..language import page_language
from ..pages import knowledge_context, render
from ..sessions import (
    CSRF_FIELD,
    ServerBusy,
    backend,
    change_password,
    check_csrf,
    clear_session_cookie,
    confirm_password,
    form_token,
    log_in,
    posted_form_token,
    register,
    require_login,
    session_token,
    set_form_cookie,
    set_session_cookie,
)
from .forms import (
    QUICK_REGIONS,
    Form,
    episode_values,
    first,
    form_values,
    read_day,
    read_episode,
    zone_of,
)

if TYPE_CHECKING:
    from ...diary.analysis import TriggerFinding

PAGE_SIZE = 50
Login = Annotated[LoginSession, Depends(require_login)]


async def posted(request: Request) -> Form:
    form: FormData = await request.form()
    return {key: [str(value) for value in form.getlist(key)] for key in form}


Posted = Annotated[Form, Depends(posted)]


def build_diary_pages(engines: Mapping[str, Engine], templates: Jinja2Templates) -> APIRouter:
    """The diary's pages, each in the reader's language (one engine per language)."""
    router = APIRouter(prefix="/diary", include_in_schema=False)
    templates.env.globals.update(quick_regions=QUICK_REGIONS, csrf_field=CSRF_FIELD)
    # What each page shows in its language: the knowledge, places' and warning signs' names.
    contexts: dict[str, dict[str, Any]] = {}
    for code, found in engines.items():
        _ = gettext_for(code)
        contexts[code] = {
            **knowledge_context(found.knowledge),
            "region_names": {region.id: region.name for region in found.knowledge.regions},
            "warning_sign_names": {sign: _(name) for sign, name in SIGN_NAMES.items()},
        }

    def language(request: Request) -> str:
        return page_language(request, engines)

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A diary page in the reader's language: its title, and the problems and notices
        it shows (the catalogue's sentences), translated here."""
        code = language(request)
        _ = gettext_for(code)
        context["title"] = _(context.get("title", "myoguide"))
        for name in ("problem", "notice"):
            if context.get(name):
                context[name] = _(context[name])
        if context.get("problems"):
            context["problems"] = {k: _(v) for k, v in context["problems"].items()}
        return render(templates, request, f"diary/{template}", status, **contexts[code], **context)

    def told(request: Request, error: Exception) -> str:
        """Why an account was refused, in the reader's language."""
        if isinstance(error, AccountError):
            return error.said.translated(gettext_for(language(request)))
        return str(error)  # a fixed sentence of the catalogue, translated by `page`

    def diary_of(request: Request, login: LoginSession) -> Diary:
        return backend(request).diary(login.account)

    def redirect(path: str) -> RedirectResponse:
        return RedirectResponse(path, status_code=303)

    def checked(form: Form, login: LoginSession) -> None:
        check_csrf(first(form, CSRF_FIELD), login.csrf_token)

    def triage_of(request: Request, book: Diary, episode_id: str | None) -> EpisodeTriage | None:
        """The triage of a just-saved episode (named in the query), when it needs one."""
        number = _episode_number(episode_id)
        found = book.episode(number) if number is not None else None
        return episode_triage(found, engines[language(request)]) if found else None

    # Accounts

    def account_form(
        request: Request, mode: str, status: int = 200, problem: str = "", name: str = ""
    ) -> HTMLResponse:
        token = form_token(request)
        title = N_("Create your diary") if mode == "register" else N_("Log in to your diary")
        response = page(
            request,
            "account_form.html",
            status,
            title=title,
            mode=mode,
            token=token,
            problem=problem,
            name=name,
        )
        set_form_cookie(response, request, token)
        return response

    def anonymous_checked(request: Request, form: Form) -> None:
        check_csrf(first(form, CSRF_FIELD), posted_form_token(request) or "\0missing")

    def signed_in(request: Request, token: str) -> RedirectResponse:
        response = redirect("/diary")
        set_session_cookie(response, request, token)
        return response

    def refused(response: HTMLResponse, error: TooManyAttempts | ServerBusy) -> HTMLResponse:
        response.headers["Retry-After"] = str(error.retry_after_s)
        return response

    @router.get("/register", response_class=HTMLResponse)
    def register_form(request: Request) -> HTMLResponse:
        return account_form(request, "register")

    @router.post("/register", response_class=HTMLResponse)
    async def register_page(request: Request, form: Posted) -> Response:
        anonymous_checked(request, form)
        name = first(form, "name")
        try:
            token, _ = await register(request, name, first(form, "password"))
        except TooManyAttempts as error:
            told_why = told(request, error)
            return refused(account_form(request, "register", 429, told_why, name), error)
        except ServerBusy as error:
            return refused(account_form(request, "register", 503, str(error), name), error)
        except AccountError as error:
            return account_form(request, "register", 422, told(request, error), name)
        return signed_in(request, token)

    @router.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return account_form(request, "login")

    @router.post("/login", response_class=HTMLResponse)
    async def login(request: Request, form: Posted) -> Response:
        anonymous_checked(request, form)
        name = first(form, "name")
        problem = text_problem(name)
        if problem:
            _ = gettext_for(language(request))
            message = _(N_("The user name {problem}.")).format(problem=_(problem))
            return account_form(request, "login", 422, message)
        try:
            token, _ = await log_in(request, name, first(form, "password"))
        except TooManyAttempts as error:
            return refused(account_form(request, "login", 429, told(request, error), name), error)
        except ServerBusy as error:
            return refused(account_form(request, "login", 503, str(error), name), error)
        except AccountError as error:
            return account_form(request, "login", 401, told(request, error), name)
        return signed_in(request, token)

    @router.post("/logout")
    def logout(request: Request, login: Login, form: Posted) -> Response:
        checked(form, login)
        backend(request).accounts.end_session(session_token(request) or "")
        response = redirect("/diary/login")
        clear_session_cookie(response, request)
        return response

    # The diary

    def home_page(
        request: Request,
        login: LoginSession,
        status: int = 200,
        problems: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        which: str = "",
    ) -> HTMLResponse:
        book = diary_of(request, login)
        recent = book.episodes(limit=10, newest_first=True)
        zone = _zone_guess(recent)
        today = dt.datetime.now(zone).date()
        return page(
            request,
            "home.html",
            status,
            title=N_("Your diary"),
            login=login,
            recent=recent,
            today=today,
            today_logged=book.day(today),
            offset_min=_offset_minutes(zone),
            problems=problems or {},
            values=values or {"kind": "twitch", "intensity": "3", "regions": []},
            which=which,
            saved=request.query_params.get("saved", ""),
            triage=triage_of(request, book, request.query_params.get("episode")),
        )

    @router.get("", response_class=HTMLResponse)
    def home(request: Request, login: Login) -> HTMLResponse:
        return home_page(request, login)

    @router.post("/episodes", response_class=HTMLResponse)
    def add_episode(request: Request, login: Login, form: Posted) -> Response:
        checked(form, login)
        book = diary_of(request, login)
        zone = zone_of(form, _zone_guess(book.episodes(limit=1, newest_first=True)))
        episode, problems = read_episode(form, zone, language(request))
        if episode is None:
            return home_page(request, login, 422, problems, form_values(form), "episode")
        saved = book.add_episode(episode)
        # The page after shows the check's advice when this episode needs it.
        return redirect(f"/diary?saved=episode&episode={saved.id}")

    @router.post("/days", response_class=HTMLResponse)
    def add_day(request: Request, login: Login, form: Posted) -> Response:
        checked(form, login)
        date = _date(first(form, "date")) or dt.date.today()
        day, problems = read_day(form, date, full=False, language=language(request))
        if day is None:
            return home_page(request, login, 422, problems, form_values(form), "day")
        diary_of(request, login).set_day(day)
        return redirect("/diary?saved=day")

    @router.get("/episodes", response_class=HTMLResponse)
    def episode_list(
        request: Request, login: Login, page_number: Annotated[int, Query(alias="page")] = 1
    ) -> HTMLResponse:
        book = diary_of(request, login)
        total = book.count_episodes()
        pages = max(1, -(-total // PAGE_SIZE))
        # Past the last page (a link kept from before a delete, or any number typed): the last.
        page_number = min(max(1, page_number), pages)
        episodes = book.episodes(
            limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE, newest_first=True
        )
        return page(
            request,
            "episodes.html",
            title=N_("Your episodes"),
            login=login,
            episodes=episodes,
            total=total,
            page_number=page_number,
            pages=pages,
            days=book.days(),
            deleted=request.query_params.get("deleted") == "1",
            changed=request.query_params.get("changed", ""),
            triage=triage_of(request, book, request.query_params.get("changed")),
        )

    def own_episode(request: Request, login: LoginSession, episode_id: int) -> Episode:
        found = diary_of(request, login).episode(episode_id)
        if found is None:
            raise HTTPException(404, N_("There is no such episode in your diary."))
        return found

    def edit_page(
        request: Request,
        login: LoginSession,
        episode: Episode,
        values: dict[str, Any],
        problems: dict[str, str] | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        return page(
            request,
            "edit_episode.html",
            status,
            title=N_("Change an episode"),
            login=login,
            episode=episode,
            values=values,
            problems=problems or {},
        )

    @router.get("/episodes/{episode_id}/edit", response_class=HTMLResponse)
    def edit_episode_form(request: Request, login: Login, episode_id: int) -> HTMLResponse:
        episode = own_episode(request, login, episode_id)
        return edit_page(request, login, episode, episode_values(episode))

    @router.post("/episodes/{episode_id}/edit", response_class=HTMLResponse)
    def edit_episode(request: Request, login: Login, episode_id: int, form: Posted) -> Response:
        checked(form, login)
        episode = own_episode(request, login, episode_id)
        zone = zone_of(form, episode.at.tzinfo or dt.UTC)
        changed, problems = read_episode(form, zone, language(request))
        if changed is None:
            return edit_page(request, login, episode, form_values(form), problems, 422)
        diary_of(request, login).update_episode(episode_id, changed)
        return redirect(f"/diary/episodes?changed={episode_id}")

    @router.get("/episodes/{episode_id}/delete", response_class=HTMLResponse)
    def delete_episode_form(request: Request, login: Login, episode_id: int) -> HTMLResponse:
        episode = own_episode(request, login, episode_id)
        return page(
            request,
            "delete_episode.html",
            title=N_("Delete an episode"),
            login=login,
            episode=episode,
        )

    @router.post("/episodes/{episode_id}/delete")
    def delete_episode(request: Request, login: Login, episode_id: int, form: Posted) -> Response:
        checked(form, login)
        if diary_of(request, login).delete_episode(episode_id) is None:
            raise HTTPException(404, N_("There is no such episode in your diary."))
        return redirect("/diary/episodes?deleted=1")

    def day_page(
        request: Request,
        login: LoginSession,
        date: dt.date,
        day: Day | None,
        problems: dict[str, str] | None = None,
        status: int = 200,
        saved: bool = False,
    ) -> HTMLResponse:
        code = language(request)
        _ = gettext_for(code)
        return page(
            request,
            "day.html",
            status,
            title=_("Your day, {date}").format(date=format_date(date, code)),
            login=login,
            date=date,
            day=day,
            problems=problems or {},
            saved=saved,
        )

    def parsed_date(text: str) -> dt.date:
        date = _date(text)
        if date is None:
            raise HTTPException(404, N_("Give a date like 2026-11-22."))
        return date

    @router.get("/days/{date}", response_class=HTMLResponse)
    def day_form(request: Request, login: Login, date: str) -> HTMLResponse:
        when = parsed_date(date)
        return day_page(request, login, when, diary_of(request, login).day(when))

    @router.post("/days/{date}", response_class=HTMLResponse)
    def save_day(request: Request, login: Login, date: str, form: Posted) -> HTMLResponse:
        checked(form, login)
        when = parsed_date(date)
        day, problems = read_day(form, when, full=True, language=language(request))
        book = diary_of(request, login)
        if day is None:
            return day_page(request, login, when, book.day(when), problems, 422)
        return day_page(request, login, when, book.set_day(day), saved=True)

    @router.get("/triggers", response_class=HTMLResponse)
    def triggers(request: Request, login: Login, factor: str | None = None) -> HTMLResponse:
        from ...diary.analysis import KIND_HEADINGS, recent_period, triggers_by_kind, within

        book = diary_of(request, login)
        days, episodes = book.days(), book.episodes()
        days, episodes = within(recent_period(days, episodes), days, episodes)
        sections = triggers_by_kind(days, episodes, language=language(request))
        chosen = factor if factor in _factors(days) else None
        return page(
            request,
            "triggers.html",
            title=N_("What goes with your episodes"),
            login=login,
            sections=sections,
            headings=KIND_HEADINGS,
            factors=_factors(days),
            factor=chosen,
            charts=_charts(days, episodes, sections, chosen, language(request)),
        )

    # The account

    def account_page(
        request: Request,
        login: LoginSession,
        status: int = 200,
        problems: dict[str, str] | None = None,
        notice: str = "",
    ) -> HTMLResponse:
        return page(
            request,
            "account.html",
            status,
            title=N_("Your account"),
            login=login,
            sessions=backend(request).accounts.sessions(login.account),
            problems=problems or {},
            notice=notice or _NOTICES.get(request.query_params.get("done", ""), ""),
        )

    async def password_refused(
        request: Request, login: LoginSession, field: str, error: Exception
    ) -> HTMLResponse:
        """The account page again, saying why the password was not taken."""
        from starlette.concurrency import run_in_threadpool

        if isinstance(error, LoginFailed):
            status, message = 422, N_("That is not your password.")
        elif isinstance(error, TooManyAttempts | ServerBusy):
            status = 429 if isinstance(error, TooManyAttempts) else 503
            message = told(request, error)
        else:
            status, message = 422, told(request, error)
        problems = {field: message}
        response = await run_in_threadpool(account_page, request, login, status, problems)
        if isinstance(error, TooManyAttempts | ServerBusy):
            response.headers["Retry-After"] = str(error.retry_after_s)
        return response

    @router.get("/account", response_class=HTMLResponse)
    def account(request: Request, login: Login) -> HTMLResponse:
        return account_page(request, login)

    @router.post("/account/password", response_class=HTMLResponse)
    async def new_password(request: Request, login: Login, form: Posted) -> Response:
        checked(form, login)
        try:
            await change_password(
                request, login, first(form, "current_password"), first(form, "new_password")
            )
        except LoginFailed as error:
            return await password_refused(request, login, "current_password", error)
        except (AccountError, ServerBusy) as error:
            field = getattr(error, "field", "current_password")
            return await password_refused(request, login, field, error)
        return redirect("/diary/account?done=password")

    @router.post("/account/sessions/end-others")
    def end_other_sessions(request: Request, login: Login, form: Posted) -> Response:
        checked(form, login)
        backend(request).accounts.end_other_sessions(login)
        return redirect("/diary/account?done=sessions")

    @router.get("/account/export.json")
    def export_json(request: Request, login: Login) -> Response:
        data = export_data(diary_of(request, login), login)
        return _download(json.dumps(data, indent=2, ensure_ascii=False), "diary.json", "json")

    @router.get("/account/episodes.csv")
    def export_episodes(request: Request, login: Login) -> Response:
        from ...diary.csvio import write_episodes

        out = io.StringIO()
        write_episodes(diary_of(request, login).episodes(), out)
        return _download(out.getvalue(), "episodes.csv", "csv")

    @router.get("/account/days.csv")
    def export_days(request: Request, login: Login) -> Response:
        from ...diary.csvio import write_days

        out = io.StringIO()
        write_days(diary_of(request, login).days(), out)
        return _download(out.getvalue(), "days.csv", "csv")

    @router.get("/account/diary.fhir.json")
    def export_fhir(request: Request, login: Login) -> Response:
        from ...fhir.diary import bundle_json, diary_bundle

        book = diary_of(request, login)
        bundle = diary_bundle(book.episodes(), book.days(), language(request))
        return _download(bundle_json(bundle), "diary.fhir.json", "fhir")

    @router.get("/account/report.pdf")
    def report_pdf(request: Request, login: Login) -> Response:
        from ...diary.report import doctor_report

        book = diary_of(request, login)
        pdf = doctor_report(book.days(), book.episodes(), language=language(request))
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": 'attachment; filename="myoguide-report.pdf"',
                "Cache-Control": "no-store",
            },
        )

    @router.post("/account/delete", response_class=HTMLResponse)
    async def delete_account(request: Request, login: Login, form: Posted) -> HTMLResponse:
        from starlette.concurrency import run_in_threadpool

        checked(form, login)
        try:
            await confirm_password(request, login, first(form, "password"))
        except (AccountError, ServerBusy) as error:
            return await password_refused(request, login, "password", error)
        await run_in_threadpool(backend(request).accounts.delete_account, login.account)
        response = page(request, "deleted.html", title=N_("Your account is deleted"))
        clear_session_cookie(response, request)
        return response

    return router


def export_data(book: Diary, login: LoginSession) -> dict[str, Any]:
    """Everything kept about a person: the account (when it was made, its live sessions and
    its login records), every episode and day, each with when it was saved."""
    from ...diary.accounts import records

    if book.connection is None:
        with book.store.transaction() as connection:
            kept = records(connection, login.account)
    else:
        kept = records(book.connection, login.account)
    episodes = []
    for episode in book.episodes():
        created, updated = kept["episodes"].get(episode.id, (None, None))
        episodes.append(
            {**episode.model_dump(mode="json"), "created_at": created, "updated_at": updated}
        )
    days = [
        {**day.model_dump(mode="json"), "updated_at": kept["days"].get(day.date.isoformat())}
        for day in book.days()
    ]
    account = {
        "name": login.account.name,
        "created_at": kept["created_at"],
        "sessions": kept["sessions"],
        "logins": kept["logins"],
    }
    return {"account": account, "episodes": episodes, "days": days}


_NOTICES = {
    "password": N_("Your password is changed. Every other session has ended."),
    "sessions": N_("Every other session has ended. Only this one is still logged in."),
}


_MEDIA_TYPES = {
    "json": "application/json",
    "fhir": "application/fhir+json",
    "csv": "text/csv; charset=utf-8",
}


def _download(text: str, filename: str, kind: str) -> Response:
    media = _MEDIA_TYPES[kind]
    return Response(
        text,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="myoguide-{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _zone_guess(recent: Sequence[Episode]) -> dt.tzinfo:
    """The person's time zone as last seen (the page's script corrects it when it runs)."""
    if recent and recent[0].at.tzinfo is not None:
        return recent[0].at.tzinfo
    return dt.UTC


def _offset_minutes(zone: dt.tzinfo) -> int:
    offset = dt.datetime.now(zone).utcoffset() or dt.timedelta()
    return int(offset.total_seconds() // 60)


def _episode_number(text: str | None) -> int | None:
    """An episode id from a query string; None unless a whole number an id can be."""
    # ASCII digits only: str.isdigit() is true of "²", which int() refuses.
    if not text or not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _factors(days: Sequence[Day]) -> list[str]:
    """The factors logged on at least one day, built-in ones first."""
    logged = [name for name in BUILT_IN_FACTORS if any(getattr(d, name) is not None for d in days)]
    custom = sorted({name for day in days for name in day.custom})
    return logged + custom


def _charts(
    days: Sequence[Day],
    episodes: Sequence[Episode],
    sections: Mapping[DiaryKind | None, Sequence[TriggerFinding]],
    factor: str | None,
    language: str,
) -> dict[str, Any]:
    """The charts as inline SVG (built on the server, escaped by the chart module); one
    forest plot for each kind analysed."""
    from ...diary import charts

    return {
        "over_time": Markup(
            charts.episodes_over_time(days, episodes, factor=factor, language=language)
        ),
        "forest": {
            kind: Markup(charts.forest_plot(found, language)) for kind, found in sections.items()
        },
        "body": Markup(charts.body_map(episodes, language)),
    }
