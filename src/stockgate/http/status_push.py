"""`POST /restful/orders/dropshipping/status`: warehouse tools written for Rewix report substatus and
tracking, authenticated with an admin API bearer token.

The answer has the `<response status code message/>` shape of the return requests (JSON twin too); a
refusal carries the HTTP status as its code.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from stockgate.domain.errors import InvalidInput
from stockgate.http.admin_call import bearer_token
from stockgate.http.body import read_body
from stockgate.http.context import AppContext, served_app
from stockgate.http.errors import error_response, status_for
from stockgate.services.admin_access import authenticate_admin
from stockgate.services.status_push import push_order_status
from stockgate.wire.negotiation import Format, NotAcceptable, body_format, response_format
from stockgate.wire.nodes import parse_document
from stockgate.wire.returns import render_outcome
from stockgate.wire.status_push import read_status_push

PATH = "/restful/orders/dropshipping/status"


async def push(request: Request) -> Response:
    ctx = served_app(request).ctx
    fmt: Format = "xml"
    try:
        body = await read_body(request, ctx.max_body)
        request_format = body_format(request.headers.get("content-type"), body)
        accept = request.query_params.get("Accept", request.headers.get("accept"))
        fmt = response_format(accept, request_format)
        await run_in_threadpool(_apply, ctx, request.headers.get("authorization"), body, request_format)
    except Exception as error:
        status = status_for(error)
        if status == 500 or isinstance(error, NotAcceptable):
            return error_response(error)
        headers = {"WWW-Authenticate": 'Bearer realm="stockgate-admin"'} if status == 401 else None
        return _answer(False, status, str(error), fmt, status, headers)
    return _answer(True, 0, "", fmt, 200)


def _apply(ctx: AppContext, authorization: str | None, body: bytes, request_format: Format | None) -> None:
    principal = authenticate_admin(ctx.db, token=bearer_token(authorization))
    if request_format is None:
        raise InvalidInput("body", "the request body is empty")
    update = read_status_push(parse_document(body, request_format))
    push_order_status(ctx.db, push=update, actor=f"{principal.actor} (status push)")


def _answer(
    ok: bool, code: int, message: str, fmt: Format, status: int, headers: dict[str, str] | None = None
) -> Response:
    media = "application/json" if fmt == "json" else "application/xml"
    return Response(
        render_outcome(ok, code, message, fmt), status_code=status, media_type=media, headers=headers
    )


def routes() -> list[BaseRoute]:
    return [Route(PATH, push, methods=["POST"]), Route(PATH + "/", push, methods=["POST"])]
