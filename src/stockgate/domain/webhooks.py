"""Webhook events: their types, who subscribes to what, and the retry schedule (supplier.md section 5).

An endpoint subscribes to a set of event types. Every type but the opt-in ones is subscribed to when
none are named; `model.sold_out` can be noisy (a shop may hold locks on thousands of models), so an
endpoint gets it only when it asks for it by name.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from stockgate.domain.errors import InvalidInput
from stockgate.domain.statuses import OrderStatus

ORDER_CREATED = "order.created"
ORDER_CONFIRMED = "order.confirmed"
ORDER_WORKING_ON = "order.working_on"
ORDER_READY = "order.ready"
ORDER_DISPATCHED = "order.dispatched"
ORDER_CANCELLED = "order.cancelled"
# What E7/E8 show changed without a new status: a substatus set or cleared, tracking corrected.
ORDER_UPDATED = "order.updated"
RETURN_STATUS_CHANGED = "return.status_changed"
RESERVATION_RELEASED = "reservation.released"
MODEL_SOLD_OUT = "model.sold_out"
# Sent only on demand (`stockgate webhooks ping`), to the one endpoint named, whatever it subscribes to.
PING = "ping"

EVENT_TYPES = (
    ORDER_CREATED,
    ORDER_CONFIRMED,
    ORDER_WORKING_ON,
    ORDER_READY,
    ORDER_DISPATCHED,
    ORDER_CANCELLED,
    ORDER_UPDATED,
    RETURN_STATUS_CHANGED,
    RESERVATION_RELEASED,
    MODEL_SOLD_OUT,
)
OPT_IN = frozenset({MODEL_SOLD_OUT})
DEFAULT_EVENTS = tuple(t for t in EVENT_TYPES if t not in OPT_IN)

# The event an order sends on entering a status. Confirmation with payment due (1, or 2 with substatus
# 2) is still a confirmation; a verification failure ends the order like a cancellation.
_EVENT_OF_STATUS = {
    OrderStatus.MONEY_WAITING: ORDER_CONFIRMED,
    OrderStatus.TO_DISPATCH: ORDER_CONFIRMED,
    OrderStatus.WORKING_ON: ORDER_WORKING_ON,
    OrderStatus.READY: ORDER_READY,
    OrderStatus.DISPATCHED: ORDER_DISPATCHED,
    OrderStatus.CANCELLED: ORDER_CANCELLED,
    OrderStatus.VERIFY_FAILED: ORDER_CANCELLED,
}


def order_event_type(status: int) -> str | None:
    """The event type of an order entering `status` (None for statuses shops are not told about)."""
    for known, event_type in _EVENT_OF_STATUS.items():
        if known == status:
            return event_type
    return None


def parse_event_types(names: Iterable[str]) -> tuple[str, ...]:
    """Validate event type names (comma-separated items are split); none named means the defaults."""
    chosen: list[str] = []
    for item in names:
        for name in item.split(","):
            name = name.strip()
            if not name:
                continue
            if name == "*":
                chosen.extend(DEFAULT_EVENTS)
            elif name in EVENT_TYPES:
                chosen.append(name)
            else:
                known = ", ".join(EVENT_TYPES)
                raise InvalidInput("events", f"unknown event type {name!r} (known: {known})")
    unique = tuple(dict.fromkeys(chosen))
    return unique or DEFAULT_EVENTS


def subscribes(events: Collection[str], event_type: str) -> bool:
    return event_type in events


def join_events(events: Iterable[str]) -> str:
    return ",".join(events)


def split_events(text: str) -> tuple[str, ...]:
    return tuple(name for name in text.split(",") if name)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential back-off with jitter, for at least `window` after the first attempt.

    The n-th failure waits base * 2**(n-1), capped, then scaled by a random factor in [0.5, 1):
    "equal jitter" keeps retries spread out (no herd after an outage) without ever retrying at once.
    An event is given up only when an attempt fails after the window has passed, so the last attempt
    always comes at least `window` after the first.
    """

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    window: timedelta = timedelta(hours=24)

    def delay(self, failures: int, random_unit: float) -> timedelta:
        """How long to wait after the `failures`-th failed attempt; `random_unit` is in [0, 1)."""
        exponent = min(max(failures - 1, 0), 32)
        raw: timedelta = min(self.base * (2**exponent), self.cap)
        return raw * (0.5 + random_unit / 2)

    def gives_up(self, first_attempt_at: datetime, now: datetime) -> bool:
        return now - first_attempt_at >= self.window
