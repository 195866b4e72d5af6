"""Back-office warehouse work over HTTP (in-process): order steps, cancelling, returns, catalog upload."""

from __future__ import annotations

import gzip
from decimal import Decimal

import pytest
from lxml import html as lxml_html
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.domain.returns import ReturnItem, ReturnRequest
from stockgate.services.accounts import find_account
from stockgate.services.admins import create_admin
from stockgate.services.check import check_invariants
from stockgate.services.fulfilment import advance_order
from stockgate.services.return_requests import open_return
from stockgate.services.return_workflow import get_return
from stockgate.services.supplier_orders import show_order
from tests.conftest import AccountFactory, Shop
from tests.support.backoffice import ADMIN_EMAIL, ADMIN_PASSWORD, Office, dropship, principal
from tests.support.orders import JSON, STATUS_BY_KEY
from tests.support.supplier import on_hand


@pytest.fixture
def office(runtime: Runtime, http: TestClient) -> Office:
    create_admin(runtime.db, email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    return Office(http)


def flash(page: str) -> str:
    found = lxml_html.fromstring(page).xpath("//div[contains(@class, 'flash')]")
    return " ".join(found[0].text_content().split()) if found else ""


def buttons(page: str) -> list[str]:
    tree = lxml_html.fromstring(page)
    return [" ".join(b.text_content().split()) for b in tree.xpath("//section[@id='actions']//button")]


def test_an_order_through_the_warehouse(
    runtime: Runtime, office: Office, http: TestClient, catalog: list[int], make_account: AccountFactory
) -> None:
    shop = make_account(ecredit="1000")
    order_id = dropship(
        runtime.db,
        principal(runtime.db, shop.account_id, shop.api_key),
        "W-1",
        {100001: 2},
        auto_confirm=False,
    )
    page = office.get(f"/admin/orders/{order_id}").text
    assert buttons(page) == [
        "Confirm",
        "Working on it",
        "Ready for the carrier",
        "Dispatch",
        "Cancel order",
        "Reject order",
    ]
    total = show_order(runtime.db, order_id=order_id).fields["total"]

    confirmed = office.post(f"/admin/orders/{order_id}/advance", {"to": "2"})
    assert (
        flash(confirmed.text) == f"Order {order_id}: BOOKED → TO DISPATCH. {total:,.2f} taken from e-credit."
    )
    assert buttons(confirmed.text)[:2] == ["Working on it", "Ready for the carrier"]
    assert find_account(runtime.db, email=shop.email).ecredit == Decimal(1000) - total

    office.post(f"/admin/orders/{order_id}/advance", {"to": "3001"})
    untracked = office.post(f"/admin/orders/{order_id}/advance", {"to": "3"})
    assert "dispatching needs a tracking code or a tracking url" in flash(untracked.text)
    dispatched = office.post(
        f"/admin/orders/{order_id}/advance",
        {
            "to": "3",
            "tracking_code": "1Z999",
            "tracking_url": "https://track.example/1Z999",
            "carrier_name": "",
        },
    )
    assert flash(dispatched.text) == f"Order {order_id}: WORKING ON → DISPATCHED."
    assert buttons(dispatched.text) == []  # nothing left to do
    assert '<a href="https://track.example/1Z999"' in dispatched.text
    reported = http.get(STATUS_BY_KEY.format("W-1"), auth=shop.auth, headers=JSON).json()["orders"][0]
    assert (reported["status"], reported["tracking_code"]) == (3, "1Z999")
    back = f"/admin/orders/{order_id}"
    backwards = office.client.post(
        f"/admin/orders/{order_id}/advance",
        data={"csrf_token": office.csrf, "to": "3002"},
        headers={"Referer": f"http://testserver{back}"},  # without a `back` field, where the form was
    )
    assert backwards.url.path == back
    assert f"order {order_id} is DISPATCHED (3); it cannot move to status 3002" in flash(backwards.text)
    history = [
        row.text_content() for row in lxml_html.fromstring(backwards.text).xpath("//table[@id='history']//tr")
    ]
    assert any(f"admin:{ADMIN_EMAIL}" in row and "status → 3 DISPATCHED" in row for row in history), history
    assert check_invariants(runtime.db) == []


def test_cancel_and_reject(
    runtime: Runtime, office: Office, catalog: list[int], make_account: AccountFactory
) -> None:
    shop = make_account(ecredit="1000")
    who = principal(runtime.db, shop.account_id, shop.api_key)
    paid = dropship(runtime.db, who, "C-1", {100001: 3})
    rejected = dropship(runtime.db, who, "C-2", {100009: 1})
    stock_before = on_hand(runtime, 100001)
    total = show_order(runtime.db, order_id=paid).fields["total"]

    done = office.post(
        f"/admin/orders/{paid}/cancel", {"reason": "customer changed their mind", "reject": "0"}
    )
    assert flash(done.text) == (
        f"Order {paid} cancelled; its units are back in stock. {total:,.2f} paid back to e-credit."
    )
    assert on_hand(runtime, 100001) == stock_before + 3
    fields = show_order(runtime.db, order_id=paid).fields
    assert (fields["status"], fields["substatus"]) == (2000, 4)
    assert "customer changed their mind" in done.text  # the reason is in the history
    office.post(f"/admin/orders/{rejected}/cancel", {"reject": "1"})
    assert show_order(runtime.db, order_id=rejected).fields["substatus"] == 3
    again = office.post(f"/admin/orders/{paid}/cancel", {"reject": "0"})
    assert f"order {paid} is CANCELLED (2000)" in flash(again.text)
    assert find_account(runtime.db, email=shop.email).ecredit == Decimal(1000)
    assert check_invariants(runtime.db) == []


@pytest.fixture
def returned(runtime: Runtime, catalog: list[int], shop: Shop) -> tuple[int, list[int]]:
    """A dispatched, paid order of two units and a request to return both; (order id, line ids)."""
    from stockgate.services.accounts import credit_account

    credit_account(runtime.db, email=shop.email, amount=Decimal(500), actor="test")
    who = principal(runtime.db, shop.account_id, shop.api_key)
    order_id = dropship(runtime.db, who, "R-1", {100001: 2})
    advance_order(runtime.db, order_id=order_id, to=3, tracking_code="T1", actor="test")
    request = ReturnRequest(order_id, (ReturnItem(100001, 2, 4, "broken zip"),))
    return order_id, open_return(runtime.db, principal=who, request=request, actor="shop")


def row_text(page: str, line_id: int) -> str:
    [row] = lxml_html.fromstring(page).xpath(f"//tr[@id='return-{line_id}']")
    return " ".join(row.text_content().split())


def test_returns_queue(
    runtime: Runtime, office: Office, http: TestClient, shop: Shop, returned: tuple[int, list[int]]
) -> None:
    _order_id, (first, second) = returned
    page = office.get("/admin/returns").text
    assert "PENDING" in row_text(page, first) and "defective" in row_text(page, first)
    assert "broken zip" in row_text(page, first) and shop.email in row_text(page, first)
    assert "Returns to authorise" in office.get("/admin/").text
    authorised = office.post(
        f"/admin/returns/{first}/authorise", {"paid_by": "customer"}, back="/admin/returns"
    )
    line = get_return(runtime.db, return_id=first)
    assert line.status == 1 and line.return_code
    assert f"return code {line.return_code}" in flash(authorised.text)
    [link] = lxml_html.fromstring(authorised.text).xpath(
        f"//tr[@id='return-{first}']//a[contains(@href, '.pdf')]"
    )
    pdf = http.get(link.get("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    stock_before = on_hand(runtime, 100001)
    office.post(f"/admin/returns/{first}/receive", {"ok": "1"})
    assert on_hand(runtime, 100001) == stock_before + 1
    balance = find_account(runtime.db, email=shop.email).ecredit
    refunded = office.post(f"/admin/returns/{first}/refund")
    assert find_account(runtime.db, email=shop.email).ecredit == balance + line.unit_price
    assert "refunded" in row_text(refunded.text, first) and "COMPLETED" in row_text(refunded.text, first)
    office.post(f"/admin/returns/{second}/refuse")
    assert get_return(runtime.db, return_id=second).status == 7
    assert "it cannot be refunded" in flash(office.post(f"/admin/returns/{second}/refund").text)
    assert "return step fly not found" in flash(office.post(f"/admin/returns/{second}/fly").text)

    listed = office.get("/admin/returns", status="7").text
    assert [
        r.get("id") for r in lxml_html.fromstring(listed).xpath("//table[@id='returns']/tbody/tr[@id]")
    ] == [f"return-{second}"]
    assert "No return lines match" in office.get("/admin/returns", order="999999").text
    assert "is not a whole number" in office.get("/admin/returns", order="x").text
    assert check_invariants(runtime.db) == []


def test_returns_queue_pages_forwards(
    runtime: Runtime, office: Office, returned: tuple[int, list[int]]
) -> None:
    _order, (first, second) = returned
    assert "returns queue pages forwards only" in office.get("/admin/returns", before=str(second)).text
    page = office.get("/admin/returns", after=str(first)).text
    assert f"return-{second}" in page and f"return-{first}" not in page


CSV = "product_id;name;street_price;stock_id;availability\n7;Sciarpa;12,50;70;4\n7;Sciarpa;12,50;71;0\n"


def test_catalog_upload(runtime: Runtime, office: Office, catalog: list[int]) -> None:
    def upload(name: str, content: bytes, **fields: str) -> str:
        files = {"file": (name, content, "application/octet-stream")}
        answer = office.client.post(
            "/admin/catalog/import", data={"csrf_token": office.csrf, **fields}, files=files
        )
        assert answer.status_code == 200, answer.text
        return answer.text

    def counts(page: str) -> dict[str, str]:
        tree = lxml_html.fromstring(page)
        return {
            name: tree.xpath(f"//dd[@id='{name}']")[0].text
            for name in ("created", "updated", "unchanged", "skipped")
        }

    assert counts(upload("sheet.csv", CSV.encode())) == {
        "created": "1",
        "updated": "0",
        "unchanged": "0",
        "skipped": "0",
    }
    assert counts(upload("sheet.csv.gz", gzip.compress(CSV.encode()))) == {
        "created": "0",
        "updated": "0",
        "unchanged": "1",
        "skipped": "0",
    }
    assert "Sciarpa" in office.get("/admin/catalog", q="sciarpa").text
    broken = CSV + "8;Guanti;x;80;2\n"
    partly = upload("anything.dat", broken.encode(), format="csv")
    assert counts(partly)["skipped"] == "1" and "line 4" in partly
    refused = upload("sheet.csv", broken.replace("Sciarpa", "Scialle").encode(), strict="on")
    assert "1 broken item(s): nothing was imported." in refused
    assert "Scialle" not in office.get("/admin/catalog", q="7").text
    assert "choose a catalog file" in flash(
        office.post("/admin/catalog/import", back="/admin/catalog/import").text
    )
    no_token = office.client.post(
        "/admin/catalog/import", files={"file": ("a.csv", CSV.encode(), "text/csv")}
    )
    assert no_token.status_code == 403
    assert check_invariants(runtime.db) == []
