"""Logging in and out of the back-office, and the cookies that carry the session.

The log-in form has no session to take a CSRF token from, so it gets its own: a random value in a
short-lived SameSite=Strict cookie that the form must echo (a forged cross-site form cannot read it).
Cookies are HttpOnly, and Secure when the request came over HTTPS (uvicorn takes the scheme from
X-Forwarded-Proto when the proxy is trusted: `stockgate serve --forwarded-allow-ips`).
"""

from __future__ import annotations

import hmac
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from stockgate.domain.errors import AuthenticationFailed, InvalidInput, LoginLocked
from stockgate.http.backoffice.pages import (
    CSRF_FIELD,
    HOME,
    SESSION_COOKIE,
    AdminCall,
    admin_route,
    local_path,
    read_form,
    refused,
    same_origin,
    with_headers,
)
from stockgate.http.backoffice.rendering import Renderer
from stockgate.http.context import served_app
from stockgate.services.admin_sessions import log_in, log_out, session_for

LOGIN_COOKIE = "stockgate_login"
LOGIN_PATH = "/admin/login"
LOGIN_FORM_LIFETIME = 3600
LOGIN_FORM_LIMIT = 16 * 1024


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_form(
    request: Request,
    renderer: Renderer,
    *,
    target: str,
    error: str = "",
    email: str = "",
    status: int = 200,
) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    context = {
        "csrf_token": token,
        "next": local_path(target, HOME),
        "error": error,
        "email": email,
    }
    response = HTMLResponse(renderer.render("login.html", context), status_code=status)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=LOGIN_FORM_LIFETIME,
        path=LOGIN_PATH,
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    return with_headers(response)


async def login(request: Request, renderer: Renderer) -> Response:
    ctx = served_app(request).ctx
    if request.method == "GET":
        token = request.cookies.get(SESSION_COOKIE)
        if token and await run_in_threadpool(session_for, ctx.db, token=token) is not None:
            target = local_path(request.query_params.get("next", ""), HOME)
            return with_headers(RedirectResponse(target, status_code=303))
        return _login_form(request, renderer, target=request.query_params.get("next", ""))
    if not same_origin(request):
        return refused(renderer, "The form was sent from another site.")
    try:
        form = await read_form(request, LOGIN_FORM_LIMIT)
    except InvalidInput:
        return refused(renderer, "The form is too large.")
    expected = request.cookies.get(LOGIN_COOKIE, "")
    sent = form.get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        return refused(renderer, "The form's security token is missing or out of date.")
    email, password, target = (str(form.get(name, "")) for name in ("email", "password", "next"))
    try:
        session = await run_in_threadpool(log_in, ctx.db, email=email.strip(), password=password)
    except LoginLocked:
        error, status = "Too many failed attempts: wait a few minutes.", 429
    except (AuthenticationFailed, InvalidInput):
        error, status = "Wrong e-mail or password.", 401
    else:
        return _logged_in(request, session.token, target)
    return _login_form(request, renderer, target=target, error=error, email=email, status=status)


def _logged_in(request: Request, token: str, target: str) -> Response:
    response = RedirectResponse(local_path(target, HOME), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        path="/admin",  # no max-age: the browser forgets it on closing; the server expires it anyway
        secure=_secure(request),
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(LOGIN_COOKIE, path=LOGIN_PATH)
    return with_headers(response)


def logout(call: AdminCall) -> Response:
    log_out(call.db, session=call.session)
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/admin")
    return response


def routes(renderer: Renderer) -> list[Route]:
    async def login_page(request: Request) -> Response:
        return await login(request, renderer)

    return [
        Route("/login", login_page, methods=["GET", "POST"]),  # relative to the /admin mount
        admin_route(renderer, "/logout", logout, methods=["POST"]),
    ]
