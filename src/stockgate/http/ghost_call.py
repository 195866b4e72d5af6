"""The plumbing every ghost endpoint shares: body, credentials, negotiation, errors, both slash forms.

An endpoint is a plain function of the parsed call, run in a worker thread with everything it needs;
whatever it raises goes through the error table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from stockgate.domain.errors import InvalidInput
from stockgate.http.basic_auth import basic_credentials
from stockgate.http.body import read_body
from stockgate.http.context import AppContext
from stockgate.http.errors import error_response
from stockgate.services.auth import Principal, authenticate
from stockgate.wire.negotiation import Format, body_format, response_format
from stockgate.wire.nodes import Node, parse_document

XML_TYPE = "application/xml"
JSON_TYPE = "application/json"


@dataclass
class GhostCall:
    """One authenticated ghost API request, as an endpoint function sees it."""

    ctx: AppContext
    principal: Principal
    body: bytes
    content_type: str | None
    accept: str | None
    path_params: dict[str, str]
    query: dict[str, str]

    @cached_property
    def request_format(self) -> Format | None:
        return body_format(self.content_type, self.body)

    @cached_property
    def format(self) -> Format:
        """The response format (406 when the Accept header allows neither)."""
        return response_format(self.accept, self.request_format)

    def document(self) -> Node:
        """The parsed request body (400/429 when empty or malformed)."""
        fmt = self.request_format
        if fmt is None:
            raise InvalidInput("body", "the request body is empty")
        return parse_document(self.body, fmt)

    def respond(self, content: bytes) -> Response:
        return Response(content, media_type=JSON_TYPE if self.format == "json" else XML_TYPE)


Endpoint = Callable[[GhostCall], Response]


def ghost_routes(
    path: str, endpoint: Endpoint, *, methods: list[str], order_creation: bool = False
) -> list[BaseRoute]:
    """The route with and without its trailing slash (plugins use both; a redirect would lose POSTs)."""

    async def handle(request: Request) -> Response:
        ctx: AppContext = request.app.state.ctx
        try:
            body = await read_body(request, ctx.max_body) if request.method == "POST" else b""
            if not ctx.threaded:
                return _call(ctx, request, body, endpoint)
            return await run_in_threadpool(_call, ctx, request, body, endpoint)
        except Exception as error:
            return error_response(error, order_creation=order_creation)

    bare = path.rstrip("/")
    return [Route(bare, handle, methods=methods), Route(bare + "/", handle, methods=methods)]


def _call(ctx: AppContext, request: Request, body: bytes, endpoint: Endpoint) -> Response:
    api_key, password = basic_credentials(request.headers.get("authorization"))
    principal = authenticate(ctx.db, api_key=api_key, password=password)
    query = dict(request.query_params)
    call = GhostCall(
        ctx=ctx,
        principal=principal,
        body=body,
        content_type=request.headers.get("content-type"),
        # Some clients put the Accept header in the query string; it counts as the header.
        accept=query.get("Accept", request.headers.get("accept")),
        path_params=dict(request.path_params),
        query=query,
    )
    return endpoint(call)
