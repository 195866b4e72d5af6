"""Hostile request bodies, one test per attack: refused with a client error (400 on reserve, 429 on the two
order-creation endpoints), quickly, without echoing any file, and with nothing changed.

Each test times its in-process request with perf_counter and prints the figure. The bound is
generous (the issue asks for "within milliseconds"; typical figures are 1-60 ms): 0.5 s, or ten times
an ordinary request's time when the machine is so loaded that even those are slow. A refused request
changes nothing, so one that overran is sent again (up to three times): an expensive document is slow
every time, a machine that stalled for a moment is not.

The database, catalog and shop are set up once per engine for the whole module: a refused request
changes nothing, and each test compares the state after its attack with the state just before it. The
app has no rate limit, so a 429 here can only come from the body (the test also checks there is no
Retry-After).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.domain.throttle import RateLimit
from stockgate.http.app import create_app
from stockgate.http.context import AppContext
from tests.conftest import ENGINES, Shop
from tests.support.seeded import seeded_database
from tests.support.snapshot import assert_unchanged, business_state

TIME_BOUND = 0.5  # seconds
ATTEMPTS = 3
SOLD = "/restful/ghost/orders/sold"
LOCKED = "/restful/ghost/orders/dropshipping/locked"
XML = {"Content-Type": "application/xml", "Accept": "application/xml"}
JSON = {"Content-Type": "application/json", "Accept": "application/json"}

ORDER_XML = (
    "<root><order_list><order><key>K1</key><date>2021/02/03 14:36:55 +0000</date>"
    "<recipient_details><recipient>ACME</recipient><address><street_name>Roma</street_name>"
    "<zip>10100</zip><city>Torino</city><countrycode>IT</countrycode></address></recipient_details>"
    "<item_list><item><stock_id>{slot}</stock_id><quantity>1</quantity></item></item_list>"
    "</order></order_list></root>"
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    status: int  # what any problem with the body answers
    line: str  # the element of one order/reserve line, holding <stock_id>{slot}</stock_id>
    xml: str  # a body with {slot} where a stock_id goes


ENDPOINTS = [
    Endpoint(
        "reserve",
        SOLD,
        400,
        "model",
        '<root><operation type="lock"><model><stock_id>{slot}</stock_id><quantity>1</quantity></model>'
        "</operation></root>",
    ),
    Endpoint("dropship", "/restful/ghost/orders/0/dropshipping", 429, "item", ORDER_XML),
    Endpoint(
        "acquire",
        "/restful/ghost/supplierorder/acquire",
        429,
        "product",
        "<supplierorder><products><product><stock_id>{slot}</stock_id><quantity>1</quantity></product>"
        "</products></supplierorder>",
    ),
]


class Target:
    """One endpoint under attack, with the shop's state recorded before the attack."""

    def __init__(self, endpoint: Endpoint, http: TestClient, shop: Shop, runtime: Runtime, sid: int) -> None:
        self.endpoint = endpoint
        self.http = http
        self.shop = shop
        self.runtime = runtime
        self.sid = sid
        self.before = business_state(runtime)

    def document(self, slot: str, prolog: str = "") -> str:
        return prolog + self.endpoint.xml.format(slot=slot)

    def send(self, body: bytes | str, headers: dict[str, str] | None = None) -> httpx.Response:
        content = body.encode() if isinstance(body, str) else body
        bound = time_bound(self.http, self.shop)
        timings = []
        for _ in range(ATTEMPTS):
            started = time.perf_counter()
            response = self.http.post(
                self.endpoint.path, content=content, auth=self.shop.auth, headers=headers or XML
            )
            timings.append(time.perf_counter() - started)
            if timings[-1] < bound or response.status_code == 200:
                break
        shown = ", ".join(f"{t * 1000:.1f}" for t in timings)
        print(f"{self.endpoint.name}: {response.status_code} in {shown} ms ({len(content)} bytes)")
        assert min(timings) < bound
        return response

    def assert_refused(self, response: httpx.Response, status: int | None = None) -> None:
        assert response.status_code == (status or self.endpoint.status), response.text[:300]
        assert "retry-after" not in response.headers
        assert response.headers["content-type"].startswith("text/plain")
        assert len(response.content) <= 400  # a short message, never the document sent back
        assert "root:" not in response.text  # /etc/passwd's first line
        assert_unchanged(self.runtime, self.before)


def time_bound(http: TestClient, shop: Shop) -> float:
    """TIME_BOUND, or ten times an ordinary request's time on a machine too busy for that."""
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        http.get(LOCKED, auth=shop.auth)
        timings.append(time.perf_counter() - started)
    return max(TIME_BOUND, 10 * sorted(timings)[1])


@dataclass
class Setting:
    runtime: Runtime
    http: TestClient
    shop: Shop
    sid: int


@pytest.fixture(scope="module", params=ENGINES)
def setting(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setting]:
    with seeded_database(request, tmp_path_factory.mktemp("hostile")) as seeded:
        app = create_app(AppContext(db=seeded.runtime.db, rate_limit=RateLimit(0)))
        sid = seeded.stock_ids[0]
        with TestClient(app) as http:
            lock = {"operations": [{"type": "lock", "models": [{"stock_id": sid, "quantity": 3}]}]}
            # Also warms the password cache: the timed requests measure parsing, not argon2.
            assert http.post(SOLD, json=lock, auth=seeded.shop.auth, headers=JSON).status_code == 200
            yield Setting(seeded.runtime, http, seeded.shop, sid)


@pytest.fixture(params=ENDPOINTS, ids=[e.name for e in ENDPOINTS])
def target(request: pytest.FixtureRequest, setting: Setting) -> Target:
    return Target(request.param, setting.http, setting.shop, setting.runtime, setting.sid)


@pytest.fixture
def canary() -> Iterator[socket.socket]:
    """A listening socket nobody should ever connect to: the parser must not fetch anything."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        yield listener
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()


def _url(canary: socket.socket, path: str) -> str:
    host, port = canary.getsockname()
    return f"http://{host}:{port}/{path}"


def test_external_file_entity(target: Target) -> None:
    prolog = '<?xml version="1.0"?><!DOCTYPE root [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    target.assert_refused(target.send(target.document("&xxe;", prolog)))


def test_external_network_entity(target: Target, canary: socket.socket) -> None:
    prolog = f'<?xml version="1.0"?><!DOCTYPE root [<!ENTITY xxe SYSTEM "{_url(canary, "steal")}">]>'
    target.assert_refused(target.send(target.document("&xxe;", prolog)))


def test_external_parameter_entity(target: Target, canary: socket.socket) -> None:
    prolog = (
        f'<?xml version="1.0"?><!DOCTYPE root [<!ENTITY % remote SYSTEM "{_url(canary, "x.dtd")}"> %remote;]>'
    )
    target.assert_refused(target.send(target.document("1", prolog)))


def test_external_dtd(target: Target, canary: socket.socket) -> None:
    prolog = f'<?xml version="1.0"?><!DOCTYPE root SYSTEM "{_url(canary, "evil.dtd")}">'
    target.assert_refused(target.send(target.document("1", prolog)))


def test_internal_dtd(target: Target) -> None:
    prolog = '<?xml version="1.0"?><!DOCTYPE root [<!ELEMENT root ANY>]>'
    target.assert_refused(target.send(target.document("1", prolog)))


def _billion_laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return f'<?xml version="1.0"?><!DOCTYPE root [{"".join(entities)}]>'


def test_billion_laughs(target: Target) -> None:
    target.assert_refused(target.send(target.document("&lol9;", _billion_laughs())))


def test_quadratic_blowup(target: Target) -> None:
    # One 50 kB entity used 20,000 times: 1 GB once expanded, from a body of 130 kB.
    prolog = f'<?xml version="1.0"?><!DOCTYPE root [<!ENTITY a "{"A" * 50_000}">]>'
    target.assert_refused(target.send(target.document("&a;" * 20_000, prolog)))


def test_utf16_doctype(target: Target) -> None:
    # A DOCTYPE the byte-level check cannot see: the parsed tree must still reveal it.
    prolog = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE root [<!ENTITY x "1">]>'
    target.assert_refused(target.send(target.document("&x;", prolog).encode("utf-16")))


def test_utf16_billion_laughs(target: Target) -> None:
    prolog = _billion_laughs().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    target.assert_refused(target.send(target.document("&lol9;", prolog).encode("utf-16")))


def test_deep_xml_nesting(target: Target) -> None:
    target.assert_refused(target.send(target.document("<a>" * 50_000 + "1" + "</a>" * 50_000)))


def test_xml_nesting_just_past_the_limit(target: Target) -> None:
    # Deep enough for our limit (32 levels), shallow enough for libxml2's own (256).
    target.assert_refused(target.send(target.document("<a>" * 40 + "1" + "</a>" * 40)))


def test_deep_json_nesting(target: Target) -> None:
    target.assert_refused(target.send("[" * 200_000 + "]" * 200_000, JSON))


def test_json_nesting_just_past_the_limit(target: Target) -> None:
    nested: Any = {"stock_id": 1, "quantity": 1}
    for _ in range(40):
        nested = {"x": nested}
    body = httpx.Request(
        "POST", "/", json={"operations": [nested], "products": [nested], "order_list": [nested]}
    )
    target.assert_refused(target.send(body.read(), JSON))


def test_huge_attribute_value(target: Target) -> None:
    line = target.endpoint.line
    huge = "9" * 100 + "A" * 900_000
    body = target.document("x").replace(f"<{line}><stock_id>x</stock_id>", f'<{line} stock_id="{huge}">')
    assert len(body) > 900_000
    target.assert_refused(target.send(body))


def test_unknown_huge_attribute_changes_nothing_else(target: Target) -> None:
    """A huge attribute nobody reads is ignored like any unknown attribute: the request does what it says."""
    line = target.endpoint.line
    body = target.document(str(target.sid)).replace(f"<{line}>", f'<{line} note="{"A" * 900_000}">')
    response = target.send(body)
    assert response.status_code == 200, response.text[:300]


def test_huge_value_is_not_echoed(target: Target) -> None:
    target.assert_refused(target.send(target.document("9" * 5000 + "A" * 800_000)))


def test_many_attributes(target: Target) -> None:
    attributes = " ".join(f'a{i}="1"' for i in range(20_000))
    target.assert_refused(target.send(target.document("x").replace("<stock_id>", f"<stock_id {attributes}>")))


def test_invalid_utf8_xml(target: Target) -> None:
    target.assert_refused(target.send(target.document("1").encode().replace(b">1<", b">\xff\xfe\xc3<")))


def test_invalid_utf8_json(target: Target) -> None:
    target.assert_refused(target.send(b'{"operations": [{"type": "lo\xffck"}], "products": "\xc3"}', JSON))


def test_body_over_the_limit_with_a_length(target: Target) -> None:
    target.assert_refused(target.send(b"<root>" + b" " * (1024 * 1024) + b"</root>"), status=413)


def test_body_over_the_limit_without_a_length(target: Target) -> None:
    """A chunked body with no Content-Length is cut off while it is read, not after.

    httpx's ASGI transport hands the body to the app chunk by chunk as the app asks for it (the test
    client would read it all first), so the count of chunks produced shows where reading stopped.
    """
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(1024):  # 64 MiB if it were all read
            sent += 64 * 1024
            yield b" " * (64 * 1024)

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=target.http.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.post(
                target.endpoint.path, content=chunks(), auth=target.shop.auth, headers=XML
            )

    bound = time_bound(target.http, target.shop)
    started = time.perf_counter()
    response = asyncio.run(post())
    elapsed = time.perf_counter() - started
    print(f"chunked body refused after {sent} bytes in {elapsed * 1000:.1f} ms")
    assert elapsed < bound
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    target.assert_refused(response, status=413)
    assert sent <= 2 * 1024 * 1024


# ---- values that once reached the database and failed there (found by the fuzz tests)


def _order(sid: int, **changes: str) -> dict[str, Any]:
    address = {"street_name": "Roma", "zip": "10100", "city": "Torino", "countrycode": "IT"}
    details: dict[str, Any] = {"recipient": "ACME", "address": address}
    for name, value in changes.items():
        (address if name in address else details)[name] = value
    order = {"key": changes.get("key", "K-long"), "date": "2021/02/03 14:36:55 +0000"}
    return {
        "order_list": [
            {**order, "recipient_details": details, "item_list": [{"stock_id": sid, "quantity": 1}]}
        ]
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recipient", "R" * 201, "recipient is longer than 200 characters"),
        ("zip", "1" * 21, "zip is longer than 20 characters"),
        ("key", "k" * 101, "key is longer than 100 characters"),
        ("key", "a\x00b", "key contains a NUL character"),
        ("city", "Torino\x00", "city contains a NUL character"),
    ],
)
def test_values_the_database_cannot_hold(setting: Setting, field: str, value: str, message: str) -> None:
    before = business_state(setting.runtime)
    response = setting.http.post(
        "/restful/ghost/orders/0/dropshipping",
        json=_order(setting.sid, **{field: value}),
        auth=setting.shop.auth,
    )
    assert response.status_code == 429
    assert response.text == message
    assert_unchanged(setting.runtime, before)


@pytest.mark.parametrize(
    "path",
    [
        "/restful/ghost/clientorders/serverkey/%C2%B2",  # "²" passes str.isdigit()
        "/restful/ghost/clientorders/serverkey/%D9%A1%D9%A2",  # Arabic-Indic digits, likewise
        "/restful/ghost/clientorders/clientkey/a%00b",  # PostgreSQL cannot even compare a NUL
        "/restful/ghost/orders/%00/dropshipping",
    ],
)
def test_path_values_that_name_nothing(setting: Setting, path: str) -> None:
    response = setting.http.request(
        "POST" if path.endswith("dropshipping") else "GET", path, auth=setting.shop.auth, json={}
    )
    assert response.status_code == 404
