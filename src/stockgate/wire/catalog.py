"""The TEAL catalog document of ghost API section 5 (E1), written page by page, and E12 / E13.

XML: `<page lastUpdate totalNumberOfElements totalPages pageSize currentPage><items><item>...`, one item
per line; JSON: `{"pageItems": [...], "totalItems": N, "lastUpdate": "..."}`. Both are produced as a
sequence of byte chunks (a head, one chunk per page of products, a tail) so the caller can stream them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import orjson

from stockgate.domain.catalog import ModelRecord, ProductRecord, TagRecord
from stockgate.wire.negotiation import Format
from stockgate.wire.render import XML_DECLARATION, attrs, json_document, xml_document

Locales = frozenset[str] | None  # None: every locale

_ATTR_ENTITIES = {'"': "&quot;"}


def format_instant(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds, as `lastUpdate` is written (and read back as `since`)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def render_export(
    total: int, last_update: datetime, pages: Iterable[Sequence[ProductRecord]], fmt: Format, locales: Locales
) -> Iterator[bytes]:
    """The whole E1 document as chunks: the head at once, then one chunk per page of products."""
    stamp = format_instant(last_update)
    if fmt == "json":
        yield b'{"pageItems":['
        separator = b""
        for page in pages:
            yield separator + orjson.dumps([_json_item(p, locales, stamp) for p in page])[1:-1]
            separator = b","
        yield b'],"totalItems":' + str(total).encode() + b',"lastUpdate":' + orjson.dumps(stamp) + b"}"
        return
    head = (
        f'<page lastUpdate="{stamp}" totalNumberOfElements="{total}" totalPages="1" pageSize="{total}"'
        ' currentPage="1"><items>\n'
    )
    yield (XML_DECLARATION + head).encode()
    for page in pages:
        yield "".join([_xml_item(p, locales, stamp) for p in page]).encode()
    yield b"</items></page>\n"


_SPECIAL = re.compile("[&<>]")


def _esc(value: str) -> str:
    # Most catalog text has nothing to escape; looking first is several times cheaper than escaping.
    return escape(value) if _SPECIAL.search(value) else value


def _text(name: str, value: str) -> str:
    return f"<{name}>{_esc(value)}</{name}>" if value else f"<{name}/>"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _localevalues(texts: dict[str, str], locales: Locales) -> str:
    return "".join(
        f'<localevalue localecode="{escape(code, _ATTR_ENTITIES)}">{_esc(text)}</localevalue>'
        for code, text in sorted(texts.items())
        if locales is None or code in locales
    )


def _xml_item(p: ProductRecord, locales: Locales, stamp: str) -> str:
    pictures = "".join(
        f"<image><id>{pic.get('id', '')}</id>{_text('url', str(pic.get('url', '')))}"
        f"{_text('name', str(pic.get('name', '')))}"
        f"{_text('modelIds', ' '.join(str(i) for i in _ids(pic)))}</image>"
        for pic in p.pictures
    )
    localized = ""
    for field_name, texts in sorted(p.localizations.items()):
        values = _localevalues(texts, locales)
        if values:
            localized += f"<{field_name}>{values}</{field_name}>"
    tags = "".join(
        f"<tag>{_text('name', t.name)}<value>{_text('value', t.value)}"
        f"{_localevalues(t.locale_values, locales)}</value></tag>"
        for t in p.tags
    )
    models = "".join(_xml_model(m, stamp) for m in p.models)
    return (
        f"<item><id>{p.id}</id>{_text('name', p.name)}{_text('code', p.code)}{_text('brand', p.brand)}"
        f"<streetPrice>{p.street_price}</streetPrice><suggestedPrice>{p.suggested_price}</suggestedPrice>"
        f"<taxable>{p.taxable}</taxable><bestTaxable>{p.best_taxable}</bestTaxable>"
        f"{_text('currency', p.currency)}<weight>{p.weight}</weight>"
        f"<availability>{p.availability}</availability>{_text('madein', p.madein)}{_text('hs', p.hs)}"
        f"<online>{_bool(p.online)}</online><intangible>{_bool(p.intangible)}</intangible>"
        f"<pictures>{pictures}</pictures><localizations>{localized}</localizations>"
        f"<tags>{tags}</tags><models>{models}</models></item>\n"
    )


def _xml_model(m: ModelRecord, stamp: str) -> str:
    last = format_instant(m.last_update) if m.last_update else stamp
    return (
        f"<model><id>{m.id}</id>{_text('model', m.model)}{_text('code', m.code)}"
        f"{_text('barcode', m.barcode)}{_text('color', m.color)}{_text('size', m.size)}"
        f"<streetPrice>{m.street_price}</streetPrice><suggestedPrice>{m.suggested_price}</suggestedPrice>"
        f"<taxable>{m.taxable}</taxable><bestTaxable>{m.best_taxable}</bestTaxable>"
        f"{_text('currency', m.currency)}<modelWeight>{m.weight}</modelWeight>"
        f"<availability>{m.availability}</availability><backorder>{_bool(m.backorder)}</backorder>"
        f"<lastUpdate>{last}</lastUpdate></model>"
    )


def _ids(picture: dict[str, object]) -> list[int]:
    ids = picture.get("modelIds") or []
    return [int(i) for i in ids] if isinstance(ids, list) else []


def _values(texts: dict[str, str], locales: Locales) -> dict[str, dict[str, str]]:
    return {
        code: {"value": text} for code, text in sorted(texts.items()) if locales is None or code in locales
    }


def _money(value: Decimal) -> float:
    return float(value)


def _json_item(p: ProductRecord, locales: Locales, stamp: str) -> dict[str, Any]:
    localized = {
        name: values for name, texts in sorted(p.localizations.items()) if (values := _values(texts, locales))
    }
    return {
        "id": p.id,
        "name": p.name,
        "code": p.code,
        "brand": p.brand,
        "streetPrice": _money(p.street_price),
        "suggestedPrice": _money(p.suggested_price),
        "taxable": _money(p.taxable),
        "bestTaxable": _money(p.best_taxable),
        "currency": p.currency,
        "weight": _money(p.weight),
        "availability": p.availability,
        "madein": p.madein,
        "hs": p.hs,
        "online": p.online,
        "intangible": p.intangible,
        "images": [
            {
                "id": pic.get("id"),
                "url": pic.get("url", ""),
                "name": pic.get("name", ""),
                "modelIds": _ids(pic),
            }
            for pic in p.pictures
        ],
        "productLocalizations": localized,
        "tags": [_json_tag(t, locales) for t in p.tags],
        "models": [_json_model(m, stamp) for m in p.models],
    }


def _json_tag(t: TagRecord, locales: Locales) -> dict[str, Any]:
    return {"name": t.name, "value": {"value": t.value, "localeValues": _values(t.locale_values, locales)}}


def _json_model(m: ModelRecord, stamp: str) -> dict[str, Any]:
    return {
        "id": m.id,
        "model": m.model,
        "code": m.code,
        "barcode": m.barcode,
        "color": m.color,
        "size": m.size,
        "streetPrice": _money(m.street_price),
        "suggestedPrice": _money(m.suggested_price),
        "taxable": _money(m.taxable),
        "bestTaxable": _money(m.best_taxable),
        "currency": m.currency,
        "modelWeight": _money(m.weight),
        "availability": m.availability,
        "backorder": m.backorder,
        "lastUpdate": format_instant(m.last_update) if m.last_update else stamp,
    }


def render_keyed_values(pairs: Sequence[tuple[str, str]], fmt: Format) -> bytes:
    """E12 / E13: `<wrapper><value key="en_US">English</value>...</wrapper>` or `[{"key", "value"}]`."""
    if fmt == "json":
        return json_document([{"key": key, "value": value} for key, value in pairs])
    body = "".join(f"<value{attrs(key=key)}>{escape(value)}</value>" for key, value in pairs)
    return xml_document(f"<wrapper>{body}</wrapper>")
