"""Catalog endpoints: E1 the streamed TEAL export, E12 locales, E13 tags (ghost API section 5)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute

from stockgate.http.ghost_call import JSON_TYPE, XML_TYPE, GhostCall, ghost_routes
from stockgate.services.catalog_export import (
    catalog_locales,
    catalog_tags,
    check_since,
    claim_full_export,
    export_catalog,
)
from stockgate.wire.catalog import render_export, render_keyed_values
from stockgate.wire.catalog_query import read_export_query
from stockgate.wire.negotiation import Format


def products(call: GhostCall, fmt: Format) -> Response:
    """E1. Everything that can refuse the request (400, 412, 429) happens before the first byte; the
    products are then read page by page while they are sent."""
    query = read_export_query(call.query)
    if query.selection.since is not None:
        check_since(query.selection.since, window=call.ctx.catalog_window)
    media_type = JSON_TYPE if fmt == "json" else XML_TYPE
    if call.method == "HEAD":  # a probe: no body, and it does not count as an export
        return Response(media_type=media_type)
    if query.selection.full:
        claim_full_export(call.ctx.db, principal=call.principal, per_hour=call.ctx.full_exports_per_hour)
    export = export_catalog(call.ctx.db, selection=query.selection)
    chunks = render_export(export.total, export.last_update, export.pages(), fmt, query.locales)
    return StreamingResponse(_in_threads(chunks, export.close), media_type=media_type)


async def _in_threads(chunks: Iterator[bytes], close: Callable[[], None]) -> AsyncIterator[bytes]:
    """Each chunk made in a worker thread (it reads the database); the export's connection is given
    back however the stream ends, a client hanging up included."""
    try:
        while (chunk := await run_in_threadpool(next, chunks, None)) is not None:
            yield chunk
    finally:
        close()


def products_xml(call: GhostCall) -> Response:
    return products(call, "xml")


def products_json(call: GhostCall) -> Response:
    return products(call, "json")


def locales(call: GhostCall) -> Response:
    return call.respond(render_keyed_values(catalog_locales(call.ctx.db), call.format))


def tags(call: GhostCall) -> Response:
    return call.respond(render_keyed_values(catalog_tags(call.ctx.db), call.format))


def routes() -> list[BaseRoute]:
    return [
        *ghost_routes("/restful/export/api/products.xml", products_xml, methods=["GET"], compress=True),
        *ghost_routes("/restful/export/api/products.json", products_json, methods=["GET"], compress=True),
        *ghost_routes("/restful/export/locales", locales, methods=["GET"]),
        *ghost_routes("/restful/export/tags", tags, methods=["GET"]),
    ]
