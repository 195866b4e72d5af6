"""Ghost API returns: E9 open a request, E10/E11 read an order's return lines, E14 print the manifest.

E9 answers every refusal (a broken rule, a malformed body, an order that is not the caller's) in its own
`<response status="false" code message/>` shape, with status 400 (404 for the order). E14 needs no
credentials: the shop hands the link to its customer, and the unguessable return code is the key.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from stockgate.domain.errors import InvalidInput, NotFound, ReturnRefused
from stockgate.domain.returns import Refusal
from stockgate.http.context import served_app
from stockgate.http.errors import error_response
from stockgate.http.ghost_call import GhostCall, ghost_routes
from stockgate.services.return_requests import open_return, return_manifest, returns_of_order
from stockgate.wire.return_manifest import render_manifest
from stockgate.wire.returns import read_return_request, render_order_returns, render_outcome

PRINT_PATH = "/restful/returnedgoods/print/"


def request_return(call: GhostCall) -> Response:
    fmt = call.format
    try:
        request = read_return_request(call.document())
        open_return(
            call.ctx.db,
            principal=call.principal,
            request=request,
            actor=f"account:{call.principal.account_id}",
        )
    except ReturnRefused as refused:
        status = 404 if refused.code == Refusal.ORDER_NOT_FOUND else 400
        return _outcome(call, status, refused.code, refused.message)
    except InvalidInput as error:
        return _outcome(call, 400, Refusal.MALFORMED, error.message)
    return Response(render_outcome(True, 0, "", fmt), media_type=_media(call))


def _outcome(call: GhostCall, status: int, code: int, message: str) -> Response:
    return Response(
        render_outcome(False, code, message, call.format), status_code=status, media_type=_media(call)
    )


def _media(call: GhostCall) -> str:
    return "application/json" if call.format == "json" else "application/xml"


def returns_by_key(call: GhostCall) -> Response:
    found = returns_of_order(call.ctx.db, principal=call.principal, key=call.path_params["key"].strip())
    return call.respond(render_order_returns(found.order_id, found.lines, call.format, _link(call)))


def returns_by_id(call: GhostCall) -> Response:
    raw = call.path_params["order_id"].strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise NotFound("order", raw)
    found = returns_of_order(call.ctx.db, principal=call.principal, order_id=int(raw))
    return call.respond(render_order_returns(found.order_id, found.lines, call.format, _link(call)))


def _link(call: GhostCall) -> Callable[[str], str]:
    return lambda code: f"{call.base_url}{PRINT_PATH}{code}.pdf"


async def print_manifest(request: Request) -> Response:
    ctx = served_app(request).ctx
    code = request.path_params["returnCode"]
    try:
        facts = await run_in_threadpool(lambda: return_manifest(ctx.db, return_code=code))
        pdf = await run_in_threadpool(render_manifest, facts, ctx.letterhead)
    except Exception as error:
        return error_response(error)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="return-{facts.return_code}.pdf"'},
    )


def routes() -> list[BaseRoute]:
    return [
        *ghost_routes("/restful/ghost/returnedgoods/request/new", request_return, methods=["POST"]),
        *ghost_routes("/restful/ghost/returnedgoods/clientkey/{key}", returns_by_key, methods=["GET"]),
        *ghost_routes("/restful/ghost/returnedgoods/serverkey/{order_id}", returns_by_id, methods=["GET"]),
        Route(PRINT_PATH + "{returnCode}.pdf", print_manifest, methods=["GET"]),
        Route(PRINT_PATH + "{returnCode}.pdf/", print_manifest, methods=["GET"]),
    ]
