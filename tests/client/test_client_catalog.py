"""The catalog export streams typed products, handles ``since`` and falls back on 412."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest

from stockgate_client import (
    Client,
    DecodingError,
    Image,
    PreconditionFailed,
    Product,
    RateLimited,
    TransportError,
)
from stockgate_client.codecs import codec_for
from tests.client import ghost_samples as samples
from tests.client.conftest import FakeServer


class Chunks(httpx.SyncByteStream):
    """A response body that arrives in small pieces, optionally breaking off."""

    def __init__(self, body: bytes, size: int = 97, fail_after: int | None = None) -> None:
        self.body, self.size, self.fail_after = body, size, fail_after

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.body), self.size):
            if self.fail_after is not None and start >= self.fail_after:
                raise httpx.ReadError("connection reset")
            yield self.body[start : start + self.size]


def _export(fmt: str, ids: list[int], **kwargs: int | None) -> httpx.Response:
    content_type = samples.CONTENT_TYPE[fmt]
    return httpx.Response(
        200, stream=Chunks(samples.catalog(fmt, ids), **kwargs), headers={"Content-Type": content_type}
    )


def test_products_are_typed(client: Client, server: FakeServer, fmt: str) -> None:
    server.answer(_export(fmt, [101, 102, 103]))
    with client.catalog(["en_US", "it_IT"]) as export:
        products = list(export)
    assert [p.id for p in products] == [101, 102, 103]
    product = products[0]
    assert isinstance(product, Product)
    assert (product.name, product.code, product.brand, product.currency) == (
        "Runner 101",
        "RUN-101",
        "Acme",
        "EUR",
    )
    assert (product.street_price, product.suggested_price) == (Decimal("120.00"), Decimal("99.90"))
    assert (product.taxable, product.best_taxable) == (Decimal("45.50"), Decimal("44.00"))
    assert product.weight == Decimal("1.2")
    assert product.availability == 7
    assert (product.made_in, product.hs, product.online, product.intangible) == ("IT", "640399", True, False)
    assert product.images == (Image(9, "https://img.example/101.jpg", "front", (10101, 10102)),)
    assert product.localized("description", "en_US") == "A shoe & more"
    assert product.localized("description", "it_IT") == "Una scarpa"
    assert product.localized("description", "fr_FR") is None
    color = product.tag("color")
    assert color is not None
    assert (color.value, color.value_in("en_US"), color.value_in("de_DE")) == ("rosso", "red", "rosso")
    assert product.tag("season") is None
    first, second = product.models
    assert (first.stock_id, first.size, first.color, first.barcode) == (10101, "42", "red", "800000000001")
    assert (first.taxable, first.weight, first.availability, first.backorder) == (
        Decimal("45.50"),
        Decimal("1.2"),
        3,
        False,
    )
    assert first.last_update == datetime(2021, 2, 3, 14, 36, 55, tzinfo=UTC)
    assert (second.id, second.size, second.availability, second.taxable, second.last_update) == (
        10102,
        "43",
        4,
        None,
        None,
    )


def test_export_metadata(client: Client, server: FakeServer, fmt: str) -> None:
    server.answer(_export(fmt, [1, 2]))
    export = client.catalog()
    assert export.total is None  # nothing is downloaded before the iteration starts
    assert server.requests == []
    assert len(list(export)) == 2
    assert export.total == 2
    expected = datetime(2021, 2, 3, 14, 36, 55, 322000, tzinfo=timezone(timedelta(hours=1)))
    assert export.last_update == expected
    assert export.next_since == expected
    assert export.full
    assert export.bytes_read == len(samples.catalog(fmt, [1, 2]))


def test_query_and_path(client: Client, server: FakeServer, fmt: str) -> None:
    server.answer(_export(fmt, []))
    since = datetime(2021, 2, 3, 12, 0, tzinfo=UTC)
    export = client.catalog(["en_US", "it_IT"], since=since, tags={"brand": "Acme", 26: "women"})
    assert list(export) == []
    url = server.last.url
    assert url.path == f"/restful/export/api/products.{fmt}"
    assert url.params["acceptedlocales"] == "en_US,it_IT"
    assert url.params["v"] == "TEAL"
    assert url.params["since"] == "2021-02-03T12:00:00+00:00"
    assert (url.params["tag_1"], url.params["tag_26"]) == ("Acme", "women")
    assert server.last.headers["Accept"] == f"application/{fmt}"
    assert not export.full


def test_since_too_old_falls_back_to_a_full_download(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(412, "since is older than the incremental window (4 h)", "text/plain")
    server.answer(_export(fmt, [5]))
    export = client.catalog(since=datetime(2020, 1, 1, tzinfo=UTC))
    assert [p.id for p in export] == [5]
    assert export.full
    assert "since" in server.requests[0].url.params
    assert "since" not in server.requests[1].url.params


def test_fallback_can_be_turned_off(client: Client, server: FakeServer) -> None:
    server.reply(412, "since is too old", "text/plain")
    with pytest.raises(PreconditionFailed, match="too old"):
        list(client.catalog(since=datetime(2020, 1, 1, tzinfo=UTC), fallback=False))


def test_full_export_rate_limited(client: Client, server: FakeServer) -> None:
    server.reply(429, "4 full exports per hour", "text/plain", Retry_After="900")
    with pytest.raises(RateLimited) as raised:
        list(client.catalog())
    assert raised.value.retry_after == 900


def test_opening_is_retried(client: Client, server: FakeServer, fmt: str) -> None:
    server.answer(httpx.Response(502, text="bad gateway"), _export(fmt, [1]))
    assert [p.id for p in client.catalog()] == [1]


def test_download_breaking_off_is_a_transport_error(client: Client, server: FakeServer, fmt: str) -> None:
    server.answer(_export(fmt, list(range(1, 30)), fail_after=4000))
    seen: list[int] = []
    with pytest.raises(TransportError, match="broke off"):
        seen.extend(p.id for p in client.catalog())
    assert 0 < len(seen) < 29


def test_truncated_export_is_a_decoding_error(client: Client, server: FakeServer, fmt: str) -> None:
    body = samples.catalog(fmt, [1, 2])[:-40]
    server.answer(httpx.Response(200, content=body, headers={"Content-Type": samples.CONTENT_TYPE[fmt]}))
    with pytest.raises(DecodingError, match="unreadable catalog"):
        list(client.catalog())


def test_closing_early_stops_the_download(client: Client, server: FakeServer, fmt: str) -> None:
    server.answer(_export(fmt, [1, 2, 3]))
    with client.catalog() as export:
        assert next(export).id == 1
    with pytest.raises(StopIteration):
        next(export)


def test_locales_are_required(client: Client) -> None:
    with pytest.raises(ValueError, match="locale"):
        client.catalog([])


def test_since_must_be_aware(client: Client) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        client.catalog(since=datetime(2021, 1, 1))


@pytest.mark.parametrize("size", [1, 5, 4096])
def test_reader_is_independent_of_chunk_size(fmt: str, size: int) -> None:
    body = samples.catalog(fmt, [7, 8])
    reader = codec_for(fmt).catalog_reader()
    products = [p for start in range(0, len(body), size) for p in reader.feed(body[start : start + size])]
    products += reader.close()
    assert [p.id for p in products] == [7, 8]
    assert reader.total == 2


def test_xml_reader_keeps_memory_flat() -> None:
    # Each finished <item> is dropped from the tree: the parsed document never grows with the catalog.
    from stockgate_client.codecs.xml_catalog import XmlCatalogReader

    reader = XmlCatalogReader()
    body = samples.catalog("xml", list(range(1, 51)))
    count = sum(len(reader.feed(body[start : start + 500])) for start in range(0, len(body), 500))
    root = reader._parser.close()
    assert count + len(reader._read()) == 50
    assert len(root.find("items")) == 0


def test_json_export_as_a_bare_array(client: Client, server: FakeServer) -> None:
    server.reply(body='[{"id": 1, "models": []}, {"id": 2}]', content_type="application/json")
    export = client.catalog()
    assert [p.id for p in export] == [1, 2]
    assert export.total is None
    assert export.next_since == export.started_at
