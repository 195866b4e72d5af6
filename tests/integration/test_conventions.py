"""Section 1 of the ghost API: paths, HEAD, negotiation, auth and isolation, error bodies."""

from __future__ import annotations

import base64

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.services.accounts import rotate_key, set_account
from stockgate.services.supplier_stock import set_stock
from tests.conftest import AccountFactory, Shop
from tests.support.orders import LOCKED, SOLD

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
LOCK_JSON = '{"operations": [{"type": "lock", "models": [{"stock_id": %d, "quantity": 1}]}]}'
LOCK_XML = '<root><operation type="lock"><model stock_id="%d" quantity="1"/></operation></root>'


@pytest.fixture
def sid(runtime: Runtime, catalog: list[int]) -> int:
    set_stock(runtime.db, stock_id=catalog[0], quantity=10, actor="test")
    return catalog[0]


@pytest.mark.parametrize(
    "path", [LOCKED, LOCKED + "/", "/restful/export/carriers", "/restful/export/carriers/"]
)
def test_both_slash_forms_and_head(http: TestClient, shop: Shop, path: str) -> None:
    assert http.get(path, auth=shop.auth).status_code == 200
    head = http.head(path, auth=shop.auth)
    assert head.status_code == 200
    assert head.content == b""
    assert http.head(path).status_code == 401


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("application/json", LOCK_JSON, "application/json"),
        ("application/json; charset=utf-8", LOCK_JSON, "application/json"),
        ("application/xml", LOCK_XML, "application/xml"),
        ("text/xml; charset=UTF-8", LOCK_XML, "application/xml"),
        (None, LOCK_XML, "application/xml"),
        (None, "  \n" + LOCK_JSON, "application/json"),
        ("application/x-www-form-urlencoded", LOCK_JSON, "application/json"),
        ("text/plain", LOCK_XML, "application/xml"),
    ],
)
def test_request_format_and_default_response_follow_the_body(
    http: TestClient, shop: Shop, sid: int, content_type: str | None, body: str, expected: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = http.post(SOLD, content=(body % sid).encode(), auth=shop.auth, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == expected


def test_unsupported_body_is_415(http: TestClient, shop: Shop, sid: int) -> None:
    response = http.post(SOLD, content=b"stock_id=1", auth=shop.auth, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    response = http.post(
        SOLD, content=b"%PDF-1.4", auth=shop.auth, headers={"Content-Type": "application/pdf"}
    )
    assert response.status_code == 415


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/json", "application/json"),
        ("application/xml", "application/xml"),
        ("text/xml", "application/xml"),
        ("*/*", "application/xml"),
        ("application/xml;q=0.5, application/json", "application/json"),
        ("application/json;q=0.2, text/xml;q=0.9", "application/xml"),
        ("text/html, */*;q=0.1", "application/xml"),
    ],
)
def test_accept_header_with_q_values(http: TestClient, shop: Shop, accept: str, expected: str) -> None:
    response = http.get(LOCKED, auth=shop.auth, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == expected


def test_accept_query_parameter_counts_as_header(http: TestClient, shop: Shop) -> None:
    response = http.get(
        LOCKED + "?Accept=application/json", auth=shop.auth, headers={"Accept": "application/xml"}
    )
    assert response.json() == {"models": [], "order_id": 0}


def test_json_body_without_accept_answers_json(http: TestClient, shop: Shop, sid: int) -> None:
    response = http.post(
        SOLD,
        content=LOCK_JSON % sid,
        auth=shop.auth,
        headers={"Content-Type": "application/json", "Accept": "*/*"},
    )
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("accept", ["text/html", "application/json;q=0, application/xml;q=0", "image/png"])
def test_unacceptable_is_406(http: TestClient, shop: Shop, accept: str) -> None:
    assert http.get(LOCKED, auth=shop.auth, headers={"Accept": accept}).status_code == 406


def test_xml_output_starts_with_declaration_then_root(http: TestClient, shop: Shop) -> None:
    text = http.get(LOCKED, auth=shop.auth).text
    assert text == XML_DECLARATION + '<root order_id="0"></root>'


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer abc",
        "Basic not-base64!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b":password-only").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:not-utf-8").decode(),
        b"Basic \xe9\xe9==",  # not ASCII: Latin-1 on the wire, as a client may send it
    ],
)
def test_malformed_credentials_are_401(http: TestClient, header: str | bytes | None) -> None:
    response = http.get(LOCKED, headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="stockgate"'


def test_wrong_password_unknown_key_disabled_and_rotated_are_401(
    http: TestClient, runtime: Runtime, make_account: AccountFactory
) -> None:
    shop = make_account()
    assert http.get(LOCKED, auth=(shop.api_key, "wrong password")).status_code == 401
    assert http.get(LOCKED, auth=("00000000-0000-4000-8000-000000000000", shop.password)).status_code == 401
    assert http.get(LOCKED, auth=shop.auth).status_code == 200
    set_account(runtime.db, email=shop.email, enabled=False)
    assert http.get(LOCKED, auth=shop.auth).status_code == 401
    set_account(runtime.db, email=shop.email, enabled=True)
    new_key = rotate_key(runtime.db, email=shop.email)
    assert http.get(LOCKED, auth=shop.auth).status_code == 401
    assert http.get(LOCKED, auth=(new_key, shop.password)).status_code == 200


def test_password_change_takes_effect_at_once(http: TestClient, runtime: Runtime, shop: Shop) -> None:
    assert http.get(LOCKED, auth=shop.auth).status_code == 200  # verified, and remembered
    set_account(runtime.db, email=shop.email, password="a brand new one")
    assert http.get(LOCKED, auth=shop.auth).status_code == 401
    assert http.get(LOCKED, auth=(shop.api_key, "a brand new one")).status_code == 200


def test_accounts_are_isolated(http: TestClient, make_account: AccountFactory, sid: int) -> None:
    first, second = make_account(), make_account()
    http.post(SOLD, content=LOCK_JSON % sid, auth=first.auth, headers={"Content-Type": "application/json"})
    assert http.get(LOCKED, auth=second.auth, headers={"Accept": "application/json"}).json() == {
        "models": [],
        "order_id": 0,
    }
    first_id = http.get(LOCKED, auth=first.auth, headers={"Accept": "application/json"}).json()["order_id"]
    # Ordering against another account's reservation id is 404, like a missing one.
    response = http.post(
        f"/restful/ghost/orders/{first_id}/dropshipping",
        content="{}",
        auth=second.auth,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 404


def test_errors_are_short_plain_text(http: TestClient, shop: Shop) -> None:
    response = http.post(
        SOLD, content=b"<root><operation", auth=shop.auth, headers={"Content-Type": "application/xml"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "malformed XML"
