"""Request ids, structured logs, Prometheus metrics and the OpenAPI document."""

from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import jsonschema_rs
import orjson
import pytest
import schemathesis
from starlette.routing import Route
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.http.app import api_document, create_app
from stockgate.http.context import AppContext
from stockgate.http.logs import JsonFormatter, lean_records, log_to
from stockgate.http.openapi import openapi_document
from stockgate.http.openapi_ghost import ghost_section
from stockgate.services.supplier_stock import set_stock
from tests.conftest import Shop

LOCKED = "/restful/ghost/orders/dropshipping/locked"


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    logger = logging.getLogger("stockgate")
    level = logger.level
    stream = io.StringIO()
    handler = log_to(stream, logging.DEBUG)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in stream.getvalue().splitlines()]


def test_every_response_has_a_request_id(http: TestClient) -> None:
    ids = {http.get(path).headers["X-Request-Id"] for path in ("/healthz", "/nowhere", "/healthz")}
    assert len(ids) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("req-42.abc:def/1", True),
        ("a" * 128, True),
        ("a" * 129, False),
        ("two words", False),
        ("<script>", False),
        ("", False),
    ],
)
def test_a_sane_incoming_request_id_is_kept(http: TestClient, sent: str, kept: bool) -> None:
    answered = http.get("/healthz", headers={"X-Request-Id": sent}).headers["X-Request-Id"]
    assert (answered == sent) is kept
    assert re.fullmatch(r"[A-Za-z0-9._:@/+=-]{1,128}", answered)


def test_log_lines_are_json_with_the_request_id(http: TestClient, shop: Shop, logs: io.StringIO) -> None:
    response = http.get(LOCKED, auth=(shop.api_key, "wrong password"), headers={"X-Request-Id": "trace-7"})
    assert response.status_code == 401
    written = lines(logs)
    failure = next(line for line in written if line["message"] == "authentication failed")
    access = next(line for line in written if line["message"] == "request")
    # Logged from the worker thread that ran the use case, yet it names the request.
    assert failure["request_id"] == access["request_id"] == "trace-7"
    assert failure["level"] == "INFO"
    assert failure["reason"] == "wrong password"
    assert failure["account_id"] == shop.account_id
    assert access["route"] == LOCKED
    assert access["status"] == 401
    assert access["method"] == "GET"
    assert access["duration_ms"] > 0
    assert set(access) >= {"ts", "level", "logger", "message", "path", "client"}


def test_formatter_writes_exceptions_and_odd_values() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x",
            logging.ERROR,
            "f",
            1,
            "failed %s",
            ("here",),
            exc_info=sys.exc_info(),
            extra={"when": object()},
        )
    line = orjson.loads(JsonFormatter().format(record))
    assert line["message"] == "failed here"
    assert "ValueError: boom" in line["exception"]
    assert line["when"].startswith("<object")
    assert "request_id" not in line


@pytest.mark.parametrize(
    "created",
    [
        1764841234.0,
        1764841234.0004,
        1764841234.9994999,
        1764841234.9999996,  # rounds up into the next second, as datetime rounds it
        1779323854.284,  # a float just under .284: datetime rounds to the microsecond first
        1765984886.0099995,
    ],
)
def test_timestamps_are_what_datetime_writes(created: float) -> None:
    formatter = JsonFormatter()
    for when in (created, created, created + 1):  # the second's text made, then kept, then remade
        written = orjson.loads(formatter.format(logging.makeLogRecord({"created": when})))["ts"]
        assert written == datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds")


def test_lean_records_write_the_same_lines(logs: io.StringIO) -> None:
    logger = logging.getLogger("stockgate.test")
    logger.info("before", extra={"n": 1})
    saved = (logging.logThreads, logging.logProcesses, logging.logMultiprocessing, logging._srcfile)
    lean_records()
    try:
        logger.info("after", extra={"n": 1})
        record = logger.makeRecord("stockgate.test", logging.INFO, "f", 1, "m", (), None)
        assert (record.thread, record.process) == (None, None)  # not looked up any more
    finally:
        logging.logThreads, logging.logProcesses, logging.logMultiprocessing, logging._srcfile = saved
    before, after = lines(logs)
    assert set(before) == set(after) == {"ts", "level", "logger", "message", "n"}


def _sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one series in Prometheus text format (0 when absent)."""
    for line in metrics.splitlines():
        match = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if match and dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or "")) == labels:
            return float(match.group(2))
    return 0.0


def test_latency_histogram_by_route_template_and_status(http: TestClient, shop: Shop) -> None:
    for path in (LOCKED, LOCKED + "/", LOCKED):
        assert http.get(path, auth=shop.auth).status_code == 200
    http.get(LOCKED, auth=(shop.api_key, "wrong password"))
    http.get("/restful/ghost/clientorders/serverkey/123", auth=shop.auth)
    http.get("/restful/ghost/clientorders/serverkey/456", auth=shop.auth)
    http.get("/no/such/page/1")
    http.get("/no/such/page/2")
    http.request("BREW", "/healthz")
    text = http.get("/metrics").text
    name = "stockgate_http_request_duration_seconds_count"
    assert _sample(text, name, route=LOCKED, method="GET", status="200") == 3
    assert _sample(text, name, route=LOCKED, method="GET", status="401") == 1
    assert (
        _sample(
            text, name, route="/restful/ghost/clientorders/serverkey/{order_id}", method="GET", status="404"
        )
        == 2
    )
    # Paths nobody routes, and invented methods, share one series each: no label explosion.
    assert _sample(text, name, route="unmatched", method="GET", status="404") == 2
    assert _sample(text, name, route="/healthz", method="OTHER", status="405") == 1
    assert _sample(text, "stockgate_auth_failures_total", reason="rejected") == 1
    assert 'le="0.005"' in text


def test_metrics_can_require_a_token(runtime: Runtime) -> None:
    app = create_app(AppContext(db=runtime.db, metrics_token="s3cret-token"))
    with TestClient(app) as http:
        assert http.get("/metrics").status_code == 401
        assert http.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert http.get("/metrics", headers={"Authorization": "Basic s3cret-token"}).status_code == 401
        allowed = http.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
        assert allowed.status_code == 200
        assert "stockgate_http_request_duration_seconds" in allowed.text
        assert allowed.headers["content-type"].startswith("text/plain")


def test_the_benchmark_constant_is_tried_before_every_other_route(runtime: Runtime) -> None:
    # Starlette tries the routes in order, some 5,000 instructions for each one that does not match:
    # a constant behind other routes pays for them, and every ratio against it flatters the scenario.
    app = create_app(AppContext(db=runtime.db, bench_routes=True))
    paths = [getattr(route, "path", None) for route in app.routes]
    assert paths[0] == "/bench/constant"
    assert paths[1] == "/restful/ghost/orders/dropshipping/locked"  # the shops' most frequent call
    with TestClient(app) as http:
        answer = http.get("/bench/constant")
    assert answer.status_code == 200 and answer.text.endswith('<root order_id="0"/>')
    served = {getattr(route, "path", None) for route in create_app(AppContext(db=runtime.db)).routes}
    assert "/bench/constant" not in served  # only in bench mode


def test_openapi_documents_every_route(http: TestClient) -> None:
    response = http.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    served = {
        route.path.rstrip("/")
        for route in http.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route) and "{rest:path}" not in route.path and route.path != "/bench/constant"
    }
    assert served == set(document["paths"])
    sold = document["paths"]["/restful/ghost/orders/sold"]["post"]
    assert set(sold["requestBody"]["content"]) == {"application/json", "application/xml", "text/xml"}
    assert document["components"]["schemas"]["ReserveXml"]["xml"] == {"name": "root"}


def test_openapi_document_is_valid() -> None:
    document = api_document()
    schema = schemathesis.openapi.from_dict(document)
    schema.validate()  # against the OpenAPI 3.1 meta-schema
    assert all(result.ok() for result in schema.get_all_operations())
    for name, component in document["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(component), name


def test_openapi_sections_extend_never_replace() -> None:
    extra = {"paths": {"/restful/ghost/orders/sold": {"put": {"responses": {}}}, "/admin/x": {"get": {}}}}
    document = openapi_document(ghost_section(), extra)
    assert set(document["paths"]["/restful/ghost/orders/sold"]) == {"post", "put"}
    assert "/admin/x" in document["paths"]


def _order(key: str, *items: tuple[int, int]) -> dict[str, Any]:
    address = {"street_name": "Roma", "zip": "10100", "city": "Torino", "countrycode": "IT"}
    order = {
        "key": key,
        "date": "2021/02/03 14:36:55 +0000",
        "recipient_details": {"recipient": "ACME", "address": address},
        "item_list": [{"stock_id": s, "quantity": q} for s, q in items],
    }
    return {"order_list": [order]}


def test_orders_clamped_lines_and_stock_outs_are_counted(
    http: TestClient, shop: Shop, runtime: Runtime, catalog: list[int]
) -> None:
    a, b, empty = catalog[:3]
    for sid, quantity in ((a, 5), (b, 1), (empty, 0)):
        set_stock(runtime.db, stock_id=sid, quantity=quantity, actor="test")
    lock = [
        {"stock_id": a, "quantity": 3},
        {"stock_id": b, "quantity": 4},
        {"stock_id": empty, "quantity": 2},
    ]
    sold = http.post(
        "/restful/ghost/orders/sold", json={"operations": [{"type": "lock", "models": lock}]}, auth=shop.auth
    )
    assert sold.status_code == 200
    dropship = "/restful/ghost/orders/0/dropshipping"
    assert http.post(dropship, json=_order("K1", (a, 10), (empty, 1)), auth=shop.auth).status_code == 200
    assert (
        http.post(dropship, json=_order("K1", (a, 10), (empty, 1)), auth=shop.auth).status_code == 200
    )  # a retry
    assert http.post(dropship, json=_order("K2", (empty, 1)), auth=shop.auth).status_code == 429
    acquire = "/restful/ghost/supplierorder/acquire"
    assert (
        http.post(acquire, json={"products": [{"stock_id": b, "quantity": 1}]}, auth=shop.auth).status_code
        == 200
    )
    assert (
        http.post(
            acquire, json={"products": [{"stock_id": empty, "quantity": 1}]}, auth=shop.auth
        ).status_code
        == 404
    )
    text = http.get("/metrics").text
    counted = {
        (name, kind): _sample(text, f"stockgate_{name}_total", kind=kind)
        for name in ("orders_created", "clamped_lines", "stock_outs")
        for kind in ("reserve", "dropship", "acquire")
    }
    assert counted == {
        ("orders_created", "reserve"): 0,
        ("orders_created", "dropship"): 1,  # the retry created nothing
        ("orders_created", "acquire"): 1,
        ("clamped_lines", "reserve"): 2,  # b got 1 of 4, empty got 0 of 2
        ("clamped_lines", "dropship"): 2,  # a got 5 of 10, empty was dropped
        ("clamped_lines", "acquire"): 0,
        ("stock_outs", "reserve"): 1,
        ("stock_outs", "dropship"): 2,  # the dropped line, and K2 refused for want of anything
        ("stock_outs", "acquire"): 1,
    }
