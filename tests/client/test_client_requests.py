"""What the client sends: method, path, headers, credentials and bodies in both formats."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from stockgate_client import Client, DropshipOrder, Line, Operation, ReturnItem, ReturnReason
from tests.client import ghost_samples as samples
from tests.client.conftest import FakeServer
from tests.support.orders import seed_recipient

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _json(server: FakeServer) -> object:
    return json.loads(server.last.content)


def test_credentials_and_negotiation_headers(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(body=samples.RESERVATION[fmt], content_type=samples.CONTENT_TYPE[fmt])
    client.lock({3: 3})
    request = server.last
    credentials = base64.b64decode(request.headers["Authorization"].removeprefix("Basic ")).decode()
    user, password = credentials.split(":")
    assert (user, password) == ("4a5b6c7d-0000-4000-8000-000000000001", "secret")
    media = f"application/{fmt}"
    assert request.headers["Accept"] == media
    assert request.headers["Content-Type"] == f"{media}; charset=utf-8"
    assert request.headers["User-Agent"].startswith("stockgate-client/")


def test_get_sends_no_content_type(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(body=samples.CARRIERS[fmt], content_type=samples.CONTENT_TYPE[fmt])
    client.carriers()
    assert (server.last.method, server.last.url.path) == ("GET", "/restful/export/carriers")
    assert "Content-Type" not in server.last.headers
    assert server.last.content == b""


def test_reserve_json(server: FakeServer, make_client: Callable[[str], Client]) -> None:
    client = make_client("json")
    server.reply(body=samples.RESERVATION["json"])
    client.reserve([Operation.of("lock", {3: 3, 4: 1}), Operation("unlock", (Line(5, 2),))])
    assert (server.last.method, server.last.url.path) == ("POST", "/restful/ghost/orders/sold")
    assert _json(server) == {
        "operations": [
            {"type": "lock", "models": [{"stock_id": 3, "quantity": 3}, {"stock_id": 4, "quantity": 1}]},
            {"type": "unlock", "models": [{"stock_id": 5, "quantity": 2}]},
        ]
    }


def test_reserve_xml(server: FakeServer, make_client: Callable[[str], Client]) -> None:
    client = make_client("xml")
    server.reply(body=samples.RESERVATION["xml"])
    client.reserve([Operation.of("lock", {3: 3}), Operation.of("ensure", {4: 1})])
    assert server.last.content == XML_DECLARATION + (
        b'<root><operation type="lock"><model stock_id="3" quantity="3"/></operation>'
        b'<operation type="ensure"><model stock_id="4" quantity="1"/></operation></root>'
    )


@pytest.mark.parametrize("operation", ["lock", "unlock", "set", "ensure"])
def test_convenience_operations(server: FakeServer, client: Client, fmt: str, operation: str) -> None:
    server.reply(body=samples.RESERVATION[fmt], content_type=samples.CONTENT_TYPE[fmt])
    reservation = getattr(client, operation)([Line(3, 2)])
    assert reservation.order_id == 1000
    assert operation.encode() in server.last.content


def test_dropship_order_json(
    server: FakeServer, make_client: Callable[[str], Client], make_order: DropshipOrder
) -> None:
    client = make_client("json")
    server.reply(body=samples.PLACED["json"])
    client.place_dropship_order(make_order)
    assert server.last.url.path == "/restful/ghost/orders/0/dropshipping"
    assert _json(server) == {
        "order_list": [
            {
                "key": "2357",
                "date": "2021/02/02 23:59:59 +0100",
                "carrierId": 20,
                "autoConfirm": True,
                "recipient_details": seed_recipient(),
                "item_list": [{"stock_id": 1578, "quantity": 1}, {"stock_id": 1567, "quantity": 2}],
            }
        ]
    }


def test_dropship_order_xml(
    server: FakeServer, make_client: Callable[[str], Client], make_order: DropshipOrder
) -> None:
    client = make_client("xml")
    server.reply(body=samples.PLACED["xml"])
    client.place_dropship_order([make_order], reservation_id=1000)
    assert server.last.url.path == "/restful/ghost/orders/1000/dropshipping"
    assert server.last.content == XML_DECLARATION + (
        b"<root><order_list><order><key>2357</key><date>2021/02/02 23:59:59 +0100</date>"
        b"<carrierId>20</carrierId><recipient_details><recipient>ACME srl</recipient>"
        b"<cfpiva>12345558</cfpiva><customer_key>7777</customer_key><address><street_type>Via</street_type>"
        b"<street_name>Roma</street_name><address_number>1</address_number><zip>10100</zip>"
        b"<city>TORINO</city><province>TO</province><countrycode>IT</countrycode></address>"
        b"<phone><prefix>+39</prefix><number>0112838474</number></phone></recipient_details>"
        b"<item_list><item><stock_id>1578</stock_id><quantity>1</quantity></item>"
        b"<item><stock_id>1567</stock_id><quantity>2</quantity></item></item_list>"
        b"<autoConfirm>true</autoConfirm></order></order_list></root>"
    )


def test_order_text_is_escaped(
    server: FakeServer, client: Client, fmt: str, make_order: DropshipOrder
) -> None:
    from dataclasses import replace

    server.reply(body=samples.PLACED[fmt])
    order = replace(make_order, recipient=replace(make_order.recipient, notes='<b>fragile</b> & "quick"'))
    client.place_dropship_order(order)
    if fmt == "json":
        assert _json(server)["order_list"][0]["recipient_details"]["notes"] == order.recipient.notes  # type: ignore[index]
    else:
        assert b'<notes>&lt;b&gt;fragile&lt;/b&gt; &amp; "quick"</notes>' in server.last.content


def test_order_dates_must_be_aware(client: Client, make_order: DropshipOrder) -> None:
    from dataclasses import replace

    with pytest.raises(ValueError, match="timezone-aware"):
        client.place_dropship_order(replace(make_order, date=datetime(2021, 1, 1)))


def test_no_orders_is_refused_before_sending(client: Client, server: FakeServer) -> None:
    with pytest.raises(ValueError, match="at least one order"):
        client.place_dropship_order([])
    assert server.requests == []


def test_acquire_body_and_accept(server: FakeServer, client: Client, fmt: str) -> None:
    server.reply(body="77", content_type="text/plain")
    assert client.acquire({59: 10, 10: 7}, carrier_id=20, auto_confirm=False) == 77
    assert server.last.url.path == "/restful/ghost/supplierorder/acquire"
    assert server.last.headers["Accept"] == "text/plain"
    if fmt == "json":
        assert _json(server) == {
            "products": [{"stock_id": 59, "quantity": 10}, {"stock_id": 10, "quantity": 7}],
            "carrierId": 20,
            "autoConfirm": False,
        }
    else:
        assert server.last.content == XML_DECLARATION + (
            b'<supplierorder><products><product stock_id="59" quantity="10"/>'
            b'<product stock_id="10" quantity="7"/></products>'
            b"<carrierId>20</carrierId><autoConfirm>false</autoConfirm></supplierorder>"
        )


def test_acquire_leaves_out_optional_fields(server: FakeServer, client: Client) -> None:
    server.reply(body="77", content_type="text/plain")
    client.acquire([Line(59, 1)])
    assert b"carrierId" not in server.last.content
    assert b"autoConfirm" not in server.last.content


def test_open_return_body(server: FakeServer, client: Client, fmt: str) -> None:
    server.reply(body=samples.RETURN_OK[fmt], content_type=samples.CONTENT_TYPE[fmt])
    client.open_return(912120, [ReturnItem(182179, 1, ReturnReason.DAMAGED, notes="damaged", ext_ref="123")])
    assert server.last.url.path == "/restful/ghost/returnedgoods/request/new"
    if fmt == "json":
        assert _json(server) == {
            "orderId": 912120,
            "items": [
                {
                    "stockModelId": 182179,
                    "quantity": 1,
                    "reasonCode": 2,
                    "notes": "damaged",
                    "requestExtRef": "123",
                }
            ],
        }
    else:
        assert server.last.content == XML_DECLARATION + (
            b'<returnedGoodRequest orderId="912120"><returnedGoodRequestItem stockModelId="182179"'
            b' quantity="1" reasonCode="2" notes="damaged" requestExtRef="123"/></returnedGoodRequest>'
        )


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: c.order_status(130), "/restful/ghost/clientorders/serverkey/130"),
        (lambda c: c.order_status_by_key("A/1 b"), "/restful/ghost/clientorders/clientkey/A%2F1%20b"),
        (lambda c: c.returns_by_key("2357"), "/restful/ghost/returnedgoods/clientkey/2357"),
        (lambda c: c.returns_by_order(912120), "/restful/ghost/returnedgoods/serverkey/912120"),
        (lambda c: c.return_pdf("R-77"), "/restful/returnedgoods/print/R-77.pdf"),
        (lambda c: c.locales(), "/restful/export/locales"),
        (lambda c: c.tags(), "/restful/export/tags"),
        (lambda c: c.reservation(), "/restful/ghost/orders/dropshipping/locked"),
    ],
)
def test_paths(server: FakeServer, client: Client, call: object, path: str) -> None:
    server.reply(status=404, body="not found")
    with pytest.raises(Exception, match="404"):
        call(client)  # type: ignore[operator]
    assert server.last.url.raw_path.decode() == path


def test_base_url_with_a_prefix(server: FakeServer) -> None:
    import httpx

    server.reply(body="[]", content_type="application/json")
    transport = httpx.MockTransport(server.handle)
    with Client("http://ghost.test/wholesale/", "k", "p", transport=transport) as ghost:
        ghost.carriers()
    assert server.last.url.path == "/wholesale/restful/export/carriers"


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        Client("http://ghost.test", "k", "p", format="yaml")  # type: ignore[arg-type]


def test_client_reports_its_format(client: Client, fmt: str) -> None:
    assert client.format == fmt


def test_utc_order_date(server: FakeServer, client: Client, make_order: DropshipOrder) -> None:
    from dataclasses import replace

    server.reply(body=samples.PLACED["json"], content_type="application/json")
    client.place_dropship_order(replace(make_order, date=datetime(2017, 1, 31, 23, 59, 59, tzinfo=UTC)))
    assert b"2017/01/31 23:59:59 +0000" in server.last.content
