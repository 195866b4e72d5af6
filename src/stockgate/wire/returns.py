"""E9 request, the `<response status code message/>` answer, and the E10/E11 return lines (ghost API 4.8)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from stockgate.domain.errors import InvalidInput
from stockgate.domain.returns import ReturnItem, ReturnRequest, return_item
from stockgate.services.return_ports import ReturnLine
from stockgate.wire.negotiation import Format
from stockgate.wire.nodes import Node, XmlNode, as_int
from stockgate.wire.render import attrs, json_document, xml_document

ITEM = "returnedGoodRequestItem"


def read_return_request(root: Node) -> ReturnRequest:
    """`<returnedGoodRequest orderId><returnedGoodRequestItem .../>` or `{"orderId", "items": [...]}`."""
    order_id = as_int(root.required("orderId"), "orderId")
    if isinstance(root, XmlNode):
        items: list[Node] = list(root.all(ITEM)) or root.items("items", ITEM)
    else:
        items = root.items("items", ITEM) or root.items(ITEM, ITEM)
    if not items:
        raise InvalidInput("items", "the request has no returnedGoodRequestItem")
    return ReturnRequest(order_id, tuple(_item(item) for item in items))


def _item(item: Node) -> ReturnItem:
    stock_id = as_int(item.required("stockModelId", " in every item"), "stockModelId")
    where = f" of stockModelId {stock_id}"
    quantity = item.integer("quantity", where)
    reason = item.integer("reasonCode", where)
    return return_item(
        stock_id,
        1 if quantity is None else quantity,
        0 if reason is None else reason,  # absent: 0, "other"
        item.text("notes"),
        item.text("requestExtRef"),
    )


def render_outcome(ok: bool, code: int, message: str, fmt: Format) -> bytes:
    """`<response status="true" code="0" message=""/>` or `{"status": true, "code": 0, "message": ""}`."""
    if fmt == "json":
        return json_document({"status": ok, "code": code, "message": message})
    status = "true" if ok else "false"
    return xml_document(f"<response{attrs(status=status, code=code, message=message)}/>")


def render_order_returns(
    order_id: int, lines: Sequence[ReturnLine], fmt: Format, pdf_link: Callable[[str], str]
) -> bytes:
    """The return lines of one order; returnCode and pdfLink only once the line is authorised."""
    items = [
        {
            "stockModelId": line.stock_id,
            "quantity": 1,
            "reasonCode": line.reason_code,
            "status": line.status,
            "refundStatus": line.refund_status,
            "notes": line.notes,
            "requestExtRef": line.request_ext_ref,
            "returnCode": line.return_code,
            "pdfLink": pdf_link(line.return_code) if line.return_code else None,
        }
        for line in lines
    ]
    if fmt == "json":
        return json_document({"orderId": order_id, "items": items})
    body = "".join(f"<{ITEM}{attrs(**item)}/>" for item in items)
    return xml_document(f"<returnedGoodRequest{attrs(orderId=order_id)}>{body}</returnedGoodRequest>")
