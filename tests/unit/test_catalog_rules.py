"""Catalog rules, the full-export limit, tag ids and `since` parsing: pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import String

from stockgate.domain.catalog import (
    MAX_REPORTED,
    ImportCounts,
    ModelRecord,
    ProductRecord,
    TagRecord,
    full_export_wait,
    tag_id_for,
)
from stockgate.domain.catalog_rules import MODEL_TEXT, PRODUCT_TEXT, TAG_TEXT, product_problem
from stockgate.domain.errors import InvalidInput
from stockgate.storage.catalog_tables import models, product_tags, products
from stockgate.wire.catalog_query import parse_since, read_export_query


@pytest.mark.parametrize(
    ("limits", "table"), [(PRODUCT_TEXT, products), (MODEL_TEXT, models), (TAG_TEXT, product_tags)]
)
def test_text_limits_are_the_column_sizes(limits: dict[str, int], table: object) -> None:
    columns = table.c  # type: ignore[attr-defined]
    for name, limit in limits.items():
        assert isinstance(columns[name].type, String)
        assert columns[name].type.length == limit, name
    assert columns["currency"].type.length == 3 if "currency" in columns else True


def product(**changes: object) -> ProductRecord:
    base = ProductRecord(id=1, tags=[TagRecord(1, "brand", "Acme")], models=[ModelRecord(10, 1)])
    for name, value in changes.items():
        setattr(base, name, value)
    return base


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, None),
        ({"id": 0}, "product 0: id must be a positive integer up to 9007199254740992"),
        ({"name": "bell\x07"}, "product 1: name contains a control character"),
        (
            {"street_price": Decimal("-1")},
            "product 1: street_price -1 must be a number between 0 and 1000000000000",
        ),
        ({"taxable": Decimal("NaN")}, "product 1: taxable NaN must be a number between 0 and 1000000000000"),
        ({"weight": Decimal("0.0001")}, "product 1: weight 0.0001 has more than 3 decimals"),
        (
            {"localizations": {"my field": {"en_US": "x"}}},
            "product 1: localization field 'my field' is not a name such as description",
        ),
        (
            {"localizations": {"description": {"en_US": "a\x00b"}}},
            "product 1: description (en_US) contains a control character",
        ),
        (
            {"tags": [TagRecord(1, "brand", "A"), TagRecord(1, "brand", "B")]},
            "product 1: tag brand appears twice",
        ),
        (
            {"tags": [TagRecord(4, "category", "x" * 201)]},
            "product 1: tag category: value is longer than 200 characters",
        ),
        ({"models": [ModelRecord(10, 1), ModelRecord(10, 2)]}, "product 1: stock_id 10 appears twice"),
        (
            {"models": [ModelRecord(10, 1, size="x" * 51)]},
            "product 1, stock_id 10: size is longer than 50 characters",
        ),
        (
            {"models": [ModelRecord(10, 1, currency="eur")]},
            "product 1, stock_id 10: currency 'eur' is not a three-letter code such as EUR",
        ),
        (
            {"pictures": [{"id": 1, "url": "/a\x1b.jpg", "name": "a"}]},
            "product 1: picture url contains a control character",
        ),
    ],
)
def test_product_rules(changes: dict[str, object], message: str | None) -> None:
    assert product_problem(product(**changes)) == message


NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("minutes_ago", "limit", "wait"),
    [
        ([], 4, None),
        ([50, 40, 30], 4, None),
        ([50, 40, 30, 20], 4, 10 * 60),
        ([70, 50, 40, 30, 20], 4, 10 * 60),  # one older than the hour no longer counts
        ([59.99], 1, 1),  # never less than a second
        ([1, 1, 1, 1, 1], 0, None),  # 0: no limit
    ],
)
def test_full_export_wait(minutes_ago: list[float], limit: int, wait: int | None) -> None:
    recent = [NOW - timedelta(minutes=m) for m in minutes_ago]
    assert full_export_wait(recent, NOW, limit, HOUR) == wait


def test_tag_ids() -> None:
    assert [tag_id_for(n) for n in ("brand", "category", "subcategory", "season", "color", "gender")] == [
        1, 4, 5, 11, 13, 26,
    ]  # fmt: skip
    other = tag_id_for("dimension")
    assert 1000 <= other < 2**31
    assert other == tag_id_for("dimension") != tag_id_for("bicolors")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017-10-31T14:05:12.322+01:00", datetime(2017, 10, 31, 13, 5, 12, 322000, tzinfo=UTC)),
        ("2017-10-31T14:05:12.322 01:00", datetime(2017, 10, 31, 13, 5, 12, 322000, tzinfo=UTC)),
        ("2017-10-31T14:05:12Z", datetime(2017, 10, 31, 14, 5, 12, tzinfo=UTC)),
        ("2017-10-31T14:05:12", datetime(2017, 10, 31, 14, 5, 12, tzinfo=UTC)),
        ("2017-10-31T14:05:12-0500", datetime(2017, 10, 31, 19, 5, 12, tzinfo=UTC)),
        ("1509458712000", datetime(2017, 10, 31, 14, 5, 12, tzinfo=UTC)),
    ],
)
def test_since_forms(text: str, expected: datetime) -> None:
    assert parse_since(text) == expected
    assert parse_since(text).tzinfo is not None


def test_the_export_query() -> None:
    query = read_export_query(
        {"acceptedLocales": " en_US, it_IT ,", "V": "legacy", "tag_4": "Shoes", "Accept": "x"}
    )
    assert query.locales == {"en_US", "it_IT"}
    assert query.version == "LEGACY"
    assert query.selection.tags == ((4, "Shoes"),)
    assert not query.selection.full
    plain = read_export_query({"acceptedlocales": "en_US", "since": "2017-10-31T14:05:12+02:00"})
    assert plain.selection.since == datetime(2017, 10, 31, 14, 5, 12, tzinfo=timezone(timedelta(hours=2)))
    assert read_export_query({"acceptedlocales": "en_US"}).selection.full
    with pytest.raises(InvalidInput):
        read_export_query({"acceptedlocales": "en_US", "tag_13x": "red"})


def test_an_import_report_keeps_the_first_problems_and_counts_all() -> None:
    counts = ImportCounts()
    for line in range(1, MAX_REPORTED + 51):
        counts.skip(line, "bad")
    assert counts.skipped == MAX_REPORTED + 50
    assert len(counts.errors) == MAX_REPORTED
    assert counts.errors[0] == "line 1: bad"
    counts.skip(0, "no line")
    other = ImportCounts()
    other.skip(0, "from memory")
    assert other.errors == ["from memory"]
