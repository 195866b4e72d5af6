"""E5 / E6 request bodies and the E7 / E8 status document (ghost API 4.5-4.7)."""

from __future__ import annotations

from stockgate.domain.countries import country_code
from stockgate.domain.dates import format_order_date, parse_order_date
from stockgate.domain.errors import InvalidInput
from stockgate.domain.orders import AcquireRequest, Address, DropshipOrderRequest, Recipient, merge_lines
from stockgate.services.order_ports import OrderStatusRow
from stockgate.wire.negotiation import Format
from stockgate.wire.nodes import Node, XmlNode, as_int
from stockgate.wire.render import element, json_document, xml_document

MAX_ORDERS_PER_REQUEST = 100


def read_dropship_orders(root: Node) -> list[DropshipOrderRequest]:
    """`<root><order_list><order>...` (or `<order_list>` as the root) / `{"order_list": [...]}`."""
    if isinstance(root, XmlNode) and root.element.tag == "order_list":
        orders: list[Node] = list(root.all("order"))
    else:
        orders = root.items("order_list", "order")
    if not orders:
        raise InvalidInput("order_list", "order_list has no order")
    if len(orders) > MAX_ORDERS_PER_REQUEST:
        raise InvalidInput("order_list", f"at most {MAX_ORDERS_PER_REQUEST} orders per request")
    return [_dropship_order(order, position) for position, order in enumerate(orders, 1)]


def _dropship_order(order: Node, position: int) -> DropshipOrderRequest:
    key = order.required("key", f" in order {position}")
    where = f" in order {key}"
    details = order.child("recipient_details")
    if details is None:
        raise InvalidInput("recipient_details", f"recipient_details is required{where}")
    address = details.child("address")
    if address is None:
        raise InvalidInput("address", f"address is required{where}")
    phone = details.child("phone")
    recipient = Recipient(
        recipient=details.required("recipient", where),
        careof=details.text("careof"),
        cfpiva=details.text("cfpiva"),
        customer_key=details.text("customer_key"),
        notes=details.text("notes"),
        phone_prefix=phone.text("prefix") if phone else None,
        phone_number=phone.text("number") if phone else None,
        address=Address(
            street_type=address.text("street_type"),
            street_name=address.required("street_name", where),
            address_number=address.text("address_number"),
            zip=address.required("zip", where),
            city=address.required("city", where),
            province=address.text("province"),
            countrycode=country_code(address.required("countrycode", where)),
        ),
    )
    return DropshipOrderRequest(
        key=key,
        date=parse_order_date(order.required("date", where)),
        recipient=recipient,
        lines=merge_lines(_lines(order.items("item_list", "item"), where), f"order {key}"),
        carrier_id=order.integer("carrierId", where),
        auto_confirm=order.boolean("autoConfirm", True),
    )


def read_acquire(root: Node) -> AcquireRequest:
    """`<supplierorder><products><product stock_id quantity/>...` / `{"products": [...]}`."""
    lines = merge_lines(_lines(root.items("products", "product"), ""), "the order")
    return AcquireRequest(
        lines=lines,
        carrier_id=root.integer("carrierId"),
        auto_confirm=root.boolean("autoConfirm", True),
    )


def _lines(items: list[Node], where: str) -> list[tuple[int, int]]:
    lines = []
    for item in items:
        stock_id = as_int(item.required("stock_id", where), "stock_id", where)
        quantity = as_int(item.required("quantity", f" for stock_id {stock_id}{where}"), "quantity", where)
        lines.append((stock_id, quantity))
    return lines


def render_order_status(row: OrderStatusRow, fmt: Format) -> bytes:
    """The E7/E8 document; tracking stays null until the order is dispatched."""
    dispatched = row.status == 3
    fields: dict[str, object] = {
        "order_id": row.order_id,
        "ext_ref": row.key,
        "status": row.status,
        "substatus": row.substatus,
        "last_update": format_order_date(row.last_update),
        "tracking_code": row.tracking_code if dispatched else None,
        "tracking_url": row.tracking_url if dispatched else None,
        "carrier_name": row.tracking_carrier if dispatched else None,
    }
    if fmt == "json":
        fields["parsedDate"] = int(row.last_update.timestamp() * 1000)
        ordered = {name: fields[name] for name in _JSON_ORDER}
        return json_document({"orders": [ordered]})
    fields["parsedDate"] = row.last_update.isoformat(timespec="seconds")
    body = "".join(element(name, fields[name]) for name in _JSON_ORDER)
    return xml_document(f"<root><order_list><order>{body}</order></order_list></root>")


_JSON_ORDER = (
    "order_id",
    "ext_ref",
    "status",
    "substatus",
    "last_update",
    "parsedDate",
    "tracking_code",
    "tracking_url",
    "carrier_name",
)
