"""Each endpoint of the ghost API as a Call: what to send and how to read the answer.

Nothing here does I/O, so the sync client (and any other driver) only sends Calls and retries them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import quote

from .codecs import Codec
from .errors import BadRequest, DecodingError
from .models import (
    Carrier,
    DropshipOrder,
    Line,
    Locale,
    Operation,
    OrderStatus,
    PlacedOrders,
    Reservation,
    ReturnItem,
    Returns,
    TagValue,
)

__all__ = [
    "Call",
    "acquire",
    "carriers",
    "check",
    "locales",
    "open_return",
    "order_status",
    "order_status_by_key",
    "place_orders",
    "reservation",
    "reserve",
    "return_pdf",
    "returns_by_key",
    "returns_by_order",
    "tags",
]

T = TypeVar("T")

RESERVATION_PATH = "/restful/ghost/orders/dropshipping/locked"
# Operations whose repetition leaves the same reservation: a reserve made only of these is replayable.
_IDEMPOTENT_OPERATIONS = frozenset({"set", "ensure"})


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request to send and the function that reads its successful answer."""

    method: str
    path: str
    read: Callable[[Codec, bytes], T]
    body: bytes | None = None
    accept: str | None = None  # None: the media type of the client's format
    replayable: bool = True
    order_creation: bool = False  # a 429 here is a refused order unless it carries Retry-After


def carriers() -> Call[list[Carrier]]:
    """E2: the carriers of this account."""
    return Call("GET", "/restful/export/carriers", lambda codec, body: codec.decode_carriers(body))


def reserve(codec: Codec, operations: Sequence[Operation]) -> Call[Reservation]:
    """E3: apply lock/unlock/set/ensure operations to the reservation."""
    return Call(
        "POST",
        "/restful/ghost/orders/sold",
        lambda c, body: c.decode_reservation(body),
        body=codec.encode_reserve(operations),
        replayable=all(op.type in _IDEMPOTENT_OPERATIONS for op in operations),
    )


def reservation() -> Call[Reservation]:
    """E4: the reservation as it stands."""
    return Call("GET", RESERVATION_PATH, lambda codec, body: codec.decode_reservation(body))


def check() -> Call[None]:
    """HEAD on the reservation: the way plugins test credentials."""
    return Call("HEAD", RESERVATION_PATH, lambda codec, body: None)


def place_orders(codec: Codec, orders: Sequence[DropshipOrder], reservation_id: int) -> Call[PlacedOrders]:
    """E6: dropshipping orders; replayable because the server recognises each order's key."""
    return Call(
        "POST",
        f"/restful/ghost/orders/{reservation_id}/dropshipping",
        lambda c, body: c.decode_placed(body),
        body=codec.encode_orders(orders),
        order_creation=True,
    )


def _order_id(codec: Codec, body: bytes) -> int:
    text = body.decode("utf-8", errors="replace").strip()
    if not text.isdigit():
        raise DecodingError(f"expected an order id, got {text[:80]!r}")
    return int(text)


def acquire(
    codec: Codec, lines: Sequence[Line], carrier_id: int | None, auto_confirm: bool | None
) -> Call[int]:
    """E5: an order to the account's own address; never replayed, it has no idempotency key."""
    return Call(
        "POST",
        "/restful/ghost/supplierorder/acquire",
        _order_id,
        body=codec.encode_acquire(lines, carrier_id, auto_confirm),
        accept="text/plain",
        replayable=False,
        order_creation=True,
    )


def _single_order(codec: Codec, body: bytes) -> OrderStatus:
    orders = codec.decode_order_statuses(body)
    if not orders:
        raise DecodingError("the answer holds no order")
    return orders[0]


def order_status(order_id: int) -> Call[OrderStatus]:
    """E7: an order's status by its order_id."""
    return Call("GET", f"/restful/ghost/clientorders/serverkey/{int(order_id)}", _single_order)


def order_status_by_key(key: str) -> Call[OrderStatus]:
    """E8: an order's status by the shop's own key."""
    return Call("GET", f"/restful/ghost/clientorders/clientkey/{quote(str(key), safe='')}", _single_order)


def _accepted(codec: Codec, body: bytes) -> None:
    outcome = codec.decode_outcome(body)
    if not outcome.ok:
        raise BadRequest(400, outcome.message, code=outcome.code)


def open_return(codec: Codec, order_id: int, items: Sequence[ReturnItem]) -> Call[None]:
    """E9: a return request; not replayed once sent, since each one opens new return lines."""
    return Call(
        "POST",
        "/restful/ghost/returnedgoods/request/new",
        _accepted,
        body=codec.encode_return(order_id, items),
        replayable=False,
    )


def returns_by_key(key: str) -> Call[Returns]:
    """E10: return lines of the order with this client key."""
    path = f"/restful/ghost/returnedgoods/clientkey/{quote(str(key), safe='')}"
    return Call("GET", path, lambda codec, body: codec.decode_returns(body))


def returns_by_order(order_id: int) -> Call[Returns]:
    """E11: return lines of the order with this order_id."""
    path = f"/restful/ghost/returnedgoods/serverkey/{int(order_id)}"
    return Call("GET", path, lambda codec, body: codec.decode_returns(body))


def return_pdf(return_code: str) -> Call[bytes]:
    """E14: the printable return manifest."""
    return Call(
        "GET",
        f"/restful/returnedgoods/print/{quote(str(return_code), safe='')}.pdf",
        lambda codec, body: body,
        # A server negotiating XML/JSON must not answer 406 to a PDF download.
        accept="application/pdf, */*;q=0.1",
    )


def locales() -> Call[list[Locale]]:
    """E12: the locales the catalog carries."""
    return Call("GET", "/restful/export/locales", lambda codec, body: codec.decode_locales(body))


def tags() -> Call[list[TagValue]]:
    """E13: the tag values in use."""
    return Call("GET", "/restful/export/tags", lambda codec, body: codec.decode_tags(body))
