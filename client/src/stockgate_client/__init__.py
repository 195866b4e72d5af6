"""Typed client for the Rewix ghost API, as served by stockgate or any Rewix site.

from stockgate_client import Client

with Client("https://shop.example", api_key, password) as client:
    client.lock({1578: 2})
"""

from __future__ import annotations

from .catalog import CatalogExport
from .client import Client
from .codes import OrderState, RefundStatus, ReturnReason, ReturnStatus
from .errors import (
    ApiError,
    AuthenticationError,
    BadRequest,
    DecodingError,
    NotFound,
    OrderRejected,
    PreconditionFailed,
    RateLimited,
    ServerError,
    StockgateError,
    TransportError,
)
from .models import (
    Address,
    Carrier,
    DropshipOrder,
    Line,
    Locale,
    Operation,
    OrderStatus,
    Phone,
    PlacedOrders,
    Recipient,
    Reservation,
    ReservedModel,
    ReturnItem,
    ReturnLine,
    Returns,
    TagValue,
)
from .products import Image, Product, ProductModel, ProductTag
from .retries import Retries
from .webhooks import InvalidSignature, verify_signature

__version__ = "0.1.0"

__all__ = [
    "Address",
    "ApiError",
    "AuthenticationError",
    "BadRequest",
    "Carrier",
    "CatalogExport",
    "Client",
    "DecodingError",
    "DropshipOrder",
    "Image",
    "InvalidSignature",
    "Line",
    "Locale",
    "NotFound",
    "Operation",
    "OrderRejected",
    "OrderState",
    "OrderStatus",
    "Phone",
    "PlacedOrders",
    "PreconditionFailed",
    "Product",
    "ProductModel",
    "ProductTag",
    "RateLimited",
    "Recipient",
    "RefundStatus",
    "Reservation",
    "ReservedModel",
    "Retries",
    "ReturnItem",
    "ReturnLine",
    "ReturnReason",
    "ReturnStatus",
    "Returns",
    "ServerError",
    "StockgateError",
    "TagValue",
    "TransportError",
    "__version__",
    "verify_signature",
]
