"""Back-office pages and actions over HTTP (in-process), on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal

import pytest
from lxml import html as lxml_html
from sqlalchemy import event
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.services.accounts import find_account
from stockgate.services.admins import create_admin
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_products
from stockgate.services.check import check_invariants
from stockgate.services.supplier_orders import show_order
from stockgate.services.supplier_stock import list_reservations, set_stock
from tests.conftest import AccountFactory, Shop
from tests.support.backoffice import ADMIN_EMAIL, ADMIN_PASSWORD, Office, dropship, principal
from tests.support.orders import LOCKED
from tests.support.supplier import lock


@pytest.fixture
def office(runtime: Runtime, http: TestClient) -> Office:
    create_admin(runtime.db, email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    return Office(http)


def rows(page: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells in the table with this id."""
    tree = lxml_html.fromstring(page)
    [table] = tree.xpath(f"//table[@id='{table_id}']")
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
        for row in table.xpath("./tbody/tr")
        if row.xpath("./td") and not row.xpath("./td[@class='empty']")
    ]


def flash(page: str) -> str:
    found = lxml_html.fromstring(page).xpath("//div[contains(@class, 'flash')]")
    return " ".join(found[0].text_content().split()) if found else ""


def tiles(page: str) -> dict[str, str]:
    tree = lxml_html.fromstring(page)
    return {
        tile.xpath(".//span[@class='label']")[0].text_content(): tile.xpath(".//span[@class='value']")[0]
        .text_content()
        .replace("\xa0", " ")
        for tile in tree.xpath("//*[contains(@class, 'tile')]")
    }


@contextmanager
def statements(runtime: Runtime) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: object) -> None:
        if not str(args[2]).startswith("BEGIN"):  # SQLite's explicit BEGIN is not a query
            seen.append(str(args[2]))

    event.listen(runtime.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(runtime.engine, "before_cursor_execute", record)


def test_dashboard_figures(
    runtime: Runtime, office: Office, catalog: list[int], make_account: AccountFactory
) -> None:
    rich = make_account(ecredit="1000")
    poor = make_account(ecredit="10")
    order_id = dropship(runtime.db, principal(runtime.db, rich.account_id, rich.api_key), "k1", {100001: 2})
    lock(runtime.db, principal(runtime.db, poor.account_id, poor.api_key), [(100009, 5), (100015, 1)])
    total = show_order(runtime.db, order_id=order_id).fields["total"]

    page = office.get("/admin/").text
    figures = tiles(page)
    assert figures["Orders today"] == "1"
    assert figures["Revenue today"] == f"€ {total:,.2f}"
    assert figures["TO DISPATCH"] == "1" and figures["BOOKED"] == "0"
    low = rows(page, "low-stock")
    assert [int(row[2]) for row in low] == sorted(int(row[2]) for row in low)  # the scarcest first
    assert {row[2] for row in low} <= {"1", "2", "3"} and len(low) == 8  # never sold-out ones
    assert low[0][0] == "100003"
    assert rows(page, "largest-reservations") == [[poor.email, "2", "6"]]
    assert [row[0] for row in rows(page, "low-credit")] == [poor.email]
    fewer = office.get("/admin/", low_stock="1", low_credit="2000").text
    assert {row[2] for row in rows(fewer, "low-stock")} == {"1"}
    assert {row[0] for row in rows(fewer, "low-credit")} == {poor.email, rich.email}


def test_orders_filters(
    runtime: Runtime, office: Office, catalog: list[int], make_account: AccountFactory
) -> None:
    first, second = make_account(ecredit="1000"), make_account()
    ids = [
        dropship(runtime.db, principal(runtime.db, first.account_id, first.api_key), f"key-{n}", {100001: 1})
        for n in range(4)
    ]
    booked = dropship(
        runtime.db, principal(runtime.db, second.account_id, second.api_key), "other", {100009: 1}
    )

    def listed(**query: str) -> list[str]:
        return [row[0] for row in rows(office.get("/admin/orders", **query).text, "orders")]

    everything = [f"#{i}" for i in [booked, *reversed(ids)]]
    assert listed() == everything
    assert listed(account=first.email.upper()) == [f"#{i}" for i in reversed(ids)]
    assert listed(status="5") == [f"#{booked}"]
    assert listed(status="2", account=second.email) == []
    assert listed(key="key-2") == [f"#{ids[2]}"]
    assert listed(key=str(ids[1])) == [f"#{ids[1]}"]
    today = office.get("/admin/").text.split("Dashboard <small>")[1][:10]
    assert listed(**{"from": today, "to": today}) == everything
    assert listed(**{"from": "2999-01-01"}) == []
    assert listed(to="2000-01-01") == []
    assert listed(after=str(ids[2])) == [f"#{ids[1]}", f"#{ids[0]}"]
    assert listed(before=str(ids[1])) == [f"#{booked}", f"#{ids[3]}", f"#{ids[2]}"]
    assert "is not a date" in office.get("/admin/orders", **{"from": "yesterday"}).text
    assert (
        "account nobody@example.com not found"
        in office.get("/admin/orders", account="nobody@example.com").text
    )
    assert "is not a page key" in office.get("/admin/orders", after="x").text
    assert office.get("/admin/accounts", after="x").status_code == 400


def test_order_page(runtime: Runtime, office: Office, catalog: list[int], shop: Shop) -> None:
    order_id = dropship(
        runtime.db, principal(runtime.db, shop.account_id, shop.api_key), "shop-77", {100001: 2, 100009: 1}
    )
    order = show_order(runtime.db, order_id=order_id).fields
    page = office.get(f"/admin/orders/{order_id}").text
    prices = [f"{line.unit_price:,.2f}" for line in show_order(runtime.db, order_id=order_id).lines]
    assert [row[:4] for row in rows(page, "lines")] == [
        ["100001", "Fjord Loafers casual FJO-1000-WH-39 white 39", "2", prices[0]],
        ["100009", "Corteccia Backpacks light COR-1002-BR-UNI brown UNI", "1", prices[1]],
    ]
    assert "Mario Rossi" in page and "Torino" in page and "shop-77" in page and shop.email in page
    assert f"{order['total']:,.2f}" in page
    assert any("status → 5 BOOKED" in row[2] for row in rows(page, "history"))
    assert office.get("/admin/orders/999999").status_code == 404
    assert office.get("/admin/orders/abc").status_code == 404


def test_account_lifecycle(runtime: Runtime, office: Office, http: TestClient, catalog: list[int]) -> None:
    opened = office.post(
        "/admin/accounts",
        {
            "email": "new.shop@example.com",
            "password": "shop password 1",
            "name": "New Shop",
            "address": "Via Po, 3, 10123, Torino, TO, IT",
            "ecredit": "20.00",
        },
    )
    assert opened.url.path.startswith("/admin/accounts/")
    [api_key] = lxml_html.fromstring(opened.text).xpath("//code[@id='secret']/text()")
    assert http.get(LOCKED, auth=(api_key, "shop password 1")).status_code == 200
    assert api_key not in office.get(opened.url.path).text  # shown once
    account = find_account(runtime.db, email="new.shop@example.com")
    assert account.ecredit == Decimal("20.00") and account.city == "Torino"
    path = opened.url.path

    credited = office.post(f"{path}/credit", {"amount": "25.50", "note": "bank transfer"}, back=path)
    assert "e-credit now 45.50" in flash(credited.text)
    refused = office.post(f"{path}/credit", {"amount": "-100"}, back=path)
    assert "cannot remove 100" in flash(refused.text)
    assert "is not an amount" in flash(office.post(f"{path}/credit", {"amount": "lots"}, back=path).text)
    assert find_account(runtime.db, email="new.shop@example.com").ecredit == Decimal("45.50")

    office.post(f"{path}/settings", {"name": "Renamed", "auto_confirm": "on"}, back=path)  # enabled unticked
    account = find_account(runtime.db, email="new.shop@example.com")
    assert (account.name, account.auto_confirm, account.enabled) == ("Renamed", True, False)
    assert http.get(LOCKED, auth=(api_key, "shop password 1")).status_code == 401
    office.post(f"{path}/settings", {"name": "Renamed", "enabled": "on"}, back=path)

    rotated = office.post(f"{path}/rotate-key", back=path)
    [new_key] = lxml_html.fromstring(rotated.text).xpath("//code[@id='secret']/text()")
    assert new_key != api_key
    assert http.get(LOCKED, auth=(api_key, "shop password 1")).status_code == 401
    assert http.get(LOCKED, auth=(new_key, "shop password 1")).status_code == 200

    duplicate = office.post(
        "/admin/accounts", {"email": "NEW.shop@example.com", "password": "another password"}
    )
    assert "already exists" in flash(duplicate.text)
    assert "at least 8 characters" in flash(office.post("/admin/accounts", {"email": "x@example.com"}).text)
    assert check_invariants(runtime.db) == []
    listed = rows(office.get("/admin/accounts", q="new.shop").text, "accounts")
    assert [row[:3] for row in listed] == [["new.shop@example.com", "Renamed", "45.50"]]
    assert rows(office.get("/admin/accounts", q="nobody").text, "accounts") == []


def test_account_carriers(
    runtime: Runtime, office: Office, http: TestClient, catalog: list[int], shop: Shop
) -> None:
    path = f"/admin/accounts/{shop.account_id}"
    office.post(f"{path}/carriers", {"carrier_20": "on", "cost_20": "4.00", "carrier_30": "on"}, back=path)
    carriers = http.get(
        "/restful/export/carriers", auth=shop.auth, headers={"Accept": "application/json"}
    ).json()
    assert carriers == [{"id": 20, "name": "UPS", "cost": 4.0}, {"id": 30, "name": "Light", "cost": 3.0}]
    page = office.get(path).text
    assert (
        'name="cost_20" inputmode="decimal" size="8" aria-label="cost of UPS for this account" value="4.00"'
        in page
    )
    assert "is not an amount" in flash(
        office.post(f"{path}/carriers", {"carrier_20": "on", "cost_20": "x"}).text
    )
    office.post(f"{path}/carriers", {}, back=path)  # nothing ticked: every carrier again
    carriers = http.get(
        "/restful/export/carriers", auth=shop.auth, headers={"Accept": "application/json"}
    ).json()
    assert [c["id"] for c in carriers] == [10, 20, 30]


def catalog_ids(office: Office, **query: str) -> list[str]:
    tree = lxml_html.fromstring(office.get("/admin/catalog", **query).text)
    return [row.get("id").removeprefix("model-") for row in tree.xpath("//table[@id='catalog']//tr[@id]")]


def test_catalog_search(runtime: Runtime, office: Office, catalog: list[int]) -> None:
    assert catalog_ids(office, q="100004") == [
        str(s) for s in range(100003, 100008)
    ]  # a stock_id: its product
    assert catalog_ids(office, q="1003") == ["100011", "100012"]  # a product id
    assert catalog_ids(office, q="8000000100027") == ["100027"]  # a barcode
    assert catalog_ids(office, q="dun-1003-br-s") == ["100011", "100012"]  # a model code prefix
    assert catalog_ids(office, q="gal-") == [
        str(s) for s in [*range(100003, 100008), 100027]
    ]  # product codes
    assert catalog_ids(office, q="hanami BELTS") == [
        str(s) for s in [*range(100017, 100023), *range(100034, 100037)]
    ]
    assert catalog_ids(office, q="hana bel") == catalog_ids(office, q="hanami belts")  # starts of words
    assert catalog_ids(office, q="anami") == []  # words match from their start, not inside
    assert catalog_ids(office, q="no such thing") == []
    assert catalog_ids(office, q="50%_") == []  # LIKE wildcards are taken literally
    assert catalog_ids(office, q="1003", max_free="0") == []
    assert "1009" in office.get("/admin/catalog", max_free="0").text
    assert "max free 'x' is not a whole number" in office.get("/admin/catalog", max_free="x").text.replace(
        "&#39;", "'"
    )
    assert len(catalog_ids(office)) == len(catalog)


def test_renamed_products_are_found_by_their_new_name(
    runtime: Runtime, office: Office, catalog: list[int]
) -> None:
    [first] = list(generate_catalog(products=1, seed=7))
    import_products(runtime.db, records=[replace(first, name="Aurora Trench")], actor="test")
    assert catalog_ids(office, q="aurora") == [str(m.id) for m in first.models]
    assert catalog_ids(office, q="fjord loafers") == []  # the old name is forgotten


def test_stock_edit(runtime: Runtime, office: Office, catalog: list[int], shop: Shop) -> None:
    lock(runtime.db, principal(runtime.db, shop.account_id, shop.api_key), [(100001, 4)])
    back = "/admin/catalog?q=100001"
    done = office.post("/admin/catalog/stock", {"stock_id": "100001", "quantity": "7"}, back=back)
    assert done.url.path == "/admin/catalog" and "on hand 40 → 7" in flash(done.text)
    too_low = office.post("/admin/catalog/stock", {"stock_id": "100001", "quantity": "3"}, back=back)
    assert "4 units locked" in flash(too_low.text)
    assert "does not exist" in flash(
        office.post("/admin/catalog/stock", {"stock_id": "1", "quantity": "3"}).text
    )
    assert "at least 0" in flash(
        office.post("/admin/catalog/stock", {"stock_id": "100001", "quantity": "-1"}).text
    )
    tree = lxml_html.fromstring(office.get("/admin/catalog", q="100001").text)
    [cells] = [
        [c.text_content().strip() for c in r.xpath("./td")] for r in tree.xpath("//tr[@id='model-100001']")
    ]
    assert cells[4:6] == ["4", "3"]  # locked, free
    assert check_invariants(runtime.db) == []


def test_reservations_release(
    runtime: Runtime, office: Office, catalog: list[int], make_account: AccountFactory
) -> None:
    first, second = make_account(), make_account()
    lock(runtime.db, principal(runtime.db, first.account_id, first.api_key), [(100001, 3), (100009, 2)])
    lock(runtime.db, principal(runtime.db, second.account_id, second.api_key), [(100001, 1)])
    overview = rows(office.get("/admin/reservations").text, "reservations")
    assert [row[:3] for row in overview] == [[first.email, "2", "5"], [second.email, "1", "1"]]
    path = f"/admin/reservations/{first.account_id}"
    held = rows(office.get(path).text, "held")
    assert [(row[0], row[2], row[3]) for row in held] == [("100001", "3", "36"), ("100009", "2", "38")]

    released = office.post(f"{path}/release", {"stock_id": "100001"}, back=path)
    assert "Released 3 unit(s) of stock_id 100001" in flash(released.text)
    assert [row[0] for row in rows(released.text, "held")] == ["100009"]
    office.post(f"{path}/release", back=path)
    assert [(h.email, h.stock_id, h.quantity) for h in list_reservations(runtime.db)] == [
        (second.email, 100001, 1)
    ]
    assert check_invariants(runtime.db) == []
    assert office.get("/admin/reservations/424242").status_code == 404


def test_carriers_page(runtime: Runtime, office: Office, catalog: list[int]) -> None:
    office.post(
        "/admin/carriers",
        {"id": "40", "name": "GLS", "cost": "6.10", "countries": "it, de", "max_weight": "31.5"},
    )
    assert ["40", "GLS", "6.10", "DE, IT", "31.500", "no"] in rows(
        office.get("/admin/carriers").text, "carriers"
    )
    assert "carrier cost cannot be negative" in flash(
        office.post("/admin/carriers", {"id": "41", "name": "X", "cost": "-1"}).text
    )
    bad_country = office.post("/admin/carriers", {"id": "41", "name": "X", "cost": "1", "countries": "XX"})
    assert "'XX' is not an ISO 3166-1 alpha-2 country code" in flash(bad_country.text)


def test_pages_cost_a_fixed_number_of_statements(
    runtime: Runtime, office: Office, catalog: list[int], make_account: AccountFactory
) -> None:
    shops = [make_account(ecredit="100") for _ in range(3)]
    for n, shop in enumerate(shops):
        who = principal(runtime.db, shop.account_id, shop.api_key)
        lock(runtime.db, who, [(100009, 1), (100015, 1)])
        dropship(runtime.db, who, f"o{n}", {100001: 1, 100030: 1})
    set_stock(runtime.db, stock_id=100002, quantity=2, actor="test")
    for path in [
        "/admin/",
        "/admin/orders",
        "/admin/orders/1",
        "/admin/catalog",
        "/admin/catalog?q=hanami",
        "/admin/accounts",
        f"/admin/accounts/{shops[0].account_id}",
        "/admin/reservations",
        f"/admin/reservations/{shops[0].account_id}",
    ]:
        with statements(runtime) as seen:
            assert office.get(path).status_code in (200, 404)
        # However many rows a page shows, it reads them in a handful of statements (no query per row).
        assert len(seen) <= 8, (path, seen)
