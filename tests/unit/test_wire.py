"""Wire rules without a database: negotiation, lenient parsing, safe XML, exact rendering."""

from __future__ import annotations

import pytest

from stockgate.domain.errors import InvalidInput
from stockgate.wire.negotiation import NotAcceptable, UnsupportedMediaType, body_format, response_format
from stockgate.wire.nodes import as_int, parse_document
from stockgate.wire.orders import read_acquire
from stockgate.wire.render import attrs
from stockgate.wire.reservations import read_operations, render_reservation


def test_body_format() -> None:
    assert body_format("application/json", b"{}") == "json"
    assert body_format("TEXT/XML; charset=utf-8", b"<a/>") == "xml"
    assert body_format(None, b"  [") == "json"
    assert body_format("application/vnd.api+json", b"{}") == "json"
    assert body_format("application/json", b"   ") is None
    with pytest.raises(UnsupportedMediaType):
        body_format(None, b"hello")
    with pytest.raises(UnsupportedMediaType):
        body_format("application/pdf", b"<a/>")


def test_response_format() -> None:
    assert response_format(None, None) == "xml"
    assert response_format("", "json") == "json"
    assert response_format("*/*", "json") == "json"
    assert response_format("application/json, application/xml", None) == "json"
    assert response_format("application/xml;q=0.1, application/json;q=0.2", None) == "json"
    assert response_format("application/json;q=bad, text/xml", None) == "xml"
    with pytest.raises(NotAcceptable):
        response_format("text/html", None)


def test_as_int_is_lenient_but_exact() -> None:
    assert as_int("12", "q") == 12
    assert as_int("2.0", "q") == 2
    for bad in ("2.5", "1e400", "x", "nan", "99999999999999999999"):
        with pytest.raises(InvalidInput):
            as_int(bad, "q")


def test_json_values_may_be_numbers_booleans_or_strings() -> None:
    node = parse_document(
        b'{"products": [{"stock_id": 5, "quantity": " 2 "}], "carrierId": "20", "autoConfirm": false}', "json"
    )
    request = read_acquire(node)
    assert request.lines == {5: 2}
    assert request.carrier_id == 20
    assert request.auto_confirm is False


def test_xml_values_may_be_attributes_or_elements() -> None:
    xml = b"<supplierorder><products><product><stock_id>5</stock_id><quantity>2</quantity></product><product stock_id='5' quantity='1'/></products><autoConfirm/></supplierorder>"
    request = read_acquire(parse_document(xml, "xml"))
    assert request.lines == {5: 3}
    assert request.auto_confirm is True  # empty element: absent: default


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><root>&x;</root>',
        b'<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><root>&b;</root>',
        "<?xml version='1.0' encoding='UTF-16'?><!DOCTYPE r><root/>".encode("utf-16"),
        b"<a>" * 100 + b"</a>" * 100,
        b"<root>\xff\xfe</root>",
    ],
)
def test_hostile_xml_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_document(body, "xml")
    assert "passwd" not in caught.value.message


def test_deep_json_is_refused() -> None:
    with pytest.raises(InvalidInput, match="nested deeper"):
        parse_document(b'{"a":' * 40 + b"1" + b"}" * 40, "json")
    with pytest.raises(InvalidInput, match="must be an object"):
        parse_document(b"[1, 2]", "json")


def test_empty_operation_element_is_absent() -> None:
    ops = read_operations(parse_document(b'<root><operation/><operation type="set"/></root>', "xml"))
    assert [(op.type, op.quantities) for op in ops] == [("set", {})]


def test_render_reservation_exact() -> None:
    models = [(3, 11, 5)]
    assert render_reservation(1000, models, "xml") == (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<root order_id="1000"><model stock_id="3" locked="11" available="5"/></root>'
    )
    assert (
        render_reservation(1000, models, "json")
        == b'{"models":[{"stock_id":3,"locked":11,"available":5}],"order_id":1000}'
    )
    assert b'"order_ids":[1,2]' in render_reservation(2, [], "json", [1, 2])


def test_attributes_are_escaped() -> None:
    assert attrs(name='A "quoted" <b> & c', skip=None) == " name='A \"quoted\" &lt;b&gt; &amp; c'"
