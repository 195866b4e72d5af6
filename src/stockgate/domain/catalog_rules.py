"""What a product must satisfy to enter the catalog, checked on every import before anything is written.

The limits mirror the columns of storage/catalog_tables.py (a test keeps the two equal): a value that
would not fit is reported against its line instead of failing a whole batch in the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from stockgate.domain.catalog import ModelRecord, ProductRecord

PRODUCT_TEXT = {"code": 100, "name": 300, "madein": 100, "hs": 30}  # currency: exactly 3 letters
MODEL_TEXT = {"model": 200, "code": 100, "barcode": 100, "color": 100, "size": 50}
TAG_TEXT = {"name": 50, "value": 200}
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,49}$")  # an XML element name in the export
LOCALE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,4})?$")  # en_US, pt_BR, sr_Latn
MAX_ID = 2**53  # ids stay exact in every JSON client
MAX_QUANTITY = 2**31 - 1
MAX_AMOUNT = Decimal("1e12")
MONEY_UNIT = Decimal("0.01")
WEIGHT_UNIT = Decimal("0.001")
# Characters XML 1.0 cannot carry: a value holding one could be imported but never exported.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def product_problem(record: ProductRecord) -> str | None:
    """The first reason `record` cannot enter the catalog, naming the product and field; None if fine."""
    return next(_problems(record), None)


def _problems(p: ProductRecord) -> Iterator[str]:
    where = f"product {p.id}"
    if not 0 < p.id <= MAX_ID:
        yield f"{where}: id must be a positive integer up to {MAX_ID}"
    yield from _texts(where, p, PRODUCT_TEXT)
    yield from _amounts(where, p)
    for field_name, texts in p.localizations.items():
        if not FIELD_NAME.match(field_name):
            yield f"{where}: localization field {field_name!r} is not a name such as description"
        for locale, text in texts.items():
            if not LOCALE_CODE.match(locale):
                yield f"{where}: locale {locale!r} of {field_name} is not a locale code such as en_US"
            if _NOT_XML.search(text):
                yield f"{where}: {field_name} ({locale}) contains a control character"
    for picture in p.pictures:
        for key in ("url", "name"):
            value = picture.get(key)
            if isinstance(value, str) and _NOT_XML.search(value):
                yield f"{where}: picture {key} contains a control character"
    tag_ids: set[int] = set()
    for tag in p.tags:
        if tag.tag_id in tag_ids:
            yield f"{where}: tag {tag.name} appears twice"
        tag_ids.add(tag.tag_id)
        yield from _texts(f"{where}: tag {tag.name}", tag, TAG_TEXT)
        for locale, text in tag.locale_values.items():
            if not LOCALE_CODE.match(locale):
                yield f"{where}: locale {locale!r} of tag {tag.name} is not a locale code such as en_US"
            if len(text) > TAG_TEXT["value"] or _NOT_XML.search(text):
                yield f"{where}: tag {tag.name} ({locale}) is longer than {TAG_TEXT['value']} or not text"
    stock_ids: set[int] = set()
    for model in p.models:
        if model.id in stock_ids:
            yield f"{where}: stock_id {model.id} appears twice"
        stock_ids.add(model.id)
        yield from _model_problems(f"{where}, stock_id {model.id}", model)


def _model_problems(where: str, m: ModelRecord) -> Iterator[str]:
    if not 0 < m.id <= MAX_ID:
        yield f"{where}: stock_id must be a positive integer up to {MAX_ID}"
    if not 0 <= m.availability <= MAX_QUANTITY:
        yield f"{where}: availability {m.availability} must be between 0 and {MAX_QUANTITY}"
    yield from _texts(where, m, MODEL_TEXT)
    yield from _amounts(where, m)


def _texts(where: str, record: object, limits: dict[str, int]) -> Iterator[str]:
    for name, limit in limits.items():
        value: str = getattr(record, name)
        if len(value) > limit:
            yield f"{where}: {name} is longer than {limit} characters"
        elif _NOT_XML.search(value):
            yield f"{where}: {name} contains a control character"
    currency = getattr(record, "currency", None)
    if currency is not None and not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
        yield f"{where}: currency {currency!r} is not a three-letter code such as EUR"


def _amounts(where: str, record: ProductRecord | ModelRecord) -> Iterator[str]:
    for name in ("street_price", "suggested_price", "taxable", "best_taxable", "weight"):
        value: Decimal = getattr(record, name)
        unit = WEIGHT_UNIT if name == "weight" else MONEY_UNIT
        if not value.is_finite() or not 0 <= value < MAX_AMOUNT:
            yield f"{where}: {name} {value} must be a number between 0 and {MAX_AMOUNT:f}"
        elif value != value.quantize(unit):
            yield f"{where}: {name} {value} has more than {-unit.as_tuple().exponent} decimals"  # type: ignore[operator]
