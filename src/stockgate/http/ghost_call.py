"""The plumbing every ghost endpoint shares: body, credentials, negotiation, errors, both slash forms.

An endpoint is a plain function of the parsed call, run in a worker thread with everything it needs;
whatever it raises goes through the error table.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from stockgate.domain.errors import InvalidInput, NotFound
from stockgate.http.basic_auth import basic_credentials
from stockgate.http.body import read_body
from stockgate.http.context import AppContext, ServedApp
from stockgate.http.errors import error_response
from stockgate.http.metrics import Metrics
from stockgate.services.auth import Principal, authenticate, recognise
from stockgate.services.rate_limits import Admission
from stockgate.services.tally import Tally
from stockgate.wire.negotiation import Format, body_format, response_format
from stockgate.wire.nodes import Node, parse_document

XML_TYPE = "application/xml"
# Inline (ctx.inline_endpoints): on SQLite a request's statements take microseconds, and handing
# each request to a worker thread cost more than the request itself: 1,000 us of CPU against 200 for
# E4 with eight requests in flight, in GIL hand-offs and thread wake-ups (bench/README.md). What could
# hold the event loop for long still goes to a thread: argon2 (a first request, a wrong password), a
# body over INLINE_BODY (a large order's parsing and statements), the catalog export. A writer may
# wait on the loop for the SQLite write lock: a few milliseconds at most, as long as the other
# process's write transaction.
INLINE_BODY = 64 * 1024
JSON_TYPE = "application/json"
P = TypeVar("P", Principal, Principal | None)


class GhostCall:
    """One authenticated ghost API request, as an endpoint function sees it.

    A plain class read from the request in one go: as a dataclass given ten keyword arguments it
    cost 4,400 instructions more to make, on every ghost request (bench/README.md).
    """

    def __init__(
        self, app: ServedApp, principal: Principal, request: Request, body: bytes, heads: _Heads
    ) -> None:
        scope = request.scope  # read directly: each of Request's properties is a Python call
        query = dict(request.query_params) if scope["query_string"] else {}
        path_params: dict[str, str] = dict(scope.get("path_params", ()))
        for name, value in path_params.items():
            if "\x00" in value:  # no key or id contains one; PostgreSQL could not even compare it
                raise NotFound(name, repr(value[:40]))
        self.ctx: AppContext = app.ctx
        self.principal = principal
        self.body = body
        self.content_type = heads.get(b"content-type")
        # Some clients put the Accept header in the query string; it counts as the header.
        self.accept = query.get("Accept", heads.get(b"accept"))
        self.path_params = path_params
        self.query = query
        self.method: str = scope["method"]
        self.metrics: Metrics = app.metrics
        self.request = request
        # Worked out on first use (a 415 or 406 comes when the endpoint first needs them), kept
        # here: not functools.cached_property, which in Python 3.11 takes a lock shared by every
        # instance.
        self._request_format: Format | None = None
        self._request_format_known = False
        self._format: Format | None = None

    @cached_property
    def base_url(self) -> str:
        """scheme://host[:port] the request came to, for links in answers (built only when needed)."""
        return str(self.request.base_url).rstrip("/")

    @property
    def request_format(self) -> Format | None:
        if not self._request_format_known:
            self._request_format = body_format(self.content_type, self.body)
            self._request_format_known = True
        return self._request_format

    @property
    def format(self) -> Format:
        """The response format (406 when the Accept header allows neither)."""
        if self._format is None:
            # Without a body there is no request format to follow (and no need to work it out).
            self._format = response_format(self.accept, self.request_format if self.body else None)
        return self._format

    def document(self) -> Node:
        """The parsed request body (400/429 when empty or malformed)."""
        fmt = self.request_format
        if fmt is None:
            raise InvalidInput("body", "the request body is empty")
        return parse_document(self.body, fmt)

    def count(self, kind: str, tally: Tally) -> None:
        """Report what a reserve or order request did to the metrics."""
        self.metrics.count_outcome(kind, tally)

    def respond(self, content: bytes) -> Response:
        return _Answer(content, _JSON_HEADER if self.format == "json" else _XML_HEADER)


class _Answer(Response):
    """A 200 with its body and the two headers Response would give it, made directly: Response's
    own constructor works out headers it was not asked for, 6,500 instructions an E4 (bench/README.md)."""

    def __init__(self, content: bytes, content_type: tuple[bytes, bytes]) -> None:
        self.status_code = 200
        self.background = None
        self.body = content
        self.raw_headers = [(b"content-length", b"%d" % len(content)), content_type]


_JSON_HEADER = (b"content-type", JSON_TYPE.encode())
_XML_HEADER = (b"content-type", XML_TYPE.encode())


Endpoint = Callable[[GhostCall], Response]


def ghost_routes(
    path: str,
    endpoint: Endpoint,
    *,
    methods: list[str],
    order_creation: bool = False,
    compress: bool = False,
) -> list[BaseRoute]:
    """The route with and without its trailing slash (plugins use both; a redirect would lose POSTs).

    `compress`: gzip the response for clients that accept it (the catalog: a large, streamed body that
    shrinks tenfold). An endpoint may answer a StreamingResponse; its iterator then runs after the
    function returns, so errors it raises can no longer change the status.
    """

    inline = not compress  # a catalog export reads a whole page of the catalog before answering

    async def handle(request: Request) -> Response:
        # The request's properties are read from its scope: each of Starlette's is a Python call.
        scope = request.scope
        app: ServedApp = scope["app"]
        ctx = app.ctx
        try:
            body = await read_body(request, ctx.max_body) if scope["method"] == "POST" else b""
            heads = _read_heads(request)
            if inline and ctx.inline_endpoints and len(body) <= INLINE_BODY:
                principal = _signed_in(recognise, ctx, request, heads)
                if principal is not None:
                    return _call(app, request, body, endpoint, heads, principal)
            return await run_in_threadpool(_call, app, request, body, endpoint, heads)
        except Exception as error:
            app.metrics.count_error(error)
            return error_response(error, order_creation=order_creation)

    # Level 5: most of level 9's gain on XML for a fraction of its CPU.
    gzip = [Middleware(GZipMiddleware, minimum_size=1024, compresslevel=5)] if compress else None
    bare = path.rstrip("/")
    return [
        Route(bare, handle, methods=methods, middleware=gzip),
        Route(bare + "/", handle, methods=methods, middleware=gzip),
    ]


# The headers a ghost call reads, under their ASGI (lower-case) names.
_Heads = dict[bytes, str]


def _read_heads(request: Request) -> _Heads:
    """Authorization, Content-Type and Accept, the first of each as Starlette answers it, in one pass
    over the request's list: `request.headers.get` scans it once per name, 3 us an E4. A plain
    dict: a named tuple of the three cost 2,900 instructions to make (bench/README.md)."""
    found: _Heads = {}
    for name, value in request.scope["headers"]:
        if name in _HEAD_NAMES and name not in found:
            found[name] = value.decode("latin-1")
    return found


_HEAD_NAMES = frozenset({b"authorization", b"content-type", b"accept"})  # ASGI names are lower case


def _signed_in(check: Callable[..., P], ctx: AppContext, request: Request, heads: _Heads) -> P:
    """`check` (recognise or authenticate) applied to the request's Basic credentials."""
    api_key, password = basic_credentials(heads.get(b"authorization"))
    client = request.scope.get("client")  # (host, port); `request.client` makes a new tuple each time
    address = client[0] if client else ""
    return check(ctx.db, api_key=api_key, password=password, address=address, now=ctx.clock())


def _call(
    app: ServedApp,
    request: Request,
    body: bytes,
    endpoint: Endpoint,
    heads: _Heads,
    principal: Principal | None = None,
) -> Response:
    if principal is None:
        principal = _signed_in(authenticate, app.ctx, request, heads)
    admission = app.limiter.admit(principal.account_id)
    response = endpoint(GhostCall(app, principal, request, body, heads))
    if admission is not None:
        _rate_headers(response, admission)
    return response


def _rate_headers(response: Response, admission: Admission) -> None:
    response.headers["X-RateLimit-Limit"] = str(admission.limit)
    response.headers["X-RateLimit-Remaining"] = str(admission.remaining)
    response.headers["X-RateLimit-Reset"] = str(admission.reset)
