"""Back-office access: log-in, sessions, cookies, CSRF, and that nothing opens without a session."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime, create_app
from stockgate.domain.admins import LOCK_AFTER_FAILURES, SESSION_LIFETIME
from stockgate.domain.dates import utc_now
from stockgate.http.backoffice import PAGES
from stockgate.services.accounts import find_account
from stockgate.services.admin_sessions import log_in as open_session
from stockgate.services.admin_sessions import session_for
from stockgate.services.admins import create_admin, set_admin
from tests.conftest import Shop
from tests.support.backoffice import ADMIN_EMAIL, ADMIN_PASSWORD, Office, csrf_in, log_in


@pytest.fixture
def admin(runtime: Runtime) -> str:
    create_admin(runtime.db, email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    return ADMIN_EMAIL


def cookie_header(response: object, name: str) -> str:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    [found] = [h for h in headers if h.startswith(f"{name}=")]
    return str(found)


def every_route() -> list[tuple[str, str]]:
    found = [
        (methods[0], path.replace("{id}", "1").replace("{action}", "refund")) for path, _, methods in PAGES
    ]
    return [
        *found,
        ("GET", "/admin/no/such/page"),
        ("POST", "/admin/logout"),
        ("POST", "/admin/no/such/action"),
    ]


def test_without_a_session_every_page_and_action_sends_to_login(http: TestClient, shop: Shop) -> None:
    for method, path in every_route():
        answer = http.request(method, path, data={"amount": "5"}, follow_redirects=False)
        assert answer.status_code == 303, (method, path)
        expected = f"/admin/login?next={quote(path)}" if method == "GET" else "/admin/login"
        assert answer.headers["location"] == expected, (method, path)
    assert http.get("/admin", follow_redirects=False).headers["location"].endswith("/admin/")
    assert http.get("/admin/orders?status=2", follow_redirects=False).headers["location"] == (
        "/admin/login?next=/admin/orders%3Fstatus%3D2"
    )


def test_a_forged_or_stale_session_cookie_sends_to_login(http: TestClient, admin: str) -> None:
    http.cookies.set("stockgate_session", "not-a-real-token", path="/admin")
    assert http.get("/admin/orders", follow_redirects=False).headers["location"].startswith("/admin/login")


def test_login_sets_safe_cookies_and_lands_on_next(http: TestClient, admin: str) -> None:
    form = http.get("/admin/login?next=/admin/orders?status=2")
    login_cookie = cookie_header(form, "stockgate_login")
    assert (
        "HttpOnly" in login_cookie
        and "SameSite=strict" in login_cookie
        and "Path=/admin/login" in login_cookie
    )
    assert "Secure" not in login_cookie
    answer = http.post(
        "/admin/login",
        data={
            "csrf_token": csrf_in(form.text),
            "email": "Boss@Example.com ",
            "password": ADMIN_PASSWORD,
            "next": "/admin/orders?status=2",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/orders?status=2"
    session = cookie_header(answer, "stockgate_session")
    assert "HttpOnly" in session and "SameSite=lax" in session and "Path=/admin" in session
    assert "Secure" not in session
    assert http.get("/admin/").status_code == 200


def test_cookies_are_secure_over_https(runtime: Runtime, admin: str) -> None:
    with TestClient(create_app(runtime.config, runtime), base_url="https://office.example") as client:
        form = client.get("/admin/login")
        assert "Secure" in cookie_header(form, "stockgate_login")
        answer = client.post(
            "/admin/login",
            data={"csrf_token": csrf_in(form.text), "email": admin, "password": ADMIN_PASSWORD},
            follow_redirects=False,
        )
        assert "Secure" in cookie_header(answer, "stockgate_session")


def test_next_never_leaves_the_back_office(http: TestClient, admin: str) -> None:
    for target in [
        "https://evil.example/",
        "//evil.example/admin/",
        "/elsewhere",
        "javascript:x",
        "/admin//x",
    ]:
        http.cookies.clear()
        form = http.get("/admin/login")
        answer = http.post(
            "/admin/login",
            data={
                "csrf_token": csrf_in(form.text),
                "email": admin,
                "password": ADMIN_PASSWORD,
                "next": target,
            },
            follow_redirects=False,
        )
        assert answer.headers["location"] == ("/admin//x" if target == "/admin//x" else "/admin/"), target


def test_login_form_without_its_token_is_refused(http: TestClient, admin: str) -> None:
    http.get("/admin/login")  # the browser has the cookie; the forged form does not know its value
    for token in [None, "", "wrong"]:
        data = {"email": admin, "password": ADMIN_PASSWORD}
        if token is not None:
            data["csrf_token"] = token
        answer = http.post("/admin/login", data=data, follow_redirects=False)
        assert answer.status_code == 403, token
        assert "stockgate_session" not in answer.headers.get("set-cookie", "")


def test_login_form_token_without_its_cookie_is_refused(http: TestClient, admin: str) -> None:
    token = csrf_in(http.get("/admin/login").text)
    http.cookies.clear()
    answer = http.post(
        "/admin/login",
        data={"csrf_token": token, "email": admin, "password": ADMIN_PASSWORD},
        follow_redirects=False,
    )
    assert answer.status_code == 403


def test_wrong_passwords_then_a_lock(http: TestClient, runtime: Runtime, admin: str) -> None:
    def attempt(password: str, email: str = admin) -> int:
        token = csrf_in(http.get("/admin/login").text)
        data = {"csrf_token": token, "email": email, "password": password}
        return http.post("/admin/login", data=data, follow_redirects=False).status_code

    assert attempt("wrong password", email="nobody@example.com") == 401
    for _ in range(LOCK_AFTER_FAILURES - 1):
        assert attempt("wrong password") == 401
    assert attempt("wrong password") == 429
    assert attempt(ADMIN_PASSWORD) == 429  # locked: even the right password waits
    set_admin(runtime.db, email=admin, password="a brand new password")  # a reset unlocks
    assert attempt("a brand new password") == 303


def test_a_disabled_admin_cannot_log_in_and_loses_open_sessions(
    http: TestClient, runtime: Runtime, admin: str
) -> None:
    log_in(http)
    set_admin(runtime.db, email=admin, enabled=False)
    assert http.get("/admin/", follow_redirects=False).status_code == 303
    token = csrf_in(http.get("/admin/login").text)
    answer = http.post("/admin/login", data={"csrf_token": token, "email": admin, "password": ADMIN_PASSWORD})
    assert answer.status_code == 401


def test_logout_ends_the_session(http: TestClient, admin: str) -> None:
    csrf = log_in(http)
    old_cookie = http.cookies.get("stockgate_session")
    answer = http.post("/admin/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/login"
    http.cookies.set("stockgate_session", str(old_cookie), path="/admin")  # a copied cookie is dead too
    assert http.get("/admin/", follow_redirects=False).status_code == 303


def test_sessions_expire(runtime: Runtime, admin: str) -> None:
    session = open_session(runtime.db, email=admin, password=ADMIN_PASSWORD)
    assert session_for(runtime.db, token=session.token) is not None
    later = utc_now() + SESSION_LIFETIME + timedelta(minutes=1)
    assert session_for(runtime.db, token=session.token, now=later) is None


def test_use_extends_a_session(runtime: Runtime, admin: str) -> None:
    session = open_session(runtime.db, email=admin, password=ADMIN_PASSWORD)
    midday = utc_now() + SESSION_LIFETIME / 2
    assert session_for(runtime.db, token=session.token, now=midday) is not None
    # Without that use the session would have ended here; it was extended from midday.
    assert session_for(runtime.db, token=session.token, now=midday + SESSION_LIFETIME * 0.9) is not None


def test_an_action_without_the_sessions_token_is_refused(
    http: TestClient, runtime: Runtime, admin: str, shop: Shop
) -> None:
    log_in(http)
    for token in [None, "", "forged-token"]:
        data = {"amount": "100.00"}
        if token is not None:
            data["csrf_token"] = token
        answer = http.post(f"/admin/accounts/{shop.account_id}/credit", data=data, follow_redirects=False)
        assert answer.status_code == 403, token
        assert "security token" in answer.text
    assert find_account(runtime.db, email=shop.email).ecredit == Decimal(0)


def test_another_sessions_token_is_refused(runtime: Runtime, admin: str, shop: Shop) -> None:
    app = create_app(runtime.config, runtime)
    with TestClient(app) as first, TestClient(app) as second:
        first_token = log_in(first)
        log_in(second)
        answer = second.post(
            f"/admin/accounts/{shop.account_id}/credit",
            data={"csrf_token": first_token, "amount": "5.00"},
            follow_redirects=False,
        )
        assert answer.status_code == 403
    assert find_account(runtime.db, email=shop.email).ecredit == Decimal(0)


def test_a_form_from_another_site_is_refused(
    http: TestClient, runtime: Runtime, admin: str, shop: Shop
) -> None:
    office = Office(http)
    answer = http.post(
        f"/admin/accounts/{shop.account_id}/credit",
        data={"csrf_token": office.csrf, "amount": "5.00"},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert find_account(runtime.db, email=shop.email).ecredit == Decimal(0)
    same_site = http.post(
        f"/admin/accounts/{shop.account_id}/credit",
        data={"csrf_token": office.csrf, "amount": "5.00"},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert same_site.status_code == 303
    assert find_account(runtime.db, email=shop.email).ecredit == Decimal("5.00")


def test_pages_carry_protective_headers(http: TestClient, admin: str) -> None:
    for answer in (http.get("/admin/login"), Office(http).get("/admin/")):
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"


def test_static_assets_need_no_session(http: TestClient) -> None:
    assert http.get("/admin/static/admin.css").status_code == 200
    assert "text/css" in http.get("/admin/static/admin.css").headers["content-type"]
    assert http.get("/admin/static/admin.js").status_code == 200
