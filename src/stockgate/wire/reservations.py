"""E3 request and the reservation response shared by E3, E4 and E6 (ghost API 4.2, 4.3, 4.5)."""

from __future__ import annotations

from collections.abc import Sequence

from stockgate.domain.errors import InvalidInput
from stockgate.domain.stock import Operation, make_operation
from stockgate.services.stock_ports import ReservedModel
from stockgate.wire.negotiation import Format
from stockgate.wire.nodes import Node, XmlNode, as_int
from stockgate.wire.render import json_document, xml_document


def read_operations(root: Node) -> list[Operation]:
    """`<root><operation type="lock"><model stock_id quantity/>...` or `{"operations": [...]}`."""
    pairs: list[tuple[Node, list[Node]]]
    if isinstance(root, XmlNode):
        pairs = [(op, list(op.all("model"))) for op in root.all("operation")]
    else:
        pairs = [
            (op, op.items("models", "model") or op.items("model", "model"))
            for op in root.items("operations", "operation")
        ]
    operations = []
    for op, models in pairs:
        op_type = op.text("type")
        if op_type is None:
            if not models:
                continue  # <operation/>: an empty element means absent
            raise InvalidInput("type", "operation without a type")
        operations.append(make_operation(op_type.lower(), [_line(m) for m in models]))
    return operations


def _line(model: Node) -> tuple[int, int]:
    stock_id = as_int(model.required("stock_id", " in every model"), "stock_id")
    quantity = as_int(model.required("quantity", f" for stock_id {stock_id}"), "quantity")
    return stock_id, quantity


def render_reservation(
    order_id: int, models: Sequence[ReservedModel], fmt: Format, order_ids: Sequence[int] | None = None
) -> bytes:
    """`<root order_id=".."><model stock_id locked available/></root>` or its JSON twin."""
    if fmt == "json":
        document: dict[str, object] = {
            "models": [
                {"stock_id": stock_id, "locked": locked, "available": available}
                for stock_id, locked, available in models
            ],
            "order_id": order_id,
        }
        if order_ids is not None and len(order_ids) > 1:
            document["order_ids"] = list(order_ids)
        return json_document(document)
    lines = "".join(
        f'<model stock_id="{stock_id}" locked="{locked}" available="{available}"/>'
        for stock_id, locked, available in models
    )
    return xml_document(f'<root order_id="{order_id}">{lines}</root>')
