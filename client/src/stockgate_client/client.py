"""The synchronous client of the ghost API."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import TypeVar

import httpx

from . import calls
from .catalog import CatalogExport, catalog_params
from .codecs import DECODE_ERRORS, Format, codec_for, codec_of_answer, error_details
from .errors import DecodingError, StockgateError, TransportError, error_for_status
from .models import (
    Carrier,
    DropshipOrder,
    Lines,
    Locale,
    Operation,
    OrderStatus,
    PlacedOrders,
    Reservation,
    ReturnItem,
    Returns,
    TagValue,
    to_lines,
)
from .retries import Retries, parse_retry_after

__all__ = ["Client"]

T = TypeVar("T")

USER_AGENT = "stockgate-client/0.1.0"
# These failures happen before any byte of the request reached the server: always safe to retry.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Client:
    """A connection to one ghost API account (stockgate or any Rewix site)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        password: str,
        *,
        format: Format = "json",
        timeout: float | httpx.Timeout = 30.0,
        retries: int | Retries = 2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._codec = codec_for(format)
        self._retries = retries if isinstance(retries, Retries) else Retries(total=retries)
        self._http = httpx.Client(
            base_url=base_url,
            auth=httpx.BasicAuth(api_key, password),
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": USER_AGENT},
        )

    @property
    def format(self) -> str:
        """The wire format of request bodies and preferred answers: ``json`` or ``xml``."""
        return self._codec.name

    # -- sending --------------------------------------------------------------------------------

    def _open(
        self, call: calls.Call[T], params: list[tuple[str, str]] | None = None, stream: bool = False
    ) -> httpx.Response:
        headers = {"Accept": call.accept or self._codec.media_type}
        if call.body is not None:
            headers["Content-Type"] = f"{self._codec.media_type}; charset=utf-8"
        attempt = 0
        while True:
            attempt += 1
            cause: Exception | None = None
            request = self._http.build_request(
                call.method,
                call.path,
                params=tuple(params or ()),
                content=call.body,
                headers=headers,
            )
            try:
                response = self._http.send(request, stream=stream)
            except httpx.TransportError as exc:
                cause, sent = exc, not isinstance(exc, _NOT_SENT)
                error: StockgateError = TransportError(
                    f"{call.method} {request.url.path}: {exc or type(exc).__name__}"
                )
            else:
                if response.is_success:
                    return response
                response.read()
                response.close()
                error, sent = self._error(response, call), True
            delay = self._retries.delay(attempt, error, replayable=call.replayable or not sent)
            if delay is None:
                raise error from cause
            time.sleep(delay)

    @staticmethod
    def _error(response: httpx.Response, call: calls.Call[T]) -> StockgateError:
        message, code = error_details(response.headers.get("content-type"), response.content)
        if response.is_redirect:
            # Redirects are not followed: a POST would silently turn into a GET on the way.
            message = f"redirected to {response.headers.get('location')}; check the base URL"
        return error_for_status(
            response.status_code,
            message or response.reason_phrase,
            order_creation=call.order_creation,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            code=code,
        )

    def _send(self, call: calls.Call[T]) -> T:
        response = self._open(call)
        codec = codec_of_answer(response.headers.get("content-type"), self._codec, response.content)
        try:
            return call.read(codec, response.content)
        except DECODE_ERRORS as exc:
            raise DecodingError(f"{call.method} {call.path}: unreadable answer: {exc}") from exc

    # -- reservation ------------------------------------------------------------------------------

    def check(self) -> None:
        """Test the credentials (HEAD on the reservation); raises AuthenticationError if refused."""
        self._send(calls.check())

    def carriers(self) -> list[Carrier]:
        """The carriers this account may use, with their cost."""
        return self._send(calls.carriers())

    def reserve(self, operations: Iterable[Operation]) -> Reservation:
        """Apply lock/unlock/set/ensure operations in order; returns the reservation after them."""
        return self._send(calls.reserve(self._codec, list(operations)))

    def lock(self, lines: Lines) -> Reservation:
        """Add quantities to my locks (granted up to what is available)."""
        return self.reserve([Operation.of("lock", lines)])

    def unlock(self, lines: Lines) -> Reservation:
        """Release quantities from my locks."""
        return self.reserve([Operation.of("unlock", lines)])

    def set(self, lines: Lines) -> Reservation:
        """Make my locks equal to these quantities (capped at what is available)."""
        return self.reserve([Operation.of("set", lines)])

    def ensure(self, lines: Lines) -> Reservation:
        """Make my locks at least these quantities, never lowering them."""
        return self.reserve([Operation.of("ensure", lines)])

    def reservation(self) -> Reservation:
        """The reservation as it stands (order_id 0 if nothing was ever reserved)."""
        return self._send(calls.reservation())

    # -- orders ---------------------------------------------------------------------------------

    def place_dropship_order(
        self, orders: DropshipOrder | Sequence[DropshipOrder], *, reservation_id: int = 0
    ) -> PlacedOrders:
        """Place one or more dropshipping orders; safe to retry, the server knows each order's key."""
        batch = [orders] if isinstance(orders, DropshipOrder) else list(orders)
        if not batch:
            raise ValueError("at least one order is needed")
        return self._send(calls.place_orders(self._codec, batch, reservation_id))

    def acquire(
        self, lines: Lines, *, carrier_id: int | None = None, auto_confirm: bool | None = None
    ) -> int:
        """Order to the account's own address; returns the new order_id. Never retried once sent."""
        return self._send(calls.acquire(self._codec, to_lines(lines), carrier_id, auto_confirm))

    def order_status(self, order_id: int) -> OrderStatus:
        """Status and tracking of an order by its order_id."""
        return self._send(calls.order_status(order_id))

    def order_status_by_key(self, key: str) -> OrderStatus:
        """Status and tracking of an order by the shop's own key."""
        return self._send(calls.order_status_by_key(key))

    # -- returns --------------------------------------------------------------------------------

    def open_return(self, order_id: int, items: Iterable[ReturnItem]) -> None:
        """Ask to return units of a dispatched order; BadRequest carries the broken rule."""
        self._send(calls.open_return(self._codec, order_id, list(items)))

    def returns_by_key(self, key: str) -> Returns:
        """Return lines of the order with this client key."""
        return self._send(calls.returns_by_key(key))

    def returns_by_order(self, order_id: int) -> Returns:
        """Return lines of the order with this order_id."""
        return self._send(calls.returns_by_order(order_id))

    def return_pdf(self, return_code: str) -> bytes:
        """The printable manifest (PDF) of an authorised return."""
        return self._send(calls.return_pdf(return_code))

    # -- catalog --------------------------------------------------------------------------------

    def catalog(
        self,
        locales: Iterable[str] = ("en_US",),
        *,
        since: datetime | None = None,
        tags: Mapping[str | int, str] | None = None,
        version: str = "TEAL",
        fallback: bool = True,
    ) -> CatalogExport:
        """Stream the catalog export as products; with ``since`` only changes, else everything."""
        params = catalog_params(locales, since=since, tags=tags, version=version)
        path = f"/restful/export/api/products.{self._codec.name}"
        call: calls.Call[None] = calls.Call("GET", path, lambda codec, body: None)
        return CatalogExport(
            lambda query: self._open(call, query, stream=True), self._codec, params, fallback=fallback
        )

    def locales(self) -> list[Locale]:
        """The locales the catalog carries."""
        return self._send(calls.locales())

    def tags(self) -> list[TagValue]:
        """The tag values (brand, category, ...) in use in the catalog."""
        return self._send(calls.tags())

    # -- lifetime -------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
