"""E2: the carriers an account may use (ghost API 4.1)."""

from __future__ import annotations

from collections.abc import Sequence

from stockgate.domain.carriers import Carrier
from stockgate.wire.negotiation import Format
from stockgate.wire.render import attrs, json_document, xml_document


def render_carriers(carriers: Sequence[Carrier], fmt: Format) -> bytes:
    if fmt == "json":
        return json_document([{"id": c.id, "name": c.name, "cost": float(c.cost)} for c in carriers])
    body = "".join(f"<carrier{attrs(id=c.id, name=c.name, cost=f'{c.cost:.2f}')}/>" for c in carriers)
    return xml_document(f"<collection>{body}</collection>")
