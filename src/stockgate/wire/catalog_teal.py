"""Reading a TEAL XML catalog (the shape E1 writes, ghost API section 5) item by item, in flat memory.

lxml's iterparse hands over each finished `<item>`; once it is read it is cleared and unlinked from its
parent, so a 500 MB file never holds more than one item in memory. As for every XML stockgate reads,
entities are not resolved, nothing is fetched and a document with a DOCTYPE is refused.

A broken item becomes a ParsedItem with its line and the reason; malformed XML ends the file there
(nothing after the error can be trusted) with one last ParsedItem saying so.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import IO, Any

from lxml import etree

from stockgate.domain.catalog import (
    BRAND_TAG,
    TAG_NAMES,
    ModelRecord,
    ParsedItem,
    ProductRecord,
    TagRecord,
    tag_id_for,
)
from stockgate.domain.errors import InvalidInput
from stockgate.wire.catalog_values import amount, flag, integer

Element = etree._Element
NO_WEIGHT = Decimal("0.000")


def read_teal(source: IO[bytes]) -> Iterator[ParsedItem]:
    """Every `<item>` of a TEAL document, in file order."""
    items = etree.iterparse(
        source,
        events=("end",),
        tag="item",
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    checked = False
    try:
        for _event, element in items:
            if not checked:
                checked = True
                if element.getroottree().docinfo.doctype:
                    yield ParsedItem(1, None, "XML with a DOCTYPE is not accepted; nothing after it was read")
                    return
            yield _parsed(element)
            # Drop what has been read: the item's content and the items before it.
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]
    except etree.XMLSyntaxError as error:
        line = error.lineno or 0
        yield ParsedItem(line, None, f"malformed XML ({error.msg}); the rest of the file was not read")


def _parsed(element: Element) -> ParsedItem:
    line: int = getattr(element, "sourceline", None) or 0
    children = {child.tag: child for child in element}
    try:
        return ParsedItem(line, _product(children))
    except InvalidInput as error:
        ident = _text(children, "id")
        return ParsedItem(line, None, (f"item {ident}: " if ident else "item: ") + error.message)


def _text(children: Mapping[Any, Element], name: str) -> str:
    """The trimmed text of a child element; empty when there is none."""
    child = children.get(name)
    return (child.text or "").strip() if child is not None else ""


def _product(children: Mapping[Any, Element]) -> ProductRecord:
    def text(name: str) -> str:
        return _text(children, name)

    def kids(holder: str, name: str) -> list[Element]:
        found = children.get(holder)
        return [] if found is None else [c for c in found if c.tag == name]

    tags = [_tag(t) for t in kids("tags", "tag")]
    brand = text("brand")
    if brand and not any(t.tag_id == BRAND_TAG for t in tags):
        tags.insert(0, TagRecord(BRAND_TAG, TAG_NAMES[BRAND_TAG], brand))
    return ProductRecord(
        id=integer(text("id"), "id"),
        code=text("code"),
        name=text("name"),
        street_price=amount(text("streetPrice"), "streetPrice"),
        suggested_price=amount(text("suggestedPrice"), "suggestedPrice"),
        taxable=amount(text("taxable"), "taxable"),
        best_taxable=amount(text("bestTaxable"), "bestTaxable"),
        currency=text("currency") or "EUR",
        weight=amount(text("weight"), "weight", NO_WEIGHT),
        madein=text("madein"),
        hs=text("hs"),
        online=flag(text("online"), "online", True),
        intangible=flag(text("intangible"), "intangible", False),
        localizations=_localizations(children.get("localizations")),
        pictures=[_picture(p) for p in kids("pictures", "image")],
        tags=sorted(tags, key=lambda t: t.tag_id),
        models=[_model(m) for m in kids("models", "model")],
    )


def _locale_values(parent: Element) -> dict[str, str]:
    values: dict[str, str] = {}
    for lv in parent.iterfind("localevalue"):
        code = (lv.get("localecode") or "").strip()
        if not code:
            raise InvalidInput("localecode", f"a localevalue of {parent.tag} has no localecode")
        values[code] = lv.text or ""
    return values


def _localizations(holder: Element | None) -> dict[str, dict[str, str]]:
    if holder is None:
        return {}
    fields = {}
    for field_element in holder:
        texts = _locale_values(field_element)
        if texts:
            fields[str(field_element.tag)] = texts
    return fields


def _tag(element: Element) -> TagRecord:
    children = {child.tag: child for child in element}
    name = _text(children, "name")
    if not name:
        raise InvalidInput("tag", "a tag has no name")
    holder = children.get("value")
    if holder is None:
        raise InvalidInput("tag", f"tag {name} has no value")
    # <value><value>Acme</value><localevalue .../></value>, or a bare <value>Acme</value>.
    inner = holder.find("value")
    value = ((inner.text if inner is not None else holder.text) or "").strip()
    if not value:
        raise InvalidInput("tag", f"tag {name} has an empty value")
    given = _text(children, "id")
    tag_id = integer(given, "tag id") if given else tag_id_for(name)
    return TagRecord(tag_id, name, value, _locale_values(holder))


def _picture(element: Element) -> dict[str, object]:
    values = {child.tag: (child.text or "").strip() for child in element}
    ids = values.get("modelIds", "").replace(",", " ").split()
    return {
        "id": integer(values.get("id"), "image id"),
        "url": values.get("url", ""),
        "name": values.get("name", ""),
        "modelIds": [integer(i, "modelIds") for i in ids],
    }


def _model(element: Element) -> ModelRecord:
    values = {child.tag: (child.text or "").strip() for child in element}
    stock_id = integer(values.get("id"), "model id")
    try:
        return ModelRecord(
            id=stock_id,
            availability=integer(values.get("availability"), "availability"),
            model=values.get("model", ""),
            code=values.get("code", ""),
            barcode=values.get("barcode", ""),
            color=values.get("color", ""),
            size=values.get("size", ""),
            street_price=amount(values.get("streetPrice"), "streetPrice"),
            suggested_price=amount(values.get("suggestedPrice"), "suggestedPrice"),
            taxable=amount(values.get("taxable"), "taxable"),
            best_taxable=amount(values.get("bestTaxable"), "bestTaxable"),
            currency=values.get("currency") or "EUR",
            weight=amount(values.get("modelWeight"), "modelWeight", NO_WEIGHT),
            backorder=flag(values.get("backorder"), "backorder", False),
        )
    except InvalidInput as error:
        raise InvalidInput(error.field, f"model {stock_id}: {error.message}") from None
