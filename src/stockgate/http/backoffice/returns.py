"""The returns queue: every returned unit, oldest first, with the supplier's steps and the manifest."""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response

from stockgate.domain import returns as rules
from stockgate.domain.errors import InvalidInput, InvalidReturnTransition, NotFound
from stockgate.domain.returns import REASON_CODES, ReturnStatus, default_payer
from stockgate.http.backoffice.forms import optional_int
from stockgate.http.backoffice.pages import AdminCall
from stockgate.services.backoffice_queries import returns_queue
from stockgate.services.return_ports import ReturnLine
from stockgate.services.return_workflow import (
    authorize_return,
    complete_return,
    mark_not_received,
    receive_return,
    refund_return,
    refuse_return,
)

PRINT_PATH = "/restful/returnedgoods/print/"

# Whether a step may start from a line's status: asked of the domain's own rules.
_RULES: dict[str, Callable[[int, bool], object]] = {
    "authorise": lambda status, _refunded: rules.authorise(0, status, paid_by_supplier=True),
    "receive": lambda status, _refunded: rules.receive(0, status, ok=True),
    "not-received": lambda status, _refunded: rules.not_received(0, status),
    "refund": lambda status, refunded: rules.refund(0, status, refunded),
    "complete": lambda status, _refunded: rules.complete(0, status),
    "refuse": lambda status, refunded: rules.refuse(0, status, refunded),
}


def possible_steps(line: ReturnLine) -> list[str]:
    found = []
    for step, rule in _RULES.items():
        try:
            rule(line.status, line.refund_status == 1)
        except InvalidReturnTransition:
            continue
        found.append(step)
    return found


def status_name(code: int) -> str:
    try:
        return ReturnStatus(code).label
    except ValueError:
        return str(code)


def queue(call: AdminCall) -> Response:
    raw_status = call.query.get("status", "").strip()
    raw_order = call.query.get("order", "").strip()
    error = ""
    found = None
    try:
        found = returns_queue(
            call.db,
            window=call.window(),
            status=optional_int(raw_status, "status"),
            order_id=optional_int(raw_order, "order"),
        )
    except InvalidInput as problem:
        error = problem.message
    following = call.url(after=found.page.next) if found and found.page.next is not None else None
    first = call.url() if call.query.get("after") else None
    return call.render(
        "returns.html",
        title="Returns",
        found=found,
        status=raw_status,
        order=raw_order,
        error=error,
        first=first,
        following=following,
        statuses=list(ReturnStatus),
        reasons=REASON_CODES,
        steps=possible_steps,
        status_name=status_name,
        default_payer=default_payer,
        print_path=PRINT_PATH,
    )


def step(call: AdminCall) -> Response:
    return_id = call.path_id()
    action = call.path_params["action"]
    db, actor = call.db, call.actor
    if action == "authorise":
        paid_by = call.field("paid_by") or None
        line = authorize_return(db, return_id=return_id, paid_by=paid_by, actor=actor)
    elif action == "receive":
        line = receive_return(db, return_id=return_id, ok=call.field("ok") == "1", actor=actor)
    elif action == "not-received":
        line = mark_not_received(db, return_id=return_id, actor=actor)
    elif action == "refund":
        line = refund_return(db, return_id=return_id, actor=actor)
    elif action == "complete":
        line = complete_return(db, return_id=return_id, actor=actor)
    elif action == "refuse":
        line = refuse_return(db, return_id=return_id, actor=actor)
    else:
        raise NotFound("return step", action)
    text = (
        f"Return line {line.id} (order {line.order_id}, stock_id {line.stock_id}): {status_name(line.status)}"
    )
    if action == "refund":
        text += f", {line.refund_amount:,.2f} back to e-credit"
    if line.return_code and action == "authorise":
        text += f", return code {line.return_code}"
    return call.done(call.back("/admin/returns"), text + ".")
