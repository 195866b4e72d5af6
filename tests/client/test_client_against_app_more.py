"""The client against the real app, continued: catalog export, locales, tags, returns and manifests.

In-process only (the socket path is covered by test_client_against_app.py), in both formats, on
SQLite and PostgreSQL through the root fixtures. Supplier steps the ghost API has no call for
(dispatching an order, authorising a return) go through the real services.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Config, Runtime, create_app
from stockgate.domain.catalog import ProductRecord
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.fulfilment import advance_order
from stockgate.services.return_workflow import authorize_return, list_returns
from stockgate.services.supplier_stock import set_stock
from stockgate_client import (
    Address,
    BadRequest,
    Client,
    DropshipOrder,
    Locale,
    NotFound,
    PreconditionFailed,
    Recipient,
    Retries,
    ReturnItem,
    TagValue,
)
from tests.client.app_transports import InProcessTransport
from tests.conftest import AccountFactory, Shop
from tests.support.catalog import age_catalog

# Makes a client of the real app for a shop, the app built with some settings changed.
Connect = Callable[..., Client]


@pytest.fixture
def connect(runtime: Runtime, fmt: str) -> Iterator[Connect]:
    """Clients of the real app in-process; full exports are not rate limited unless asked."""
    opened: list[tuple[TestClient, Client]] = []

    def make(shop: Shop, **settings: object) -> Client:
        config: Config = dataclasses.replace(runtime.config, **{"full_exports_per_hour": 0, **settings})  # type: ignore[arg-type]
        test_client = TestClient(create_app(config, runtime)).__enter__()
        client = Client(
            "http://testserver",
            shop.api_key,
            shop.password,
            format=fmt,  # type: ignore[arg-type]
            transport=InProcessTransport(test_client),
            retries=Retries(total=0, backoff=0),
        )
        opened.append((test_client, client))
        return client

    yield make
    for test_client, client in opened:
        client.close()
        test_client.__exit__(None, None, None)


@pytest.fixture
def records(catalog: list[int]) -> list[ProductRecord]:
    """The products the `catalog` fixture loaded (the generator is deterministic)."""
    return list(generate_catalog(products=10, seed=7))


def _recent(hours: float) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


# -- catalog --------------------------------------------------------------------------------------


def test_the_export_streams_what_the_server_holds(
    connect: Connect, shop: Shop, records: list[ProductRecord]
) -> None:
    ghost = connect(shop)
    with ghost.catalog(["en_US", "it_IT"]) as export:
        products = list(export)
        assert export.full is True
        assert export.total == 10
        assert export.last_update is not None and export.last_update.tzinfo is not None
        assert abs(export.last_update - datetime.now(UTC)) < timedelta(minutes=5)
        assert export.bytes_read > 0
    assert [p.id for p in products] == [r.id for r in records]
    for product, record in zip(products, records, strict=True):
        assert (product.name, product.code) == (record.name, record.code)
        assert product.brand == record.tags[0].value
        assert product.street_price == record.street_price
        assert product.suggested_price == record.suggested_price
        assert product.taxable == product.best_taxable == record.taxable
        assert product.weight == record.weight
        assert product.currency == "EUR"
        assert product.availability == sum(m.availability for m in record.models)
        assert (product.made_in, product.hs) == (record.madein, record.hs)
        assert (product.online, product.intangible) == (True, False)
        assert [(i.id, i.url, i.name) for i in product.images] == [
            (p["id"], p["url"], p["name"]) for p in record.pictures
        ]
        for locale, text in record.localizations["description"].items():
            assert product.localized("description", locale) == text
        assert [(t.name, t.value) for t in product.tags] == [(t.name, t.value) for t in record.tags]
        category = product.tag("category")
        assert category is not None and category.value_in("it_IT") == record.tags[1].value
        assert [m.stock_id for m in product.models] == [m.id for m in record.models]
        for model, expected in zip(product.models, record.models, strict=True):
            assert (model.model, model.code, model.barcode) == (
                expected.model,
                expected.code,
                expected.barcode,
            )
            assert (model.color, model.size) == (expected.color, expected.size)
            assert model.street_price == expected.street_price
            assert model.weight == expected.weight
            assert (model.availability, model.backorder) == (expected.availability, False)
            assert model.last_update is not None and model.last_update.tzinfo is not None


def test_since_and_tag_filters(
    connect: Connect, shop: Shop, runtime: Runtime, records: list[ProductRecord]
) -> None:
    ghost = connect(shop)
    age_catalog(runtime, hours=2)
    with ghost.catalog(since=_recent(3)) as export:
        assert len(list(export)) == 10
        assert export.full is False
    with ghost.catalog() as full:
        assert len(list(full)) == 10
        since = full.next_since
    assert since is not None
    assert list(ghost.catalog(since=since)) == []

    changed = records[4].models[0]
    set_stock(runtime.db, stock_id=changed.id, quantity=changed.availability + 7, actor="test")
    [product] = list(ghost.catalog(since=since))
    assert product.id == records[4].id
    assert product.models[0].availability == changed.availability + 7
    assert len(product.models) == len(records[4].models)  # the whole product, every model

    brand = records[0].tags[0].value
    expected = [r.id for r in records if r.tags[0].value == brand]
    assert [p.id for p in ghost.catalog(tags={"brand": brand})] == expected
    assert [p.id for p in ghost.catalog(tags={1: brand})] == expected


def test_since_older_than_the_window_falls_back_to_a_full_download(
    connect: Connect, shop: Shop, records: list[ProductRecord]
) -> None:
    narrow = connect(shop, catalog_window_hours=1)
    with narrow.catalog(since=_recent(2)) as export:
        assert [p.id for p in export] == [r.id for r in records]
        assert export.full is True
    with pytest.raises(PreconditionFailed, match="incremental window"):
        list(narrow.catalog(since=_recent(2), fallback=False))
    # Inside the window the same ``since`` stays incremental.
    wide = connect(shop, catalog_window_hours=3)
    with wide.catalog(since=_recent(2)) as export:
        assert len(list(export)) == 10
        assert export.full is False


def test_the_limit_on_full_exports_is_a_rate_limit(connect: Connect, shop: Shop, catalog: list[int]) -> None:
    from stockgate_client import RateLimited

    ghost = connect(shop, full_exports_per_hour=1)
    assert len(list(ghost.catalog())) == 10
    with pytest.raises(RateLimited):
        list(ghost.catalog())


def test_locales_and_tags(connect: Connect, shop: Shop, records: list[ProductRecord]) -> None:
    ghost = connect(shop)
    assert ghost.locales() == [Locale("en_US", "English"), Locale("it_IT", "Italiano")]
    in_use = sorted({(t.tag_id, t.name, t.value) for r in records for t in r.tags})
    assert ghost.tags() == [TagValue(name, value) for _id, name, value in in_use]


# -- returns --------------------------------------------------------------------------------------


def _order(key: str, items: dict[int, int]) -> DropshipOrder:
    recipient = Recipient("ACME srl", Address("Roma", "10100", "Torino", "IT", address_number="1"))
    return DropshipOrder.of(key, datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), recipient, items, carrier_id=20)


@pytest.fixture
def dispatched(
    runtime: Runtime, catalog: list[int], make_account: AccountFactory, connect: Connect
) -> tuple[Client, Shop, int, int, int]:
    """A shop's client, the shop, a dispatched order of 3 of model a and 1 of b, and a and b."""
    a, b = catalog[:2]
    for stock_id in (a, b):
        set_stock(runtime.db, stock_id=stock_id, quantity=10, actor="test")
    shop = make_account(ecredit="1000")
    ghost = connect(shop)
    order_id = ghost.place_dropship_order(_order("SENT", {a: 3, b: 1})).order_id
    advance_order(runtime.db, order_id=order_id, to=3, tracking_code="T1", actor="test")
    return ghost, shop, order_id, a, b


def test_a_return_from_request_to_manifest(
    runtime: Runtime, dispatched: tuple[Client, Shop, int, int, int]
) -> None:
    ghost, _shop, order_id, a, b = dispatched
    assert ghost.returns_by_order(order_id).lines == ()
    ghost.open_return(
        order_id, [ReturnItem(a, 2, reason=2, notes="worn", ext_ref="rma-1"), ReturnItem(b, 1, reason=6)]
    )
    before = ghost.returns_by_key("SENT")
    assert before == ghost.returns_by_order(order_id)
    assert before.order_id == order_id
    assert [(x.stock_id, x.quantity, x.reason, x.status, x.refund_status) for x in before.lines] == [
        (a, 1, 2, 0, 0),
        (a, 1, 2, 0, 0),
        (b, 1, 6, 0, 0),
    ]
    assert (before.lines[0].notes, before.lines[0].ext_ref) == ("worn", "rma-1")
    assert all(x.return_code is None and x.pdf_link is None for x in before.lines)

    for line in list_returns(runtime.db, order_id=order_id):
        authorize_return(runtime.db, return_id=line.id, paid_by="customer", actor="test")
    after = ghost.returns_by_order(order_id)
    assert after == ghost.returns_by_key("SENT")
    assert [x.status for x in after.lines] == [1, 1, 1]
    codes = {x.return_code for x in after.lines}
    assert len(codes) == 1  # one request, one parcel, one manifest
    [code] = codes
    assert code is not None and code.startswith("R")
    assert {x.pdf_link for x in after.lines} == {f"http://testserver/restful/returnedgoods/print/{code}.pdf"}
    pdf = ghost.return_pdf(code)
    assert pdf.startswith(b"%PDF-")
    assert ghost.return_pdf(code.lower()).startswith(b"%PDF-")
    with pytest.raises(NotFound):
        ghost.return_pdf("RAAAAAAAAAAAA")


def test_refused_returns_raise_the_broken_rule(
    runtime: Runtime,
    dispatched: tuple[Client, Shop, int, int, int],
    make_account: AccountFactory,
    connect: Connect,
    catalog: list[int],
) -> None:
    ghost, _shop, order_id, a, _b = dispatched
    with pytest.raises(BadRequest, match="only 3 of the 3 shipped") as over:
        ghost.open_return(order_id, [ReturnItem(a, 4, reason=0)])
    assert (over.value.status, over.value.code) == (400, 4)
    with pytest.raises(BadRequest, match="reasonCode 9") as reason:
        ghost.open_return(order_id, [ReturnItem(a, 1, reason=9)])
    assert reason.value.code == 5
    with pytest.raises(BadRequest, match=f"stockModelId {catalog[2]} is not in order") as foreign_model:
        ghost.open_return(order_id, [ReturnItem(catalog[2], 1, reason=0)])
    assert foreign_model.value.code == 3
    waiting = ghost.place_dropship_order(_order("WAIT", {a: 1})).order_id
    with pytest.raises(BadRequest, match="not dispatched") as not_sent:
        ghost.open_return(waiting, [ReturnItem(a, 1, reason=0)])
    assert not_sent.value.code == 2
    with pytest.raises(NotFound, match="order 999999 not found"):
        ghost.open_return(999_999, [ReturnItem(a, 1, reason=0)])
    assert list_returns(runtime.db, order_id=order_id) == []  # refusals changed nothing
    assert ghost.returns_by_order(waiting).lines == ()

    # Another shop's order looks exactly like a missing one, for every return call.
    stranger = connect(make_account())
    with pytest.raises(NotFound):
        stranger.returns_by_order(order_id)
    with pytest.raises(NotFound):
        stranger.returns_by_key("SENT")
    with pytest.raises(NotFound, match=f"order {order_id} not found"):
        stranger.open_return(order_id, [ReturnItem(a, 1, reason=0)])
    with pytest.raises(NotFound):
        ghost.returns_by_key("NOPE")
    with pytest.raises(NotFound):
        ghost.returns_by_order(987_654)


def test_the_catalog_prices_are_decimals(connect: Connect, shop: Shop, records: list[ProductRecord]) -> None:
    [first, *_] = connect(shop).catalog(["en_US"])
    assert isinstance(first.street_price, Decimal)
    assert first.street_price == records[0].street_price
