"""Catalog import (TEAL XML and CSV) and the supplier's export, on both databases."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal

import orjson
import pytest

from stockgate.bootstrap import Config, Runtime, start
from stockgate.domain.catalog import ImportRejected, ModelRecord, ProductRecord, TagRecord, tag_id_for
from stockgate.domain.errors import InvalidInput
from stockgate.domain.stock import make_operation
from stockgate.services.auth import Principal
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.check import check_invariants
from stockgate.services.reservations import reserve
from tests.conftest import Shop
from tests.support.catalog import exported, import_csv, import_xml, teal, without_timestamps
from tests.support.pg_server import Databases


@pytest.fixture
def fresh_runtime(
    request: pytest.FixtureRequest, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runtime]:
    """A second empty database on the same engine as `runtime`."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('fresh') / 'stockgate.db'}"
    else:
        databases: Databases = request.getfixturevalue("pg_databases")
        url = databases.fresh()
    rt = start(Config(database_url=url))
    yield rt
    rt.close()
    if not database_url.startswith("sqlite"):
        databases.drop(url)


def products_in(runtime: Runtime) -> list[dict[str, object]]:
    items: list[dict[str, object]] = orjson.loads(exported(runtime, "json"))["pageItems"]
    return items


def three() -> list[ProductRecord]:
    return list(generate_catalog(products=3, seed=11))


def test_round_trip_is_lossless(runtime: Runtime, fresh_runtime: Runtime) -> None:
    records = list(generate_catalog(products=40, seed=3, locales=3, max_models=8))
    assert import_xml(runtime, teal(records)).created == 40
    first = exported(runtime)
    assert import_xml(fresh_runtime, first).created == 40
    second = exported(fresh_runtime)
    assert without_timestamps(second) == without_timestamps(first)
    assert without_timestamps(first) == without_timestamps(teal(records))
    assert without_timestamps(exported(fresh_runtime, "json")) == without_timestamps(
        exported(runtime, "json")
    )
    # An export re-imported where it came from changes nothing.
    counts = import_xml(runtime, first)
    assert (counts.created, counts.updated, counts.unchanged, counts.skipped) == (0, 0, 40, 0)


def test_the_export_pages_through_the_whole_catalog(runtime: Runtime) -> None:
    records = list(generate_catalog(products=11, seed=5))
    import_xml(runtime, teal(records))
    paged = exported(runtime, page_size=3)
    assert without_timestamps(paged) == without_timestamps(exported(runtime))
    assert paged.count(b"<item>") == 11


def test_reimport_updates_in_place_and_counts(runtime: Runtime) -> None:
    records = list(generate_catalog(products=10, seed=2))
    assert import_xml(runtime, teal(records)).created == 10
    renamed = replace(records[0], name="Renamed")
    restocked = replace(
        records[1], models=[replace(records[1].models[0], availability=99), *records[1].models[1:]]
    )
    retagged = replace(records[2], tags=[*records[2].tags[:-1], TagRecord(26, "gender", "kids")])
    new = ProductRecord(id=5000, name="New", models=[ModelRecord(500_000, 4)])
    counts = import_xml(runtime, teal([renamed, restocked, retagged, *records[3:], new]))
    assert (counts.created, counts.updated, counts.unchanged, counts.skipped) == (1, 3, 7, 0)
    by_id = {p["id"]: p for p in products_in(runtime)}
    assert by_id[records[0].id]["name"] == "Renamed"
    assert by_id[records[1].id]["models"][0]["availability"] == 99  # type: ignore[index]
    assert by_id[records[2].id]["tags"][-1] == {
        "name": "gender",
        "value": {"value": "kids", "localeValues": {}},
    }  # type: ignore[index]
    assert by_id[5000]["availability"] == 4
    assert len(by_id) == 11
    assert check_invariants(runtime.db) == []


@pytest.fixture
def locked(runtime: Runtime, shop: Shop, principal_of: Callable[[Shop], Principal]) -> ModelRecord:
    """The first model of `three()` imported with 10 on hand, 6 of them locked by a shop."""
    records = three()
    first = replace(records[0].models[0], availability=10)
    records[0] = replace(records[0], models=[first, *records[0].models[1:]])
    import_xml(runtime, teal(records))
    reserve(
        runtime.db,
        principal=principal_of(shop),
        operations=[make_operation("lock", [(first.id, 6)])],
        actor="test",
    )
    return first


def test_availability_below_the_locks_is_refused_for_that_product(
    runtime: Runtime, locked: ModelRecord
) -> None:
    records = three()
    short = replace(records[0], models=[replace(locked, availability=5), *records[0].models[1:]])
    changed = [short, *(replace(r, name=r.name + " v2") for r in records[1:])]
    counts = import_xml(runtime, teal(changed))
    assert (counts.updated, counts.skipped) == (2, 1)
    assert counts.errors == [
        f"line 3: product {short.id}, stock_id {locked.id}: availability 5 is below the 6 units locked in reservations"
    ]
    with pytest.raises(ImportRejected) as rejected:
        import_xml(runtime, teal(changed), strict=True)
    assert rejected.value.problems == counts.errors
    enough = [replace(short, models=[replace(locked, availability=6), *short.models[1:]])]
    assert import_xml(runtime, teal(enough)).updated == 1  # exactly what is locked is allowed
    assert products_in(runtime)[0]["models"][0]["availability"] == 6  # type: ignore[index]
    assert check_invariants(runtime.db) == []


def test_on_hand_changes_are_in_the_ledger(runtime: Runtime) -> None:
    records = three()
    import_xml(runtime, teal(records))
    lower = [
        replace(r, models=[replace(m, availability=max(0, m.availability - 1)) for m in r.models])
        for r in records
    ]
    import_xml(runtime, teal(lower))
    assert check_invariants(runtime.db) == []


def _document(records: list[ProductRecord]) -> str:
    return teal(records).decode()


XML_CASES: list[tuple[Callable[[str, ProductRecord], str], str]] = [
    (lambda d, r: d.replace(f"<id>{r.id}</id>", "", 1), "item: id is required"),
    (
        lambda d, r: d.replace(
            f"<streetPrice>{r.street_price}</streetPrice>", "<streetPrice>abc</streetPrice>", 1
        ),
        "item {id}: streetPrice 'abc' is not a number",
    ),
    (
        lambda d, r: d.replace(
            f"<streetPrice>{r.street_price}</streetPrice>", "<streetPrice>1.234</streetPrice>", 1
        ),
        "product {id}: street_price 1.234 has more than 2 decimals",
    ),
    (
        lambda d, r: d.replace(
            f"<availability>{r.models[0].availability}</availability><backorder>",
            "<availability>-1</availability><backorder>",
            1,
        ),
        "product {id}, stock_id {sid}: availability -1 must be between 0 and 2147483647",
    ),
    (
        lambda d, r: d.replace(
            f"<availability>{r.models[0].availability}</availability><backorder>", "<backorder>", 1
        ),
        "item {id}: model {sid}: availability is required",
    ),
    (
        lambda d, r: d.replace("<online>true</online>", "<online>maybe</online>", 1),
        "item {id}: online 'maybe' is not true or false",
    ),
    (
        lambda d, r: d.replace(f"<code>{r.code}</code>", f"<code>{'x' * 101}</code>", 1),
        "product {id}: code is longer than 100 characters",
    ),
    (
        lambda d, r: d.replace("<currency>EUR</currency>", "<currency>EURO</currency>", 1),
        "product {id}: currency 'EURO' is not a three-letter code such as EUR",
    ),
    (
        lambda d, r: d.replace("<name>brand</name><value>", "<name>brand</name><novalue>", 1).replace(
            "</value></tag>", "</novalue></tag>", 1
        ),
        "item {id}: tag brand has no value",
    ),
    (
        lambda d, r: d.replace('<localevalue localecode="en_US">', "<localevalue>", 1),
        "item {id}: a localevalue of description has no localecode",
    ),
    (
        lambda d, r: d.replace('localecode="en_US"', 'localecode="english"', 1),
        "product {id}: locale 'english' of description is not a locale code such as en_US",
    ),
]


@pytest.mark.parametrize(("mutate", "message"), XML_CASES)
def test_a_broken_xml_item_is_skipped_with_its_line(
    runtime: Runtime, mutate: Callable[[str, ProductRecord], str], message: str
) -> None:
    records = three()
    middle = records[1]
    document = _document(records)
    cut = document.index(f"<item><id>{middle.id}</id>")
    end = document.index("</item>", cut)
    broken = document[:cut] + mutate(document[cut:end], middle) + document[end:]
    counts = import_xml(runtime, broken.encode())
    expected = "line 4: " + message.format(id=middle.id, sid=middle.models[0].id)
    assert (counts.created, counts.skipped, counts.errors) == (2, 1, [expected])
    assert [p["id"] for p in products_in(runtime)] == [records[0].id, records[2].id]


def test_strict_import_of_a_broken_file_applies_nothing(runtime: Runtime) -> None:
    records = three()
    document = _document(records).replace("<online>true</online>", "<online>perhaps</online>")
    with pytest.raises(ImportRejected) as rejected:
        import_xml(runtime, document.encode(), strict=True)
    assert rejected.value.count == 3
    assert rejected.value.message == "3 broken items: nothing was imported"
    assert (
        rejected.value.problems[0] == f"line 3: item {records[0].id}: online 'perhaps' is not true or false"
    )
    assert products_in(runtime) == []


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (
            lambda r: ("<item><id>{first}</id>", "<item><id>{other}</id>"),
            "product {first} appears more than once in the file",
        ),
        (
            lambda r: ("<model><id>{first_model}</id>", "<model><id>{other_model}</id>"),
            "stock_id {first_model} already belongs to another product in the file",
        ),
    ],
)
def test_ids_must_be_unique_in_the_file(
    runtime: Runtime, problem: Callable[[ProductRecord], tuple[str, str]], message: str
) -> None:
    records = three()
    names = {
        "first": records[0].id,
        "other": records[2].id,
        "first_model": records[0].models[0].id,
        "other_model": records[2].models[0].id,
    }
    old, new = (part.format(**names) for part in problem(records[0]))
    document = _document(records).replace(new, old)
    counts = import_xml(runtime, document.encode())
    assert counts.skipped == 1
    assert counts.errors[0].startswith("line 5: ")
    assert message.format(**names) in counts.errors[0]


def test_malformed_xml_stops_the_file_where_it_breaks(runtime: Runtime) -> None:
    records = three()
    document = _document(records)
    cut = document.index(f"<item><id>{records[2].id}</id>")
    broken = document[:cut] + "<item><id>9</id><name>x</nam></item>\n</items></page>"
    counts = import_xml(runtime, broken.encode())
    assert (counts.created, counts.skipped) == (2, 1)
    assert counts.errors[0].startswith("line 5: malformed XML (")
    assert counts.errors[0].endswith("the rest of the file was not read")
    with pytest.raises(ImportRejected):
        import_xml(runtime, broken.encode(), strict=True)


def test_a_doctype_is_refused(runtime: Runtime) -> None:
    document = _document(three()).replace("<page ", '<!DOCTYPE page [<!ENTITY x "y">]>\n<page ', 1)
    counts = import_xml(runtime, document.encode())
    assert counts.created == 0
    assert counts.errors == ["line 1: XML with a DOCTYPE is not accepted; nothing after it was read"]


def test_rewix_extras_brand_and_unknown_tags_are_read(runtime: Runtime) -> None:
    document = """<?xml version="1.0"?>
<page><items><item><id>42</id><brand>Zeta</brand><catalogRuleId>3</catalogRuleId>
<tags><tag><id>26</id><name>gender</name><nameI18N>Gender</nameI18N><value><value>women</value></value></tag>
<tag><name>dimension</name><value>Large</value></tag></tags>
<models><model><id>420</id><availability>2</availability><option1>L</option1></model></models></item></items></page>"""
    assert import_xml(runtime, document.encode()).created == 1
    product = products_in(runtime)[0]
    assert product["brand"] == "Zeta"
    assert product["tags"] == [
        {"name": "brand", "value": {"value": "Zeta", "localeValues": {}}},
        {"name": "gender", "value": {"value": "women", "localeValues": {}}},
        {"name": "dimension", "value": {"value": "Large", "localeValues": {}}},
    ]
    assert tag_id_for("dimension") == tag_id_for("dimension") >= 1000


CSV_HEADER = (
    "product_id,code,name,brand,tag:category,tag:category:it_IT,street_price,taxable,weight,madein,online,"
    "images,description:en_US,description:it_IT,stock_id,availability,size,color,model_street_price,barcode,notes"
)
CSV = "\n".join(
    [
        CSV_HEADER,
        "100,SH-100,Shirt,Acme,Clothing,Abbigliamento,29.90,12.00,0.300,Italy,yes,/img/a.jpg|/img/b.jpg,"
        '"A shirt, blue",Una camicia,1001,5,M,blue,,8001,first',
        "100,,,,,,,,,,,,,,1002,0,L,blue,31.50,8002,",
        '200,PA-200,"Pants ""slim""",Bellavita,Clothing,,49.00,20.00,0.500,,no,,,,2001,3,42,black,,,',
        "",
    ]
)


def test_a_csv_catalog_one_row_per_model(runtime: Runtime) -> None:
    counts = import_csv(runtime, CSV)
    assert (counts.created, counts.skipped) == (2, 0)
    shirt, pants = products_in(runtime)
    assert (shirt["id"], shirt["code"], shirt["name"], shirt["brand"]) == (100, "SH-100", "Shirt", "Acme")
    assert (shirt["streetPrice"], shirt["taxable"], shirt["weight"], shirt["madein"]) == (
        29.9,
        12.0,
        0.3,
        "Italy",
    )
    assert (shirt["online"], pants["online"], shirt["availability"]) == (True, False, 5)
    assert shirt["images"] == [
        {"id": 10001, "url": "/img/a.jpg", "name": "a.jpg", "modelIds": []},
        {"id": 10002, "url": "/img/b.jpg", "name": "b.jpg", "modelIds": []},
    ]
    assert shirt["productLocalizations"] == {
        "description": {"en_US": {"value": "A shirt, blue"}, "it_IT": {"value": "Una camicia"}}
    }
    assert shirt["tags"] == [
        {"name": "brand", "value": {"value": "Acme", "localeValues": {}}},
        {
            "name": "category",
            "value": {"value": "Clothing", "localeValues": {"it_IT": {"value": "Abbigliamento"}}},
        },
    ]
    models = shirt["models"]
    assert [(m["id"], m["availability"], m["size"], m["color"], m["barcode"]) for m in models] == [  # type: ignore[attr-defined]
        (1001, 5, "M", "blue", "8001"),
        (1002, 0, "L", "blue", "8002"),
    ]
    assert [m["streetPrice"] for m in models] == [29.9, 31.5]  # type: ignore[attr-defined]
    assert [m["taxable"] for m in models] == [12.0, 12.0]  # type: ignore[attr-defined]
    assert pants["name"] == 'Pants "slim"'
    assert import_csv(runtime, CSV).unchanged == 2


def test_a_csv_from_a_european_spreadsheet(runtime: Runtime) -> None:
    text = "\ufeffproduct_id;name;street_price;stock_id;availability\n7;Sciarpa;12,50;70;4\n"
    assert import_csv(runtime, text).created == 1
    product = products_in(runtime)[0]
    assert (product["name"], product["streetPrice"], product["availability"]) == ("Sciarpa", 12.5, 4)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("1,a,1.00,10,2\n1,a,x,11,2\n", "line 3: product 1: street_price 'x' differs from line 2"),
        ("1,a,abc,10,2\n", "line 2: product 1: street_price 'abc' is not a number"),
        ("1,a,1.00,10,\n", "line 2: product 1: stock_id 10: availability is required"),
        ("1,a,1.00,,2\n", "line 2: product 1: stock_id is required"),
        (
            "1,a,1.00,10,-3\n",
            "line 2: product 1, stock_id 10: availability -3 must be between 0 and 2147483647",
        ),
        ("x,a,1.00,10,2\n", "line 2: product x: product_id 'x' is not an integer"),
        ("1,a,1.00,10,2,extra\n", "line 2: product 1: the row has 6 cells, the header 5"),
        (
            "1,a,1.00,10,2\n2,b,1.00,20,2\n1,a,1.00,11,2\n",
            "line 4: product 1 appears more than once in the file",
        ),
        ("1,a,1.00,10,2\n1,a,1.00,10,2\n", "line 2: product 1: stock_id 10 appears twice"),
    ],
)
def test_a_broken_csv_row_is_skipped_with_its_line(runtime: Runtime, rows: str, expected: str) -> None:
    text = "product_id,name,street_price,stock_id,availability\n" + rows + "9,ok,1.00,90,1\n"
    counts = import_csv(runtime, text)
    assert counts.skipped == 1
    assert counts.errors == [expected]
    assert 9 in [p["id"] for p in products_in(runtime)]
    with pytest.raises(ImportRejected):
        import_csv(runtime, text, strict=True)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("product_id,name,availability", "the header has no column stock_id"),
        ("name,stock_id", "the header has no column product_id, availability"),
        ("product_id,stock_id,availability,name,name", "column 'name' appears twice in the header"),
        (
            "product_id,stock_id,availability,brand,tag:brand",
            "give the brand as brand or as tag:brand, not both",
        ),
    ],
)
def test_a_csv_header_without_the_essentials_is_refused_whole(
    runtime: Runtime, header: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        import_csv(runtime, header + "\n1,2,3,4,5\n")
    assert refused.value.message == message
    assert products_in(runtime) == []


def test_unknown_csv_columns_are_ignored(runtime: Runtime) -> None:
    from stockgate.wire.catalog_csv import CsvCatalog

    reader = CsvCatalog(
        io.BytesIO(b"product_id,stock_id,availability,warehouse,tag:season\n1,10,2,B4,SS26\n")
    )
    assert reader.layout.ignored == ["warehouse"]
    item = next(iter(reader))
    assert item.record is not None
    assert item.record.tags == [TagRecord(11, "season", "SS26")]
    assert item.record.models[0].weight == Decimal("0")


def test_an_export_reads_one_snapshot_while_the_catalog_changes(runtime: Runtime) -> None:
    from stockgate.domain.catalog import CatalogFilter
    from stockgate.services.catalog_export import export_catalog
    from stockgate.services.catalog_import import import_products

    records = list(generate_catalog(products=6, seed=8))
    import_products(runtime.db, records=records, actor="test")
    export = export_catalog(runtime.db, selection=CatalogFilter(), page_size=2)
    pages = export.pages()
    first = next(pages)
    last = records[-1]
    restocked = replace(last, models=[replace(m, availability=m.availability + 50) for m in last.models])
    newcomer = ProductRecord(id=999, name="Early", models=[ModelRecord(99_900, 1)])
    import_products(runtime.db, records=[restocked, newcomer], actor="test")
    seen = first + [p for page in pages for p in page]
    assert export.total == len(seen) == 6
    assert [p.id for p in seen] == [r.id for r in records]
    assert seen[-1].availability == last.availability  # as it was when the export began
    now = [p.id for page in export_catalog(runtime.db, selection=CatalogFilter()).pages() for p in page]
    assert now == [999, *(r.id for r in records)]
