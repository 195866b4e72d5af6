"""The XML wire format.

Answers are parsed with lxml with entity resolution and network access off: a hostile or broken
server cannot make the client read local files or fetch URLs.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from ..dates import format_ghost_date
from ..models import (
    Carrier,
    DropshipOrder,
    Line,
    Locale,
    Operation,
    OrderStatus,
    PlacedOrders,
    Recipient,
    Reservation,
    ReturnItem,
    Returns,
    TagValue,
)
from .results import (
    Outcome,
    build_carrier,
    build_locale,
    build_order_status,
    build_outcome,
    build_reservation,
    build_return_line,
    build_tag_value,
)
from .values import opt_integer
from .xml_catalog import XmlCatalogReader, safe_parser_options

__all__ = ["XmlCodec", "parse_xml"]

_Element = etree._Element
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def parse_xml(body: bytes) -> _Element:
    """Parse a whole (small) XML answer safely."""
    return etree.fromstring(body, parser=etree.XMLParser(**safe_parser_options()))


def _children_text(element: _Element) -> dict[str, str | None]:
    return {str(child.tag): child.text for child in element if isinstance(child.tag, str)}


def _attributes(element: _Element) -> dict[str, str]:
    return {str(key): str(value) for key, value in element.attrib.items()}


def _document(root: _Element) -> bytes:
    # Written by hand: lxml would quote the declaration with apostrophes, unlike the seed documents.
    return _DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


def _sub(parent: _Element, tag: str, value: object) -> None:
    # Optional fields are left out rather than sent empty: both mean "absent" to the server.
    if value is not None:
        etree.SubElement(parent, tag).text = str(value)


def _boolean(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


def _recipient(parent: _Element, recipient: Recipient) -> None:
    details = etree.SubElement(parent, "recipient_details")
    _sub(details, "recipient", recipient.name)
    _sub(details, "careof", recipient.careof)
    _sub(details, "cfpiva", recipient.cfpiva)
    _sub(details, "customer_key", recipient.customer_key)
    _sub(details, "notes", recipient.notes)
    address = etree.SubElement(details, "address")
    for tag in ("street_type", "street_name", "address_number", "zip", "city", "province", "countrycode"):
        _sub(address, tag, getattr(recipient.address, tag))
    if recipient.phone is not None:
        phone = etree.SubElement(details, "phone")
        _sub(phone, "prefix", recipient.phone.prefix)
        _sub(phone, "number", recipient.phone.number)


class XmlCodec:
    """Encode requests and decode answers as ``application/xml``."""

    name = "xml"
    media_type = "application/xml"

    def encode_reserve(self, operations: Sequence[Operation]) -> bytes:
        """The E3 body: ``<root><operation type=".."><model stock_id quantity/>``."""
        root = etree.Element("root")
        for op in operations:
            operation = etree.SubElement(root, "operation", type=op.type)
            for line in op.lines:
                etree.SubElement(operation, "model", stock_id=str(line.stock_id), quantity=str(line.quantity))
        return _document(root)

    def encode_orders(self, orders: Sequence[DropshipOrder]) -> bytes:
        """The E6 body: ``<root><order_list><order>..``, as in the seed document."""
        root = etree.Element("root")
        order_list = etree.SubElement(root, "order_list")
        for order in orders:
            element = etree.SubElement(order_list, "order")
            _sub(element, "key", order.key)
            _sub(element, "date", format_ghost_date(order.date))
            _sub(element, "carrierId", order.carrier_id)
            _recipient(element, order.recipient)
            items = etree.SubElement(element, "item_list")
            for line in order.items:
                item = etree.SubElement(items, "item")
                _sub(item, "stock_id", line.stock_id)
                _sub(item, "quantity", line.quantity)
            _sub(element, "autoConfirm", _boolean(order.auto_confirm))
        return _document(root)

    def encode_acquire(
        self, lines: Sequence[Line], carrier_id: int | None, auto_confirm: bool | None
    ) -> bytes:
        """The E5 body: ``<supplierorder><products><product stock_id quantity/>..``."""
        root = etree.Element("supplierorder")
        products = etree.SubElement(root, "products")
        for line in lines:
            etree.SubElement(products, "product", stock_id=str(line.stock_id), quantity=str(line.quantity))
        _sub(root, "carrierId", carrier_id)
        _sub(root, "autoConfirm", _boolean(auto_confirm))
        return _document(root)

    def encode_return(self, order_id: int, items: Sequence[ReturnItem]) -> bytes:
        """The E9 body: ``<returnedGoodRequest orderId><returnedGoodRequestItem ../>``."""
        root = etree.Element("returnedGoodRequest", orderId=str(order_id))
        for item in items:
            attributes = {
                "stockModelId": str(item.stock_id),
                "quantity": str(item.quantity),
                "reasonCode": str(int(item.reason)),
            }
            if item.notes is not None:
                attributes["notes"] = item.notes
            if item.ext_ref is not None:
                attributes["requestExtRef"] = item.ext_ref
            etree.SubElement(root, "returnedGoodRequestItem", attributes)
        return _document(root)

    def decode_carriers(self, body: bytes) -> list[Carrier]:
        """The E2 answer: ``<collection><carrier id name cost/>``."""
        return [build_carrier(_attributes(c)) for c in parse_xml(body).iter("carrier")]

    def decode_reservation(self, body: bytes) -> Reservation:
        """The E3/E4 answer: ``<root order_id><model stock_id locked available/>``."""
        root = parse_xml(body)
        return build_reservation(root.get("order_id"), [_attributes(m) for m in root.iter("model")])

    def decode_placed(self, body: bytes) -> PlacedOrders:
        """The E6 answer; XML names only the last order's id."""
        reservation = self.decode_reservation(body)
        return PlacedOrders((reservation.order_id,), reservation)

    def decode_order_statuses(self, body: bytes) -> list[OrderStatus]:
        """The E7/E8 answer: ``<root><order_list><order>`` with child elements."""
        return [build_order_status(_children_text(o)) for o in parse_xml(body).iter("order")]

    def decode_outcome(self, body: bytes) -> Outcome:
        """The E9 answer: ``<response status code message/>``."""
        return build_outcome(_attributes(parse_xml(body)))

    def decode_returns(self, body: bytes) -> Returns:
        """The E10/E11 answer: ``<returnedGoodRequest orderId><returnedGoodRequestItem ../>``."""
        root = parse_xml(body)
        return Returns(
            order_id=opt_integer(root.get("orderId")) or 0,
            lines=tuple(build_return_line(_attributes(i)) for i in root.iter("returnedGoodRequestItem")),
        )

    def decode_locales(self, body: bytes) -> list[Locale]:
        """The E12 answer: ``<wrapper><value key="en_US">English</value>``."""
        return [build_locale({"key": v.get("key"), "value": v.text}) for v in parse_xml(body).iter("value")]

    def decode_tags(self, body: bytes) -> list[TagValue]:
        """The E13 answer: ``<value key="brand">Acme</value>`` per tag value."""
        return [
            build_tag_value({"key": v.get("key"), "value": v.text}) for v in parse_xml(body).iter("value")
        ]

    def catalog_reader(self) -> XmlCatalogReader:
        """A push parser for one XML export."""
        return XmlCatalogReader()
