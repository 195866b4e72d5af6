"""The public surface is pinned, and the client stands on its own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import stockgate_client

PACKAGE = Path(stockgate_client.__file__).parent


def test_public_surface_is_pinned() -> None:
    assert sorted(stockgate_client.__all__) == [
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
    for name in stockgate_client.__all__:
        assert getattr(stockgate_client, name) is not None


def test_every_error_is_a_stockgate_error() -> None:
    exported = [getattr(stockgate_client, name) for name in stockgate_client.__all__]
    errors = [item for item in exported if isinstance(item, type) and issubclass(item, Exception)]
    assert len(errors) == 12
    assert all(issubclass(error, stockgate_client.StockgateError) for error in errors)


def test_the_errors_module_draws_the_whole_tree() -> None:
    doc = stockgate_client.errors.__doc__ or ""
    for name in stockgate_client.errors.__all__:
        if name[0].isupper():
            assert name in doc, name


def test_every_public_function_has_a_docstring() -> None:
    missing = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            public = isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_")
            if public and ast.get_docstring(node) is None:
                missing.append(f"{path.name}:{node.name}")
    assert missing == []


def test_never_imports_the_server() -> None:
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            assert not any(name == "stockgate" or name.startswith("stockgate.") for name in names), path


def test_importing_the_client_loads_no_server_module() -> None:
    code = "import sys, stockgate_client.cli; print(any(m.split('.')[0] == 'stockgate' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_modules_stay_small() -> None:
    sizes = {path.name: len(path.read_text().splitlines()) for path in PACKAGE.rglob("*.py")}
    assert max(sizes.values()) < 300, sizes
