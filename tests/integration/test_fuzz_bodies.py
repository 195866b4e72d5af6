"""Random and mutated XML/JSON bodies fed to every ghost endpoint (hypothesis), on both engines.

Every answer is a 200 (the mutation left a valid request, which then did what it said) or a 4xx that
changed nothing at all; never a 5xx. Mutations start from valid documents of each endpoint, in both
formats, and break them the ways clients and attackers do: wrong types, missing or extra fields,
huge, negative or fractional numbers, long and odd strings, truncation, flipped bytes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.domain.throttle import RateLimit
from stockgate.http.app import create_app
from stockgate.http.context import AppContext
from stockgate.services.check import check_invariants
from stockgate.services.supplier_stock import set_stock
from tests.conftest import ENGINES, Shop
from tests.support.seeded import seeded_database
from tests.support.snapshot import business_state

EXAMPLES = int(os.environ.get("STOCKGATE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Setting:
    runtime: Runtime
    http: TestClient
    shop: Shop
    stock_ids: list[int]

    def refill(self) -> None:
        # Valid orders drain stock; refilled so later examples still reach the ordering code.
        for sid in self.stock_ids:
            set_stock(self.runtime.db, stock_id=sid, quantity=1000, actor="fuzz")


@pytest.fixture(scope="module", params=ENGINES)
def setting(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setting]:
    with seeded_database(request, tmp_path_factory.mktemp("fuzz-bodies")) as seeded:
        app = create_app(AppContext(db=seeded.runtime.db, rate_limit=RateLimit(0)))
        with TestClient(app) as http:
            yield Setting(seeded.runtime, http, seeded.shop, seeded.stock_ids)


# ---- valid documents, as JSON values; XML is written from the same values below.


def lines(stock_ids: list[int]) -> st.SearchStrategy[list[dict[str, Any]]]:
    line = st.fixed_dictionaries({"stock_id": st.sampled_from(stock_ids), "quantity": st.integers(1, 3)})
    return st.lists(line, min_size=1, max_size=3)


def reserve_doc(stock_ids: list[int]) -> st.SearchStrategy[dict[str, Any]]:
    operation = st.fixed_dictionaries(
        {"type": st.sampled_from(["lock", "unlock", "set", "ensure"]), "models": lines(stock_ids)}
    )
    return st.fixed_dictionaries({"operations": st.lists(operation, min_size=1, max_size=3)})


def dropship_doc(stock_ids: list[int]) -> st.SearchStrategy[dict[str, Any]]:
    address = st.fixed_dictionaries(
        {
            "street_name": st.just("Roma"),
            "zip": st.just("10100"),
            "city": st.just("Torino"),
            "countrycode": st.just("IT"),
        }
    )
    order = st.fixed_dictionaries(
        {
            "key": st.uuids().map(str),
            "date": st.just("2021/02/03 14:36:55 +0000"),
            "recipient_details": st.fixed_dictionaries(
                {"recipient": st.just("ACME srl"), "address": address}
            ),
            "item_list": lines(stock_ids),
            "autoConfirm": st.booleans(),
        }
    )
    return st.fixed_dictionaries({"order_list": st.lists(order, min_size=1, max_size=2)})


def acquire_doc(stock_ids: list[int]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"products": lines(stock_ids), "autoConfirm": st.booleans()})


# ---- mutations of a JSON value

ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "-1", "0", "1.5", "2.0", "1e309", "NaN", "99999999999999999999", "true", "ä" * 250]
    ),
    st.text(min_size=150, max_size=600),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**64 - 1), st.floats(allow_nan=False), ODD_TEXT
)
ANY_JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


def mutate(draw: Callable[..., Any], document: Any) -> Any:
    value = orjson.loads(orjson.dumps(document))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(list(paths(value))))
        if not where:
            return draw(ANY_JSON)
        parent = value
        for step in where[:-1]:
            parent = parent[step]
        last = where[-1]
        action = draw(
            st.sampled_from(["replace", "delete", "stringify", "wrap", "duplicate", "lengthen", "poison"])
        )
        if action == "lengthen":  # past any column's width
            parent[last] = _text(parent[last]) + draw(st.sampled_from(["x", "é", "😀"])) * draw(
                st.integers(20, 400)
            )
        elif action == "poison":
            parent[last] = _text(parent[last]) + draw(st.sampled_from(["\x00", "\x1b", "\u2028", "\ufeff"]))
        elif action == "replace":
            parent[last] = draw(ANY_JSON)
        elif action == "delete":
            del parent[last]
        elif action == "stringify":
            parent[last] = " " + orjson.dumps(parent[last]).decode().strip('"') + " "
        elif action == "wrap":
            parent[last] = [parent[last]] if draw(st.booleans()) else {"value": parent[last]}
        elif isinstance(parent, list):
            parent.append(parent[last])
        else:
            parent[draw(st.text(max_size=6))] = parent[last]
    return value


# ---- the same values written as XML, the shapes of ghost-api.md section 4


def xml_of(endpoint: str, value: Any) -> str:
    def node(name: str, content: Any) -> str:
        if isinstance(content, dict):
            return f"<{name}>{''.join(node(k, v) for k, v in content.items() if _name(k))}</{name}>"
        if isinstance(content, list):
            return "".join(node(name, item) for item in content)
        return f"<{name}>{escape(_xml_text(content))}</{name}>"

    def line(tag: str, item: Any) -> str:
        if isinstance(item, dict):
            attributes = "".join(
                f" {k}={quoteattr(_text(v))}"
                for k, v in item.items()
                if _name(k) and not isinstance(v, dict | list)
            )
            return f"<{tag}{attributes}/>"
        return node(tag, item)

    if not isinstance(value, dict):
        return node("root", value)
    if endpoint == "reserve":
        ops = value.get("operations")
        body = "".join(
            f"<operation type={quoteattr(_xml_text(op.get('type')))}>{''.join(line('model', m) for m in _list(op.get('models')))}</operation>"
            if isinstance(op, dict)
            else node("operation", op)
            for op in _list(ops)
        )
        return f"<root>{body}</root>"
    if endpoint == "acquire":
        rest = "".join(node(k, v) for k, v in value.items() if k != "products" and _name(k))
        products = "".join(line("product", p) for p in _list(value.get("products")))
        return f"<supplierorder><products>{products}</products>{rest}</supplierorder>"
    orders = []
    for order in _list(value.get("order_list")):
        if not isinstance(order, dict):
            orders.append(node("order", order))
            continue
        rest = "".join(node(k, v) for k, v in order.items() if k != "item_list" and _name(k))
        items = "".join(node("item", i) for i in _list(order.get("item_list")))
        orders.append(f"<order>{rest}<item_list>{items}</item_list></order>")
    return f"<root><order_list>{''.join(orders)}</order_list></root>"


def _name(key: str) -> bool:
    return key.isidentifier() and key.isascii()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()


def _xml_text(value: Any) -> str:
    # Characters XML 1.0 cannot carry at all are left out (a client could not send them either).
    text = _text(value)
    return "".join(
        c
        for c in text
        if c in "\t\n\r"
        or 0x20 <= ord(c) <= 0xD7FF
        or (0xE000 <= ord(c) <= 0x10FFFF and c != "\ufffe" and c != "\uffff")
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


# ---- byte-level damage


@st.composite
def damaged(draw: Callable[..., Any], raw: bytes) -> bytes:
    action = draw(st.sampled_from(["truncate", "flip", "insert", "none"]))
    if action == "truncate" and raw:
        return raw[: draw(st.integers(0, len(raw) - 1))]
    if action == "flip" and raw:
        at = draw(st.integers(0, len(raw) - 1))
        return raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1 :]
    if action == "insert":
        at = draw(st.integers(0, len(raw)))
        junk = draw(
            st.sampled_from([b"<", b"&", b"]]>", b"<!--", b"\x00", b"\xff", b"{", b'"', b"<a>", b"&amp;"])
        )
        return raw[:at] + junk + raw[at:]
    return raw


ENDPOINTS = {
    "reserve": ("/restful/ghost/orders/sold", reserve_doc),
    "dropship": ("/restful/ghost/orders/0/dropshipping", dropship_doc),
    "acquire": ("/restful/ghost/supplierorder/acquire", acquire_doc),
}


@st.composite
def request_bodies(draw: Callable[..., Any], endpoint: str, stock_ids: list[int]) -> tuple[bytes, str]:
    kind = draw(st.sampled_from(["mutated", "mutated", "valid", "garbage"]))
    if kind == "garbage":
        raw = draw(st.binary(max_size=300) | ANY_JSON.map(orjson.dumps))
        return raw, draw(st.sampled_from(["application/json", "application/xml", "text/plain", ""]))
    document = draw(ENDPOINTS[endpoint][1](stock_ids))
    if kind == "mutated":
        document = mutate(draw, document)
    if draw(st.booleans()):
        raw, content_type = orjson.dumps(document), "application/json"
    else:
        raw, content_type = xml_of(endpoint, document).encode(), "application/xml"
    if kind == "mutated":
        raw = draw(damaged(raw))
    return raw, content_type


def post_and_check(setting: Setting, endpoint: str, raw: bytes, content_type: str) -> None:
    path = ENDPOINTS[endpoint][0]
    before = business_state(setting.runtime)
    headers = {"Content-Type": content_type} if content_type else {}
    response = setting.http.post(path, content=raw, auth=setting.shop.auth, headers=headers)
    assert response.status_code == 200 or 400 <= response.status_code < 500, (
        response.status_code,
        response.text[:300],
    )
    assert "retry-after" not in response.headers
    if response.status_code != 200:
        assert business_state(setting.runtime) == before, response.text[:300]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_random_and_mutated_bodies(setting: Setting, endpoint: str) -> None:
    setting.refill()

    @FUZZ
    @given(body=request_bodies(endpoint, setting.stock_ids))
    def fuzz(body: tuple[bytes, str]) -> None:
        post_and_check(setting, endpoint, *body)

    fuzz()
    assert check_invariants(setting.runtime.db) == []


@FUZZ
@given(
    segment=st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s and s not in (".", "..")),
    accept=st.sampled_from(
        ["application/json", "application/xml", "text/html", "*/*", "", "application/json;q=0"]
    ),
)
def test_random_path_values_and_accept_headers(setting: Setting, segment: str, accept: str) -> None:
    for template in ("/restful/ghost/clientorders/serverkey/{}", "/restful/ghost/clientorders/clientkey/{}"):
        response = setting.http.get(
            template.format(quote(segment, safe="")),
            auth=setting.shop.auth,
            headers={"Accept": accept} if accept else {},
        )
        assert response.status_code in (200, 404, 406), response.text[:200]
