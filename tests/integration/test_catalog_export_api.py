"""E1 catalog export, E12 locales and E13 tags through the real app, on both databases."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree
from starlette.testclient import TestClient

from stockgate.bootstrap import Config, Runtime, create_app, start
from stockgate.domain.catalog import ProductRecord
from stockgate.domain.dates import utc_now
from stockgate.services.accounts import create_account
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_products
from stockgate.services.supplier_stock import set_stock
from tests.conftest import ENGINES, AccountFactory, Shop
from tests.support.catalog import age_catalog
from tests.support.pg_server import Databases

XML_URL = "/restful/export/api/products.xml"
JSON_URL = "/restful/export/api/products.json"
BOTH = "acceptedlocales=en_US,it_IT"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PRODUCT_FIELDS = [
    "id", "name", "code", "brand", "streetPrice", "suggestedPrice", "taxable", "bestTaxable", "currency",
    "weight", "availability", "madein", "hs", "online", "intangible",
]  # fmt: skip
MODEL_FIELDS = [
    "id", "model", "code", "barcode", "color", "size", "streetPrice", "suggestedPrice", "taxable",
    "bestTaxable", "currency", "modelWeight", "availability", "backorder", "lastUpdate",
]  # fmt: skip


@pytest.fixture
def records(catalog: list[int]) -> list[ProductRecord]:
    """The products the `catalog` fixture loaded (the generator is deterministic)."""
    return list(generate_catalog(products=10, seed=7))


@dataclass
class Shared:
    http: TestClient
    shop: Shop
    records: list[ProductRecord]


@pytest.fixture(scope="module", params=ENGINES)
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """One catalog and one shop per engine for the tests that only read (no export limit here)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('catalog') / 'stockgate.db'}"
    else:
        databases: Databases = request.getfixturevalue("pg_databases")
        url = databases.fresh()
    config = Config(database_url=url, full_exports_per_hour=0)
    rt = start(config)
    records = list(generate_catalog(products=10, seed=7))
    import_products(rt.db, records=records, actor="test")
    password = "correct horse battery"
    account = create_account(rt.db, email="reader@example.com", password=password, actor="test")
    try:
        with TestClient(create_app(config, rt)) as client:
            yield Shared(client, Shop(account.email, account.api_key, password, account.id), records)
    finally:
        rt.close()
        if request.param != "sqlite":
            databases.drop(url)


def get(http: TestClient, shop: Shop, url: str, **headers: str) -> Any:
    return http.get(url, auth=shop.auth, headers=headers)


def xml_items(http: TestClient, shop: Shop, query: str) -> list[etree._Element]:
    response = get(http, shop, f"{XML_URL}?{query}")
    assert response.status_code == 200, response.text
    return list(etree.fromstring(response.content).iterfind("items/item"))


def json_items(http: TestClient, shop: Shop, query: str) -> list[dict[str, Any]]:
    response = get(http, shop, f"{JSON_URL}?{query}")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["pageItems"]
    return items


def texts(element: etree._Element) -> dict[str, str]:
    return {child.tag: child.text or "" for child in element}


def iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None
    return moment


def test_xml_page_and_product_field_by_field(shared: Shared) -> None:
    http, shop, records = shared.http, shared.shop, shared.records
    response = get(http, shop, f"{XML_URL}?{BOTH}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    assert response.text.startswith(DECLARATION + "<page ")
    page = etree.fromstring(response.content)
    assert page.tag == "page"
    assert list(page.attrib) == [
        "lastUpdate",
        "totalNumberOfElements",
        "totalPages",
        "pageSize",
        "currentPage",
    ]
    assert abs(iso(page.get("lastUpdate", "")) - utc_now()) < timedelta(minutes=2)
    assert (page.get("totalNumberOfElements"), page.get("totalPages")) == ("10", "1")
    assert (page.get("pageSize"), page.get("currentPage")) == ("10", "1")
    assert [child.tag for child in page] == ["items"]
    items = page.findall("items/item")
    assert [int(i.findtext("id") or 0) for i in items] == [r.id for r in records]

    item, record = items[0], records[0]
    assert [c.tag for c in item] == [*PRODUCT_FIELDS, "pictures", "localizations", "tags", "models"]
    values = texts(item)
    assert values["name"] == record.name
    assert values["code"] == record.code
    assert values["brand"] == record.tags[0].value
    assert values["streetPrice"] == f"{record.street_price:.2f}"
    assert values["suggestedPrice"] == f"{record.suggested_price:.2f}"
    assert values["taxable"] == values["bestTaxable"] == f"{record.taxable:.2f}"
    assert values["currency"] == "EUR"
    assert values["weight"] == f"{record.weight:.3f}"
    assert values["availability"] == str(sum(m.availability for m in record.models))
    assert (values["madein"], values["hs"]) == (record.madein, record.hs)
    assert (values["online"], values["intangible"]) == ("true", "false")

    images = item.findall("pictures/image")
    assert [[c.tag for c in image] for image in images] == [["id", "url", "name", "modelIds"]] * 2
    assert [texts(image) for image in images] == [
        {"id": str(p["id"]), "url": p["url"], "name": p["name"], "modelIds": ""} for p in record.pictures
    ]
    description = item.find("localizations/description")
    assert description is not None
    assert {lv.get("localecode"): lv.text for lv in description} == record.localizations["description"]

    tags = item.findall("tags/tag")
    assert [t.findtext("name") for t in tags] == [t.name for t in record.tags]
    assert [t.findtext("value/value") for t in tags] == [t.value for t in record.tags]
    category = tags[1].find("value")
    assert category is not None
    assert {lv.get("localecode"): lv.text for lv in category.iterfind("localevalue")} == {
        "en_US": record.tags[1].value,
        "it_IT": record.tags[1].value,
    }

    models = item.findall("models/model")
    assert [texts(m)["id"] for m in models] == [str(m.id) for m in record.models]
    model, expected = models[0], record.models[0]
    assert [c.tag for c in model] == MODEL_FIELDS
    mv = texts(model)
    assert (mv["model"], mv["code"], mv["barcode"]) == (expected.model, expected.code, expected.barcode)
    assert (mv["color"], mv["size"]) == (expected.color, expected.size)
    assert mv["streetPrice"] == f"{expected.street_price:.2f}"
    assert mv["suggestedPrice"] == f"{expected.suggested_price:.2f}"
    assert mv["taxable"] == mv["bestTaxable"] == f"{expected.taxable:.2f}"
    assert (mv["currency"], mv["modelWeight"]) == ("EUR", f"{expected.weight:.3f}")
    assert (mv["availability"], mv["backorder"]) == (str(expected.availability), "false")
    assert abs(iso(mv["lastUpdate"]) - utc_now()) < timedelta(minutes=5)


def test_json_document_field_by_field(shared: Shared) -> None:
    http, shop, records = shared.http, shared.shop, shared.records
    response = get(http, shop, f"{JSON_URL}?{BOTH}")
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert list(document) == ["pageItems", "totalItems", "lastUpdate"]
    assert document["totalItems"] == 10
    assert abs(iso(document["lastUpdate"]) - utc_now()) < timedelta(minutes=2)
    item, record = document["pageItems"][0], records[0]
    assert list(item) == [*PRODUCT_FIELDS, "images", "productLocalizations", "tags", "models"]
    assert item["id"] == record.id
    assert item["name"] == record.name
    assert item["brand"] == record.tags[0].value
    assert item["streetPrice"] == float(record.street_price)
    assert item["suggestedPrice"] == float(record.suggested_price)
    assert item["taxable"] == item["bestTaxable"] == float(record.taxable)
    assert item["weight"] == float(record.weight)
    assert item["availability"] == sum(m.availability for m in record.models)
    assert (item["online"], item["intangible"]) is not None
    assert item["online"] is True
    assert item["intangible"] is False
    assert item["images"] == [
        {"id": p["id"], "url": p["url"], "name": p["name"], "modelIds": []} for p in record.pictures
    ]
    assert item["productLocalizations"] == {
        "description": {code: {"value": text} for code, text in record.localizations["description"].items()}
    }
    assert item["tags"][0] == {"name": "brand", "value": {"value": record.tags[0].value, "localeValues": {}}}
    assert item["tags"][1] == {
        "name": "category",
        "value": {
            "value": record.tags[1].value,
            "localeValues": {
                "en_US": {"value": record.tags[1].value},
                "it_IT": {"value": record.tags[1].value},
            },
        },
    }
    model, expected = item["models"][0], record.models[0]
    assert list(model) == MODEL_FIELDS
    assert model["id"] == expected.id
    assert model["availability"] == expected.availability
    assert model["streetPrice"] == float(expected.street_price)
    assert model["modelWeight"] == float(expected.weight)
    assert model["backorder"] is False
    assert isinstance(model["lastUpdate"], str)
    assert iso(model["lastUpdate"])


@pytest.mark.parametrize("query", ["", "acceptedlocales=", "acceptedlocales=%20,%20", "v=TEAL"])
def test_acceptedlocales_is_required(shared: Shared, query: str) -> None:
    http, shop = shared.http, shared.shop
    for url in (XML_URL, JSON_URL):
        response = get(http, shop, f"{url}?{query}")
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("text/plain")
        assert "acceptedlocales is required" in response.text


def test_only_the_accepted_locales_are_written(shared: Shared) -> None:
    http, shop = shared.http, shared.shop
    item = xml_items(http, shop, "acceptedlocales=it_IT")[0]
    assert {lv.get("localecode") for lv in item.iter("localevalue")} == {"it_IT"}
    document = json_items(http, shop, "acceptedLocales=it_IT,xx_XX")[0]
    assert list(document["productLocalizations"]["description"]) == ["it_IT"]
    assert list(document["tags"][1]["value"]["localeValues"]) == ["it_IT"]
    unknown = json_items(http, shop, "acceptedlocales=xx_XX")[0]
    assert unknown["productLocalizations"] == {}
    assert unknown["tags"][1]["value"]["localeValues"] == {}


@pytest.mark.parametrize("version", ["TEAL", "LEGACY", "legacy"])
def test_v_teal_and_legacy_are_accepted(shared: Shared, version: str) -> None:
    http, shop = shared.http, shared.shop
    assert len(xml_items(http, shop, f"v={version}&{BOTH}&addtags=true")) == 10


def test_an_unknown_version_is_400(shared: Shared) -> None:
    http, shop = shared.http, shared.shop
    response = get(http, shop, f"{XML_URL}?v=GHOST&{BOTH}")
    assert (response.status_code, response.text) == (400, "v 'GHOST' is not TEAL or LEGACY")


@pytest.mark.parametrize("tag_id", [1, 4, 5, 11, 13, 26])
def test_each_tag_filter(shared: Shared, tag_id: int) -> None:
    http, shop, records = shared.http, shared.shop, shared.records
    value = next(t.value for t in records[3].tags if t.tag_id == tag_id)
    expected = [r.id for r in records if any(t.tag_id == tag_id and t.value == value for t in r.tags)]
    assert records[3].id in expected
    found = [int(i.findtext("id") or 0) for i in xml_items(http, shop, f"{BOTH}&tag_{tag_id}={value}")]
    assert found == expected
    # Case does not matter, and the JSON export filters the same way.
    shouted = json_items(http, shop, f"{BOTH}&tag_{tag_id}={value.upper()}")
    assert [i["id"] for i in shouted] == expected
    response = get(http, shop, f"{XML_URL}?{BOTH}&tag_{tag_id}={value}")
    assert f'totalNumberOfElements="{len(expected)}"' in response.text


def test_tag_filters_combine(shared: Shared) -> None:
    http, shop, records = shared.http, shared.shop, shared.records
    brand = records[0].tags[0].value
    category = records[0].tags[1].value
    expected = [r.id for r in records if r.tags[0].value == brand and r.tags[1].value == category]
    items = json_items(http, shop, f"{BOTH}&tag_1={brand}&tag_4={category}")
    assert [i["id"] for i in items] == expected
    assert json_items(http, shop, f"{BOTH}&tag_1={brand}&tag_4=Nothing") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("tag_2=x", "tag_2 is not a catalog filter"),
        ("tag_brand=x", "tag_brand is not a catalog filter"),
        ("tag_1=", "tag_1 needs a value"),
    ],
)
def test_bad_filters_are_400(shared: Shared, query: str, message: str) -> None:
    http, shop = shared.http, shared.shop
    response = get(http, shop, f"{JSON_URL}?{BOTH}&{query}")
    assert response.status_code == 400
    assert message in response.text


def test_since_returns_what_changed_and_last_update_chains(
    http: TestClient, shop: Shop, runtime: Runtime, records: list[ProductRecord]
) -> None:
    age_catalog(runtime, hours=2)
    recent = (utc_now() - timedelta(hours=3)).isoformat()
    assert len(json_items(http, shop, f"{BOTH}&since={recent}".replace("+", "%2B"))) == 10
    full = get(http, shop, f"{JSON_URL}?{BOTH}").json()
    assert json_items(http, shop, f"{BOTH}&since={full['lastUpdate']}".replace("+", "%2B")) == []

    changed = records[4].models[0]
    set_stock(runtime.db, stock_id=changed.id, quantity=changed.availability + 7, actor="test")
    after = json_items(http, shop, f"{BOTH}&since={full['lastUpdate']}".replace("+", "%2B"))
    assert [i["id"] for i in after] == [records[4].id]
    assert after[0]["models"][0]["availability"] == changed.availability + 7
    assert len(after[0]["models"]) == len(records[4].models)  # the whole product, every model
    # A client that did not URL-encode the offset sends a space instead of the plus.
    page = get(http, shop, f"{XML_URL}?{BOTH}&since={full['lastUpdate']}")
    assert page.status_code == 200
    assert 'totalNumberOfElements="1"' in page.text


@pytest.mark.parametrize(
    "since", ["2017-10-31T14:05:12.322%2B01:00", "2017-10-31T14:05:12Z", "1509455112322"]
)
def test_since_older_than_the_window_is_412(shared: Shared, since: str) -> None:
    http, shop = shared.http, shared.shop
    response = get(http, shop, f"{XML_URL}?{BOTH}&since={since}")
    assert response.status_code == 412
    assert "incremental window" in response.text


def test_the_window_is_configurable(runtime: Runtime, shop: Shop, catalog: list[int]) -> None:
    two_hours_ago = (utc_now() - timedelta(hours=2)).isoformat().replace("+", "%2B")
    narrow = Config(database_url=runtime.config.database_url, catalog_window_hours=1)
    with TestClient(create_app(narrow, runtime)) as client:
        assert get(client, shop, f"{XML_URL}?{BOTH}&since={two_hours_ago}").status_code == 412
    with TestClient(create_app(runtime.config, runtime)) as client:
        assert get(client, shop, f"{XML_URL}?{BOTH}&since={two_hours_ago}").status_code == 200


@pytest.mark.parametrize("since", ["yesterday", "2017-13-01T00:00:00Z", "99999999999999999999"])
def test_a_bad_since_is_400(shared: Shared, since: str) -> None:
    http, shop = shared.http, shared.shop
    response = get(http, shop, f"{JSON_URL}?{BOTH}&since={since}")
    assert response.status_code == 400
    assert "is not an ISO-8601 instant" in response.text


def test_full_exports_are_limited_per_account_in_the_database(
    runtime: Runtime, make_account: AccountFactory, catalog: list[int]
) -> None:
    first, other = make_account(), make_account()
    recent = (utc_now() - timedelta(minutes=30)).isoformat().replace("+", "%2B")
    # Two processes share the limit: here two apps, each with its own engine, on one database.
    second_runtime = start(Config(database_url=runtime.config.database_url), migrate=False)
    try:
        with (
            TestClient(create_app(runtime.config, runtime)) as a,
            TestClient(create_app(second_runtime.config, second_runtime)) as b,
        ):
            for client in (a, b, a, b):
                assert get(client, first, f"{XML_URL}?{BOTH}").status_code == 200
            refused = get(b, first, f"{JSON_URL}?{BOTH}")
            assert refused.status_code == 429
            assert 3500 <= int(refused.headers["retry-after"]) <= 3600
            assert "at most 4 full catalog exports per hour" in refused.text
            # Incremental and filtered exports, probes, and other accounts are not limited.
            assert get(a, first, f"{XML_URL}?{BOTH}&since={recent}").status_code == 200
            assert get(a, first, f"{XML_URL}?{BOTH}&tag_1=Acme").status_code == 200
            assert a.head(f"{XML_URL}?{BOTH}", auth=first.auth).status_code == 200
            assert get(a, other, f"{XML_URL}?{BOTH}").status_code == 200
    finally:
        second_runtime.close()


def test_the_limit_is_configurable(runtime: Runtime, shop: Shop, catalog: list[int]) -> None:
    one = Config(database_url=runtime.config.database_url, full_exports_per_hour=1)
    with TestClient(create_app(one, runtime)) as client:
        assert get(client, shop, f"{XML_URL}?{BOTH}").status_code == 200
        assert get(client, shop, f"{XML_URL}?{BOTH}").status_code == 429
    unlimited = Config(database_url=runtime.config.database_url, full_exports_per_hour=0)
    with TestClient(create_app(unlimited, runtime)) as client:
        for _ in range(6):
            assert get(client, shop, f"{XML_URL}?{BOTH}").status_code == 200


def test_availability_is_what_is_free(
    http: TestClient, shop: Shop, make_account: AccountFactory, records: list[ProductRecord]
) -> None:
    record = next(r for r in records if any(m.availability >= 3 for m in r.models))
    model = next(m for m in record.models if m.availability >= 3)
    other = make_account()
    body = {"operations": [{"type": "lock", "models": [{"stock_id": model.id, "quantity": 2}]}]}
    assert http.post("/restful/ghost/orders/sold", json=body, auth=other.auth).status_code == 200
    item = next(i for i in json_items(http, shop, BOTH) if i["id"] == record.id)
    exported = {m["id"]: m["availability"] for m in item["models"]}
    assert exported[model.id] == model.availability - 2
    assert item["availability"] == sum(m.availability for m in record.models) - 2
    xml_item = next(i for i in xml_items(http, shop, BOTH) if i.findtext("id") == str(record.id))
    assert xml_item.findtext("availability") == str(item["availability"])


def test_head_probes_without_a_body(shared: Shared) -> None:
    http, shop = shared.http, shared.shop
    response = http.head(f"{XML_URL}?{BOTH}", auth=shop.auth)
    assert (response.status_code, response.content) == (200, b"")
    assert response.headers["content-type"] == "application/xml"
    assert http.head(f"{XML_URL}", auth=shop.auth).status_code == 400


def test_credentials_are_required(shared: Shared) -> None:
    http, shop = shared.http, shared.shop
    for url in (f"{XML_URL}?{BOTH}", "/restful/export/locales", "/restful/export/tags"):
        response = http.get(url, auth=(shop.api_key, "wrong password"))
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Basic realm="stockgate"'


def test_the_export_is_streamed_and_gzipped_on_request(shared: Shared) -> None:
    http, shop = shared.http, shared.shop
    with http.stream(
        "GET", f"{XML_URL}/?{BOTH}", auth=shop.auth, headers={"Accept-Encoding": "gzip"}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "gzip"
        assert "content-length" not in response.headers  # sent as it is produced
        packed = b"".join(response.iter_raw())
    plain = get(http, shop, f"{XML_URL}?{BOTH}", **{"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(packed).split(b"lastUpdate")[2:] == plain.content.split(b"lastUpdate")[2:]


def test_an_empty_catalog(http: TestClient, shop: Shop) -> None:
    response = get(http, shop, f"{XML_URL}?{BOTH}")
    page = etree.fromstring(response.content)
    assert (page.get("totalNumberOfElements"), page.get("pageSize"), page.findall("items/item")) == (
        "0",
        "0",
        [],
    )
    assert get(http, shop, f"{JSON_URL}?{BOTH}").json()["pageItems"] == []


def test_locales(shared: Shared) -> None:
    http, shop = shared.http, shared.shop
    xml = get(http, shop, "/restful/export/locales")
    assert xml.headers["content-type"] == "application/xml"
    assert xml.text == (
        DECLARATION
        + '<wrapper><value key="en_US">English</value><value key="it_IT">Italiano</value></wrapper>'
    )
    as_json = get(http, shop, "/restful/export/locales/", Accept="application/json")
    assert as_json.json() == [{"key": "en_US", "value": "English"}, {"key": "it_IT", "value": "Italiano"}]


def test_tags(shared: Shared) -> None:
    http, shop, records = shared.http, shared.shop, shared.records
    in_use = {(t.tag_id, t.name, t.value) for r in records for t in r.tags}
    expected = [{"key": name, "value": value} for _id, name, value in sorted(in_use)]
    assert get(http, shop, "/restful/export/tags", Accept="application/json").json() == expected
    wrapper = etree.fromstring(get(http, shop, "/restful/export/tags").content)
    assert wrapper.tag == "wrapper"
    assert [{"key": v.get("key"), "value": v.text} for v in wrapper] == expected


def test_decimals_and_text_survive_escaping(http: TestClient, shop: Shop, runtime: Runtime) -> None:
    from stockgate.domain.catalog import ModelRecord, TagRecord
    from stockgate.services.catalog_import import import_products

    odd = ProductRecord(
        id=7,
        name='Fish & "Chips" <large>',
        street_price=Decimal("1.50"),
        localizations={"description": {"en_US": "a < b & c"}},
        tags=[TagRecord(1, "brand", "R&D")],
        models=[ModelRecord(70, 3, model="M&M")],
    )
    import_products(runtime.db, records=[odd], actor="test")
    item = xml_items(http, shop, "acceptedlocales=en_US")[0]
    assert (item.findtext("name"), item.findtext("brand")) == ('Fish & "Chips" <large>', "R&D")
    assert item.findtext("streetPrice") == "1.50"
    assert item.findtext("localizations/description/localevalue") == "a < b & c"
    assert item.findtext("models/model/model") == "M&M"
    assert json_items(http, shop, "acceptedlocales=en_US")[0]["streetPrice"] == 1.5


def test_a_stream_given_up_by_its_client_gives_its_connection_back() -> None:
    import asyncio

    from stockgate.http.catalog import _in_threads

    closed: list[bool] = []

    async def first_chunk_only() -> bytes:
        stream = _in_threads(iter([b"head", b"page", b"tail"]), lambda: closed.append(True))
        chunk = await anext(stream)
        await stream.aclose()  # what the server does when the client hangs up
        return chunk

    assert asyncio.run(first_chunk_only()) == b"head"
    assert closed == [True]
