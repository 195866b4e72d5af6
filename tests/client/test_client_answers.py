"""Every endpoint's answer is read into typed results, in both formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from stockgate_client import (
    Carrier,
    Client,
    DecodingError,
    Locale,
    OrderState,
    Reservation,
    ReservedModel,
    ReturnLine,
    ReturnStatus,
    TagValue,
)
from tests.client import ghost_samples as samples
from tests.client.conftest import FakeServer


def test_carriers(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(body=samples.CARRIERS[fmt], content_type=samples.CONTENT_TYPE[fmt])
    carriers = client.carriers()
    assert carriers == [Carrier(10, "DHL", Decimal("9.80")), Carrier(20, "UPS", Decimal("12.00"))]
    assert str(carriers[0].cost) == "9.80"


def test_reservation(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(body=samples.RESERVATION[fmt], content_type=samples.CONTENT_TYPE[fmt])
    reservation = client.reservation()
    assert reservation == Reservation(1000, (ReservedModel(3, 11, 5), ReservedModel(7, 0, 2)))
    assert reservation.locked(3) == 11
    assert reservation.locked(999) == 0


def test_reservation_never_made(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(body=samples.EMPTY_RESERVATION[fmt], content_type=samples.CONTENT_TYPE[fmt])
    assert client.reservation() == Reservation(0, ())


def test_placed_orders(client: Client, server: FakeServer, fmt: str, make_order: object) -> None:
    server.reply(body=samples.PLACED[fmt], content_type=samples.CONTENT_TYPE[fmt])
    placed = client.place_dropship_order(make_order)  # type: ignore[arg-type]
    assert placed.order_id == 1002
    # JSON names every new order; XML only the last one, as the spec writes it.
    assert placed.order_ids == ((1001, 1002) if fmt == "json" else (1002,))
    assert placed.reservation == Reservation(1002, (ReservedModel(3, 1, 5),))


def test_acquire_answers_a_bare_number(client: Client, server: FakeServer) -> None:
    server.reply(body="1234\n", content_type="text/plain;charset=UTF-8")
    assert client.acquire({59: 10}) == 1234


def test_acquire_answer_not_a_number(client: Client, server: FakeServer) -> None:
    server.reply(body="<html>oops</html>", content_type="text/html")
    with pytest.raises(DecodingError, match="order id"):
        client.acquire({59: 10})


def test_order_status_dispatched(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(body=samples.ORDER_STATUS[fmt], content_type=samples.CONTENT_TYPE[fmt])
    status = client.order_status(130)
    assert status.order_id == 130
    assert status.ext_ref == "2357"
    assert status.status == OrderState.DISPATCHED
    assert status.state is OrderState.DISPATCHED
    assert status.dispatched
    assert status.substatus is None
    assert status.last_update == datetime(2021, 2, 3, 14, 36, 55, tzinfo=timezone(timedelta(hours=2)))
    assert status.last_update.utcoffset() == timedelta(hours=2)
    assert (status.tracking_code, status.tracking_url, status.carrier_name) == (
        "1Z999",
        "https://track.example/1Z999",
        "UPS",
    )


def test_order_status_booked_has_nulls(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(body=samples.BOOKED_STATUS[fmt], content_type=samples.CONTENT_TYPE[fmt])
    status = client.order_status_by_key("2357")
    assert status.ext_ref is None
    assert status.state is OrderState.BOOKED
    assert not status.dispatched
    assert status.tracking_code is status.tracking_url is status.carrier_name is None
    assert status.last_update == datetime(2021, 2, 3, 14, 36, 55, tzinfo=UTC)


def test_order_status_of_unknown_code_keeps_the_int(client: Client, server: FakeServer) -> None:
    server.reply(
        body='{"orders": [{"order_id": 1, "status": 77, "last_update": "2021/02/03 14:36:55 +0000"}]}',
        content_type="application/json",
    )
    status = client.order_status(1)
    assert status.status == 77
    assert status.state is None


def test_order_status_falls_back_to_parsed_date(client: Client, server: FakeServer) -> None:
    server.reply(body='{"orders": [{"order_id": 1, "status": 5, "parsedDate": 1612363015000}]}')
    assert client.order_status(1).last_update == datetime(2021, 2, 3, 14, 36, 55, tzinfo=UTC)


def test_returns(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(body=samples.RETURNS[fmt], content_type=samples.CONTENT_TYPE[fmt])
    returns = client.returns_by_order(912120)
    assert returns.order_id == 912120
    assert returns.lines == (
        ReturnLine(182179, 1, 2, ReturnStatus.AUTHORIZED_PAID_BY_CUSTOMER, 0, "damaged", "123", "R-77",
                   "/restful/returnedgoods/print/R-77.pdf"),
        ReturnLine(182179, 1, 2, ReturnStatus.PENDING, 0),
    )  # fmt: skip


def test_open_return_accepted(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(body=samples.RETURN_OK[fmt], content_type=samples.CONTENT_TYPE[fmt])
    assert client.open_return(912120, []) is None


def test_return_pdf(client: Client, server: FakeServer) -> None:
    server.reply(body=b"%PDF-1.4 ...", content_type="application/pdf")
    assert client.return_pdf("R-77") == b"%PDF-1.4 ..."


def test_locales_and_tags(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(body=samples.LOCALES[fmt], content_type=samples.CONTENT_TYPE[fmt])
    server.reply(body=samples.TAGS[fmt], content_type=samples.CONTENT_TYPE[fmt])
    assert client.locales() == [Locale("en_US", "English"), Locale("it_IT", "Italiano")]
    assert client.tags() == [TagValue("brand", "Acme"), TagValue("category", "Shoes")]


def test_answer_read_by_its_content_type_not_the_requested_format(client: Client, server: FakeServer) -> None:
    # A server may ignore Accept; the Content-Type of the answer says how to read it.
    server.reply(body=samples.CARRIERS["xml"], content_type="text/xml")
    server.reply(body=samples.CARRIERS["json"], content_type="application/json")
    assert client.carriers() == client.carriers()


def test_check_credentials_uses_head(client: Client, server: FakeServer) -> None:
    server.reply()
    client.check()
    assert server.last.method == "HEAD"
    assert server.last.url.path == "/restful/ghost/orders/dropshipping/locked"


@pytest.mark.parametrize(
    "body",
    [
        '{"models": [{"stock_id": "x"}]}',
        "{not json",
        "[1, 2]",
        '<root order_id="1"><model locked="1"/></root>',
    ],
)
def test_unreadable_answer_is_a_decoding_error(client: Client, server: FakeServer, body: str) -> None:
    server.reply(body=body)
    with pytest.raises(DecodingError):
        client.reservation()
