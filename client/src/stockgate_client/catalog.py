"""The catalog export (E1) as an iterator of typed products, streamed.

The export is one large response. It is parsed while it downloads, one product at a time, so a
shop can sync a catalog of any size in flat memory. An incremental export (``since``) older than
the server's window answers 412; the export then falls back to a full download by itself and says
so in ``full``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from types import TracebackType

import httpx

from .codecs import DECODE_ERRORS, CatalogReader, Codec, codec_of_answer
from .errors import DecodingError, PreconditionFailed, TransportError
from .products import Product

__all__ = ["TAG_IDS", "CatalogExport", "catalog_params"]

# The tag filters of the export by name; ``tag_<id>=<value>`` on the wire.
TAG_IDS: Mapping[str, int] = {
    "brand": 1,
    "category": 4,
    "subcategory": 5,
    "season": 11,
    "color": 13,
    "gender": 26,
}

# Opens the streamed answer for one set of query parameters (the client's retries included).
Opener = Callable[[list[tuple[str, str]]], httpx.Response]


def catalog_params(
    locales: Iterable[str],
    *,
    since: datetime | None = None,
    tags: Mapping[str | int, str] | None = None,
    version: str = "TEAL",
) -> list[tuple[str, str]]:
    """The query of an export: locales, version, ``since`` and tag filters by name or id."""
    accepted = ",".join(locales)
    if not accepted:
        raise ValueError("at least one locale is needed, e.g. ['en_US']")
    params = [("acceptedlocales", accepted), ("v", version)]
    if since is not None:
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware")
        params.append(("since", since.isoformat()))
    for tag, value in (tags or {}).items():
        tag_id = TAG_IDS.get(tag, tag) if isinstance(tag, str) else tag
        params.append((f"tag_{tag_id}", value))
    return params


class CatalogExport:
    """Iterator over the products of one export; a context manager that closes the download."""

    def __init__(
        self, opener: Opener, codec: Codec, params: list[tuple[str, str]], *, fallback: bool
    ) -> None:
        self._opener = opener
        self._codec = codec
        self._params = params
        self._fallback = fallback
        self._reader: CatalogReader | None = None
        self._response: httpx.Response | None = None
        self._products = self._stream()
        self.started_at: datetime | None = None
        self.full = not any(name == "since" for name, _ in params)
        self.bytes_read = 0

    @property
    def total(self) -> int | None:
        """How many products the export holds, once the server has said (XML says it first)."""
        return None if self._reader is None else self._reader.total

    @property
    def last_update(self) -> datetime | None:
        """The export's own ``lastUpdate`` instant, once read."""
        return None if self._reader is None else self._reader.last_update

    @property
    def next_since(self) -> datetime | None:
        """What to pass as ``since`` next time: the server's lastUpdate, else when this export began."""
        return self.last_update or self.started_at

    def _open(self) -> httpx.Response:
        self.started_at = datetime.now(UTC)
        try:
            return self._opener(self._params)
        except PreconditionFailed:
            if not self._fallback or self.full:
                raise
        # The server no longer keeps changes that far back: only a full download is complete.
        self.full = True
        self._params = [(name, value) for name, value in self._params if name != "since"]
        return self._opener(self._params)

    def _stream(self) -> Generator[Product, None, None]:
        response = self._response = self._open()
        reader = self._reader = codec_of_answer(
            response.headers.get("content-type"), self._codec
        ).catalog_reader()
        try:
            for chunk in response.iter_bytes():
                self.bytes_read += len(chunk)
                yield from self._guarded(reader.feed, chunk)
            yield from self._guarded(reader.close)
        except httpx.TransportError as exc:
            raise TransportError(f"the catalog download broke off: {exc}") from exc
        finally:
            response.close()

    @staticmethod
    def _guarded(read: Callable[..., list[Product]], *args: bytes) -> list[Product]:
        try:
            return read(*args)
        except DECODE_ERRORS as exc:
            raise DecodingError(f"unreadable catalog export: {exc}") from exc

    def __iter__(self) -> Iterator[Product]:
        return self

    def __next__(self) -> Product:
        return next(self._products)

    def close(self) -> None:
        """Stop the download (also done when the iteration ends)."""
        self._products.close()
        if self._response is not None:
            self._response.close()

    def __enter__(self) -> CatalogExport:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
