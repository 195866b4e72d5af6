"""The back-office in a real browser (headless Chromium) against a real `stockgate serve` process."""

from __future__ import annotations

import io
import itertools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pypdf import PdfReader

from stockgate.bootstrap import Config, Runtime, start
from stockgate.domain.returns import ReturnItem, ReturnRequest
from stockgate.services.accounts import create_account, find_account
from stockgate.services.admins import create_admin
from stockgate.services.carriers import add_carrier
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_products
from stockgate.services.check import check_invariants
from stockgate.services.fulfilment import advance_order
from stockgate.services.return_requests import open_return
from stockgate.services.return_workflow import get_return
from stockgate.services.supplier_stock import list_reservations
from tests.conftest import ENGINES
from tests.support.backoffice import ADMIN_EMAIL, ADMIN_PASSWORD, dropship, principal
from tests.support.chromium import CHROMIUM, launch_chromium
from tests.support.pg_server import Databases
from tests.support.server_process import running_stockgate
from tests.support.supplier import lock

pytestmark = pytest.mark.browser

SHOP_PASSWORD = "shop password 1"


@dataclass
class Site:
    base: str
    runtime: Runtime
    emails: Iterator[int]

    def shop(self, ecredit: str = "0") -> tuple[str, str, int]:
        """A new account: (email, api key, id)."""
        email = f"shop{next(self.emails)}@example.com"
        new = create_account(
            self.runtime.db,
            email=email,
            password=SHOP_PASSWORD,
            ecredit=Decimal(ecredit),
            address="Via Roma, 1, 10100, Torino, TO, IT",
            actor="test",
        )
        return email, new.api_key, new.id


def chromium_or_skip() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium is not installed at {CHROMIUM} (scripts/test installs it)"
    if os.environ.get("CI") in ("true", "1"):
        pytest.fail(message)
    pytest.skip(message + ": the browser tests skip")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium_or_skip()
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


@pytest.fixture(scope="module", params=ENGINES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    databases: Databases | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('office') / 'stockgate.db'}"
    else:
        databases = request.getfixturevalue("pg_databases")
        url = databases.fresh()
    runtime = start(Config(database_url=url))
    import_products(runtime.db, records=generate_catalog(products=20, seed=7), actor="test")
    add_carrier(runtime.db, carrier_id=10, name="DHL", cost=Decimal("9.80"), default=True)
    create_admin(runtime.db, email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    try:
        with running_stockgate(url) as server:
            yield Site(server.base_url, runtime, itertools.count(1))
    finally:
        runtime.close()
        if databases is not None:
            databases.drop(url)


@pytest.fixture
def page(browser: Browser, site: Site) -> Iterator[Page]:
    context = browser.new_context(base_url=site.base, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.on("dialog", lambda dialog: dialog.accept())  # the confirmations of dangerous buttons
    yield tab
    context.close()


def log_in(page: Page, path: str = "/admin/") -> None:
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/admin/login"))
    page.get_by_label("E-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("header.topbar")).to_contain_text(ADMIN_EMAIL)


def test_unauthenticated_visit_goes_to_login_and_back(page: Page) -> None:
    page.goto("/admin/orders?status=2")
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    expect(page.get_by_role("heading", name="Back-office log-in")).to_be_visible()
    page.get_by_label("E-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong e-mail or password.")
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/orders\?status=2$"))
    expect(page.get_by_label("Status")).to_have_value("2")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/admin/login$"))
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login"))


def test_find_an_order_and_dispatch_it(page: Page, site: Site) -> None:
    email, api_key, account_id = site.shop(ecredit="500")
    who = principal(site.runtime.db, account_id, api_key)
    order_id = dropship(site.runtime.db, who, "WEB-4242", {100001: 2})
    dropship(site.runtime.db, who, "WEB-4243", {100009: 1})
    log_in(page)
    page.get_by_role("link", name="Orders", exact=True).click()
    page.get_by_label("Order id or key").fill("WEB-4242")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#orders tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name=f"#{order_id}").click()
    expect(page.get_by_role("heading", name=f"Order #{order_id}")).to_be_visible()
    expect(page.locator("#lines tbody tr")).to_have_count(1)
    expect(page.locator("#lines")).to_contain_text("100001")
    expect(page.locator("main")).to_contain_text(email)

    page.get_by_role("button", name="Working on it").click()
    expect(page.get_by_role("status")).to_contain_text("TO DISPATCH → WORKING ON")
    dispatch = page.locator("#dispatch-form")
    dispatch.get_by_label("Tracking code").fill("1Z-E2E-777")
    dispatch.get_by_label("Tracking URL").fill("https://track.example/1Z-E2E-777")
    dispatch.get_by_role("button", name="Dispatch").click()
    expect(page.get_by_role("status")).to_contain_text("WORKING ON → DISPATCHED")
    expect(page.get_by_role("heading", name=f"Order #{order_id}")).to_contain_text("DISPATCHED")
    expect(page.locator("#actions")).to_have_count(0)
    # The shop sees it through E8, as its plugin would.
    e8 = httpx.get(
        f"{site.base}/restful/ghost/clientorders/clientkey/WEB-4242",
        auth=(api_key, SHOP_PASSWORD),
        headers={"Accept": "application/json"},
    )
    [reported] = e8.json()["orders"]
    assert (reported["status"], reported["tracking_code"]) == (3, "1Z-E2E-777")
    assert reported["tracking_url"] == "https://track.example/1Z-E2E-777"
    assert reported["carrier_name"] == "DHL"  # the assigned carrier, as none was typed
    assert check_invariants(site.runtime.db) == []


def test_authorise_a_return_and_open_its_pdf(page: Page, site: Site) -> None:
    email, api_key, account_id = site.shop(ecredit="500")
    who = principal(site.runtime.db, account_id, api_key)
    order_id = dropship(site.runtime.db, who, "WEB-RET-1", {100009: 1})
    advance_order(site.runtime.db, order_id=order_id, to=3, tracking_code="T-RET", actor="test")
    request = ReturnRequest(order_id, (ReturnItem(100009, 1, 2, "arrived torn"),))
    [line_id] = open_return(site.runtime.db, principal=who, request=request, actor="shop")
    log_in(page, "/admin/returns?status=0")
    row = page.locator(f"#return-{line_id}")
    expect(row).to_contain_text("damaged")
    expect(row).to_contain_text(email)
    expect(row.get_by_label("shipping back paid by")).to_have_value(
        "supplier"
    )  # damaged: the supplier's fault
    row.get_by_role("button", name="Authorise").click()
    expect(page.get_by_role("status")).to_contain_text(f"Return line {line_id}")
    code = get_return(site.runtime.db, return_id=line_id).return_code
    assert code is not None
    page.goto("/admin/returns")
    link = page.locator(f"#return-{line_id}").get_by_role("link", name=re.compile(r"\(PDF\)"))
    expect(link).to_have_text(f"{code} (PDF)")
    # The link opens the manifest in a new tab, in the browser's PDF viewer.
    pdf = page.context.expect_event("response", lambda r: r.url.endswith(f"{code}.pdf"))
    with page.context.expect_page() as opened, pdf as answer:
        link.click()
    assert answer.value.status == 200 and answer.value.headers["content-type"] == "application/pdf"
    tab = opened.value
    assert tab.url == f"{site.base}/restful/returnedgoods/print/{code}.pdf"
    # The viewer streams the file, so read what that address serves to check the document itself.
    served = page.context.request.get(tab.url)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(served.body())).pages)
    assert code in text and str(order_id) in text
    tab.close()


def test_credit_an_account(page: Page, site: Site) -> None:
    email, _key, account_id = site.shop(ecredit="10.00")
    log_in(page)
    page.get_by_role("link", name="Accounts", exact=True).click()
    page.get_by_label("E-mail or name").fill(email)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=email).click()
    expect(page).to_have_url(re.compile(f"/admin/accounts/{account_id}$"))
    page.get_by_label("Amount (negative to remove)").fill("90.50")
    page.get_by_label("Note").fill("bank transfer")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text(f"90.50 added to {email}; e-credit now 100.50")
    expect(page.locator("#ecredit")).to_have_text("100.50")
    assert find_account(site.runtime.db, email=email).ecredit == Decimal("100.50")
    assert check_invariants(site.runtime.db) == []


def test_edit_stock(page: Page, site: Site) -> None:
    log_in(page, "/admin/catalog")
    page.get_by_label("stock_id, product id, barcode, code or name").fill("100027")
    page.get_by_role("button", name="Search").click()
    row = page.locator("#model-100027")
    row.get_by_label("on hand of 100027").fill("33")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("stock_id 100027: on hand")
    expect(page.get_by_role("status")).to_contain_text("→ 33")
    expect(page.locator("#model-100027").get_by_label("on hand of 100027")).to_have_value("33")
    expect(page.get_by_label("stock_id, product id, barcode, code or name")).to_have_value("100027")


def test_release_a_reservation(page: Page, site: Site) -> None:
    email, api_key, account_id = site.shop()
    lock(site.runtime.db, principal(site.runtime.db, account_id, api_key), [(100009, 2), (100015, 3)])
    log_in(page, "/admin/reservations")
    page.get_by_role("link", name=email).click()
    expect(page.locator("#held tbody tr")).to_have_count(2)
    page.locator("#held-100015").get_by_role("button", name="Release").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Released 3 unit(s) of stock_id 100015 held by {email}"
    )
    expect(page.locator("#held tbody tr")).to_have_count(1)
    held = [(h.stock_id, h.quantity) for h in list_reservations(site.runtime.db, email=email)]
    assert held == [(100009, 2)]
    page.get_by_role("button", name="Release all").click()  # confirmed in the dialog
    expect(page.get_by_role("status")).to_contain_text("Released 2 unit(s) of every model")
    assert list_reservations(site.runtime.db, email=email) == []
    assert check_invariants(site.runtime.db) == []


def test_open_an_account_and_see_its_key_once(page: Page, site: Site) -> None:
    log_in(page, "/admin/accounts")
    page.get_by_text("Open a new account").click()
    form = page.locator("form", has=page.get_by_role("button", name="Open account"))
    form.get_by_label("E-mail", exact=True).fill("fresh.shop@example.com")
    form.get_by_label("Password").fill(SHOP_PASSWORD)
    form.get_by_label("Opening e-credit").fill("12.00")
    form.get_by_role("button", name="Open account").click()
    key = page.locator("#secret").inner_text()
    assert re.fullmatch(r"[0-9a-f-]{36}", key)
    locked = httpx.get(f"{site.base}/restful/ghost/orders/dropshipping/locked", auth=(key, SHOP_PASSWORD))
    assert locked.status_code == 200
    page.reload()
    expect(page.locator("#secret")).to_have_count(0)
    page.get_by_role("button", name="Rotate API key").click()
    rotated = page.locator("#secret").inner_text()
    assert rotated != key
    assert (
        httpx.get(
            f"{site.base}/restful/ghost/orders/dropshipping/locked", auth=(key, SHOP_PASSWORD)
        ).status_code
        == 401
    )


def test_readable_on_a_phone(browser: Browser, site: Site) -> None:
    context = browser.new_context(base_url=site.base, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    try:
        log_in(phone)
        for path in ["/admin/", "/admin/orders", "/admin/catalog", "/admin/accounts", "/admin/reservations"]:
            phone.goto(path)
            # Wide tables scroll inside their own box; the page itself never scrolls sideways.
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
    finally:
        context.close()


def test_form_posted_without_its_token_is_refused(site: Site) -> None:
    email, _key, account_id = site.shop()
    with httpx.Client(base_url=site.base) as client:
        form = client.get("/admin/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        client.post(
            "/admin/login",
            data={"csrf_token": token.group(1), "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        )
        assert client.get("/admin/").status_code == 200  # logged in
        refused = client.post(f"/admin/accounts/{account_id}/credit", data={"amount": "1000.00"})
        assert refused.status_code == 403
    assert find_account(site.runtime.db, email=email).ecredit == Decimal(0)


def test_cookies_are_secure_behind_a_trusted_https_proxy(site: Site) -> None:
    proxied = httpx.get(f"{site.base}/admin/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in proxied.headers["set-cookie"]
    direct = httpx.get(f"{site.base}/admin/login")
    assert "Secure" not in direct.headers["set-cookie"]


def test_an_untrusted_proxy_header_is_ignored(site: Site) -> None:
    url = site.runtime.config.database_url
    # `stockgate serve --forwarded-allow-ips` reads FORWARDED_ALLOW_IPS: here a proxy that is not us.
    with running_stockgate(url, env={"FORWARDED_ALLOW_IPS": "10.9.8.7"}) as server:
        answer = httpx.get(f"{server.base_url}/admin/login", headers={"X-Forwarded-Proto": "https"})
        assert "Secure" not in answer.headers["set-cookie"]
