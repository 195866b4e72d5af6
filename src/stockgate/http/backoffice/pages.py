"""What every back-office page and action shares: the session, CSRF, the handler, errors, headers.

A handler is a plain function of an `AdminCall`, run in a worker thread. Before it runs, a request
without a live session is sent to the log-in page, and a POST must carry the session's CSRF token
(and, when the browser names its origin, come from this site); nothing else reaches a handler.
An action that fails with a domain error leaves the message for the page it came from.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from stockgate.domain.errors import DomainError, InvalidInput, NotFound
from stockgate.http.backoffice.rendering import Renderer
from stockgate.http.context import AppContext, served_app
from stockgate.services.admin_sessions import Flash, leave_flash, session_for, take_flash
from stockgate.services.backoffice_ports import ActiveSession
from stockgate.services.paging import Page, Window
from stockgate.services.unit_of_work import Database

log = logging.getLogger("stockgate.backoffice")

SESSION_COOKIE = "stockgate_session"
CSRF_FIELD = "csrf_token"
HOME = "/admin/"
FIELD_LIMIT = 1024 * 1024
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass
class AdminCall:
    """One authenticated back-office request, as a handler sees it."""

    ctx: AppContext
    renderer: Renderer
    session: ActiveSession
    path: str
    query: Mapping[str, str]
    form: FormData
    path_params: Mapping[str, str]
    referer: str = ""  # path and query of the Referer header, when it is this site

    @property
    def db(self) -> Database:
        return self.ctx.db

    @property
    def actor(self) -> str:
        return f"admin:{self.session.email}"

    def field(self, name: str) -> str:
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else ""

    def raw(self, name: str) -> str:
        """A field exactly as sent (passwords keep their spaces)."""
        value = self.form.get(name)
        return value if isinstance(value, str) else ""

    def upload(self, name: str) -> UploadFile | None:
        value = self.form.get(name)
        return value if isinstance(value, UploadFile) and value.filename else None

    def path_id(self, name: str = "id") -> int:
        raw = self.path_params[name]
        if not raw.isdigit() or len(raw) > 18:
            raise NotFound(name.replace("_", " "), raw)
        return int(raw)

    def render(self, template: str, code: int = 200, **context: Any) -> Response:
        flash = take_flash(self.db, session=self.session)
        return self.renderer_response(template, code, flash=flash, **context)

    def renderer_response(self, template: str, code: int, **context: Any) -> Response:
        here = self.path + (f"?{urlencode(list(self.query.items()))}" if self.query else "")
        base = {"session": self.session, "csrf_token": self.session.csrf_token, "here": here, "call": self}
        html = self.renderer.render(template, {**base, "flash": None, **context})
        return HTMLResponse(html, status_code=code)

    def done(self, url: str, text: str, *, secret: str | None = None) -> Response:
        """Back to `url` (POST, redirect, GET) with a message for the page."""
        leave_flash(self.db, session=self.session, flash=Flash("ok", text, secret))
        return RedirectResponse(url, status_code=303)

    def url(self, **changes: object) -> str:
        """This page's URL with some query parameters changed (None drops one; paging always resets)."""
        params = {k: v for k, v in self.query.items() if k not in ("after", "before") and v}
        for name, value in changes.items():
            if value is None or value == "":
                params.pop(name, None)
            else:
                params[name] = str(value)
        return self.path + ("?" + urlencode(params) if params else "")

    def pages(self, page: Page[Any]) -> tuple[str | None, str | None]:
        """The URLs of the pages before and after `page`, keeping the filters."""
        previous = None if page.previous is None else self.url(before=page.previous)
        following = None if page.next is None else self.url(after=page.next)
        return previous, following

    def window(self, size: int = 50) -> Window:
        """The page the query asks for (`after` or `before` a key)."""
        return Window(_key(self.query.get("after")), _key(self.query.get("before")), size)

    def back(self, default: str) -> str:
        """Where the form came from (its `back` field, else the Referer), if in the back-office."""
        came_from = local_path(self.referer, default)
        return local_path(self.field("back"), came_from)


Handler = Callable[[AdminCall], Response]


def _key(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.lstrip("-").isdigit() or len(raw) > 19:
        raise InvalidInput("page", f"{raw!r} is not a page key")
    return int(raw)


def local_path(candidate: str, default: str = HOME) -> str:
    """`candidate` when it is a path inside the back-office (no open redirects), else `default`."""
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or not candidate.startswith("/admin") or candidate.startswith("//"):
        return default
    return candidate


def to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    where = "/admin/login" + (f"?next={quote(target)}" if request.method == "GET" else "")
    return with_headers(RedirectResponse(where, status_code=303))


def with_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site (Origin, else Referer)."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return source is None
    return urlsplit(source).netloc == request.headers.get("host", "")


def refused(renderer: Renderer, reason: str) -> Response:
    html = renderer.render("refused.html", {"reason": reason})
    return with_headers(HTMLResponse(html, status_code=403))


def error_page(renderer: Renderer, status: int, message: str) -> Response:
    html = renderer.render("error.html", {"status": status, "message": message})
    return with_headers(HTMLResponse(html, status_code=status))


async def read_form(request: Request, limit: int) -> FormData:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise InvalidInput("body", f"the form is larger than {limit} bytes")
    # Fields are small; a file part (a catalog upload) goes to a temporary file as it arrives.
    return await request.form(max_files=1, max_fields=500, max_part_size=min(limit, FIELD_LIMIT))


def admin_route(
    renderer: Renderer, path: str, handler: Handler, *, methods: list[str], max_body: int | None = None
) -> Route:
    """A back-office route: authenticated, CSRF-checked on POST, errors turned into pages."""

    async def endpoint(request: Request) -> Response:
        ctx = served_app(request).ctx
        token = request.cookies.get(SESSION_COOKIE)
        session = await run_in_threadpool(session_for, ctx.db, token=token) if token else None
        if session is None:
            return to_login(request)
        form = FormData()
        if request.method == "POST":
            if not same_origin(request):
                return refused(renderer, "The form was sent from another site.")
            try:
                form = await read_form(request, max_body or ctx.max_body)
            except InvalidInput as error:
                return error_page(renderer, 413, error.message)
            sent = form.get(CSRF_FIELD)
            if not isinstance(sent, str) or not hmac.compare_digest(sent, session.csrf_token):
                await form.close()
                return refused(renderer, "The form's security token is missing or out of date.")
        call = AdminCall(
            ctx,
            renderer,
            session,
            request.url.path,
            request.query_params,
            form,
            request.path_params,
            _referer_path(request),
        )
        try:
            return with_headers(await run_in_threadpool(_run, handler, call, request.method))
        finally:
            await form.close()

    return Route(path, endpoint, methods=methods)


def _referer_path(request: Request) -> str:
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.headers.get("host", ""):
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")


def _run(handler: Handler, call: AdminCall, method: str) -> Response:
    try:
        return handler(call)
    except DomainError as error:
        if method == "POST":
            leave_flash(call.db, session=call.session, flash=Flash("error", error.message))
            return RedirectResponse(call.back(HOME), status_code=303)
        status = 404 if isinstance(error, NotFound) else 400
        return call.renderer_response("error.html", status, status=status, message=error.message)
    except Exception:
        log.exception("back-office page failed", extra={"path": call.path})
        return call.renderer_response("error.html", 500, status=500, message="Something went wrong.")
