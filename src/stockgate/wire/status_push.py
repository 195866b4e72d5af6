"""The Rewix supplier-side status push: `<root><orderId/><extRef/><substatus/><trackingCode/><trackingUrl/>
<carrierName/></root>` or the same names as JSON keys (supplier.md section 3)."""

from __future__ import annotations

from stockgate.services.status_push import StatusPush
from stockgate.wire.nodes import Node


def read_status_push(root: Node) -> StatusPush:
    return StatusPush(
        order_id=root.integer("orderId"),
        ext_ref=root.text("extRef"),
        substatus=root.integer("substatus"),
        tracking_code=root.text("trackingCode"),
        tracking_url=root.text("trackingUrl"),
        carrier_name=root.text("carrierName"),
    )
