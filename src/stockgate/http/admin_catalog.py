"""Admin API: catalog import by upload (`POST /admin/api/v1/catalog/import`), the same import as
`stockgate catalog import FILE`: TEAL XML or CSV, optionally gzipped, ids kept, re-imports in place.

A catalog is far larger than any other body, so it has its own limit and goes to a temporary file while
it arrives (never whole in memory); the token is checked before a byte of it is read.
"""

from __future__ import annotations

import gzip
import io
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, cast

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from stockgate.domain.catalog import ParsedItem
from stockgate.domain.errors import InvalidInput
from stockgate.http.admin_call import PREFIX, bearer_token
from stockgate.http.context import served_app
from stockgate.http.errors import BodyTooLarge, problem_response
from stockgate.services.admin_access import authenticate_admin
from stockgate.services.catalog_import import import_catalog
from stockgate.wire.catalog_csv import CsvCatalog
from stockgate.wire.catalog_teal import read_teal
from stockgate.wire.negotiation import media_type

UPLOAD_LIMIT = 512 * 1024 * 1024
_XML_TYPES = frozenset({"application/xml", "text/xml"})
_CSV_TYPES = frozenset({"text/csv", "text/tab-separated-values"})


async def import_upload(request: Request) -> Response:
    ctx = served_app(request).ctx
    try:
        token = bearer_token(request.headers.get("authorization"))
        principal = await run_in_threadpool(lambda: authenticate_admin(ctx.db, token=token))
        strict = request.query_params.get("strict", "").lower() in ("1", "true", "yes")
        with tempfile.TemporaryDirectory(prefix="stockgate-import-") as folder:
            path = Path(folder) / "upload"
            await _receive(request, path)
            kind = _format(request, path)

            def items() -> Iterable[ParsedItem]:  # read once, or twice when strict (check, then import)
                return read_upload(path, kind)

            counts = await run_in_threadpool(
                lambda: import_catalog(ctx.db, items=items, actor=principal.actor, strict=strict)
            )
    except Exception as error:
        return problem_response(error)
    document = {
        "created": counts.created,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "skipped": counts.skipped,
        "errors": counts.errors,
    }
    return Response(orjson.dumps(document), media_type="application/json")


async def _receive(request: Request, path: Path) -> None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > UPLOAD_LIMIT:
        raise BodyTooLarge(UPLOAD_LIMIT)
    size = 0
    with open(path, "wb") as target:
        async for chunk in request.stream():
            size += len(chunk)
            if size > UPLOAD_LIMIT:
                raise BodyTooLarge(UPLOAD_LIMIT)
            target.write(chunk)
    if size == 0:
        raise InvalidInput("body", "the upload is empty: send the catalog file as the request body")


def _gzipped(path: Path) -> bool:
    with open(path, "rb") as source:
        return source.read(2) == b"\x1f\x8b"


def open_upload(path: Path) -> IO[bytes]:
    """The upload, decompressed when it is gzipped (closing the stream closes the file)."""
    if _gzipped(path):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")


def _format(request: Request, path: Path) -> str:
    """xml or csv: the `format` parameter, else the Content-Type, else the first byte of the file."""
    given = request.query_params.get("format", "").strip().lower()
    if given:
        if given not in ("xml", "csv"):
            raise InvalidInput("format", "format must be xml or csv")
        return given
    declared = media_type(request.headers.get("content-type"))
    if declared in _XML_TYPES:
        return "xml"
    if declared in _CSV_TYPES:
        return "csv"
    with open_upload(path) as source:
        start = source.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "xml" if start.startswith(b"<") else "csv"


def read_upload(path: Path, kind: str) -> Iterable[ParsedItem]:
    """The items of an uploaded catalog file (also used by the back-office's upload form)."""
    with open_upload(path) as source:
        if kind == "xml":
            yield from read_teal(source)
            return
        # The CSV reader wraps what it is given in a text stream it never closes; given the file itself,
        # that stream would close the file behind our back and warn that it was left open.
        yield from CsvCatalog(io.BufferedReader(_Borrowed(source)))


class _Borrowed(io.RawIOBase):
    """A read-only view of a stream that whoever wraps it may drop without touching the stream."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def routes() -> list[BaseRoute]:
    return [Route(PREFIX + "/catalog/import", import_upload, methods=["POST"])]
