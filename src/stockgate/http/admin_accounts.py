"""Admin API: accounts (list, open, read, settings, credit, key rotation) and carriers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.routing import BaseRoute

from stockgate.domain.errors import InvalidInput
from stockgate.http.admin_call import AdminCall, Reply, admin_routes, amount, flag, page, text
from stockgate.services.accounts import (
    account_by_id,
    accounts_page,
    create_account,
    credit_account,
    rotate_key,
    set_account,
)
from stockgate.services.carriers import add_carrier, list_carriers
from stockgate.wire.supplier_documents import account_document, carrier_document


def list_accounts(call: AdminCall) -> Any:
    limit = call.limit()
    after = call.cursor()
    found = accounts_page(call.ctx.db, after_id=after[0] if after else None, limit=limit + 1)
    return page(found, limit, lambda row: (row[0].id,), lambda row: account_document(*row))


def open_account(call: AdminCall) -> Any:
    body = call.json()
    new = create_account(
        call.ctx.db,
        email=text(body, "email", required=True) or "",
        password=text(body, "password", required=True) or "",
        ecredit=amount(body, "ecredit") or Decimal(0),
        auto_confirm=bool(flag(body, "auto_confirm")),
        name=text(body, "name") or "",
        address=text(body, "address"),
        actor=call.actor,
    )
    return Reply({"id": new.id, "email": new.email, "api_key": new.api_key}, 201)


def get_account(call: AdminCall) -> Any:
    return account_document(account_by_id(call.ctx.db, account_id=call.path_id("account_id", "account")))


def change_account(call: AdminCall) -> Any:
    email = _email(call)
    body = call.json()
    changed = set_account(
        call.ctx.db,
        email=email,
        auto_confirm=flag(body, "auto_confirm"),
        enabled=flag(body, "enabled"),
        password=text(body, "password"),
        name=text(body, "name"),
        address=text(body, "address"),
    )
    return account_document(changed)


def credit(call: AdminCall) -> Any:
    email = _email(call)
    body = call.json()
    delta = amount(body, "amount", required=True) or Decimal(0)
    balance = credit_account(
        call.ctx.db, email=email, amount=delta, note=text(body, "note") or "", actor=call.actor
    )
    return {"email": email, "ecredit": balance}


def new_key(call: AdminCall) -> Any:
    email = _email(call)
    return {"email": email, "api_key": rotate_key(call.ctx.db, email=email)}


def _email(call: AdminCall) -> str:
    return account_by_id(call.ctx.db, account_id=call.path_id("account_id", "account")).email


def carriers(call: AdminCall) -> Any:
    # A supplier has a handful of carriers: the page is cut from the whole list.
    limit = call.limit()
    after = call.cursor()
    found = [c for c in list_carriers(call.ctx.db) if after is None or c.id > after[0]]
    return page(found[: limit + 1], limit, lambda c: (c.id,), carrier_document)


def put_carrier(call: AdminCall) -> Any:
    body = call.json()
    countries = body.get("countries", [])
    if not isinstance(countries, list) or not all(isinstance(c, str) for c in countries):
        raise InvalidInput("countries", "countries must be a list of country codes")
    carrier = add_carrier(
        call.ctx.db,
        carrier_id=call.path_id("carrier_id", "carrier"),
        name=text(body, "name", required=True) or "",
        cost=amount(body, "cost", required=True) or Decimal(0),
        default=bool(flag(body, "default")),
        countries=",".join(countries),
        max_weight=_weight(body),
    )
    return carrier_document(carrier)


def _weight(body: dict[str, Any]) -> Decimal | None:
    value = body.get("max_weight")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInput("max_weight", "max_weight must be a number of kilograms")
    try:
        weight = Decimal(str(value))
    except ArithmeticError:
        raise InvalidInput("max_weight", "max_weight must be a number of kilograms") from None
    if not weight.is_finite() or not 0 <= weight < 1_000_000:
        raise InvalidInput("max_weight", "max_weight must be a number of kilograms below 1,000,000")
    if weight != weight.quantize(Decimal("0.001")):
        raise InvalidInput("max_weight", "max_weight must be a number with at most three decimals")
    return weight.quantize(Decimal("0.001"))


def routes() -> list[BaseRoute]:
    return [
        *admin_routes("/accounts", list_accounts, methods=["GET"]),
        *admin_routes("/accounts", open_account, methods=["POST"]),
        *admin_routes("/accounts/{account_id}", get_account, methods=["GET"]),
        *admin_routes("/accounts/{account_id}", change_account, methods=["PATCH"]),
        *admin_routes("/accounts/{account_id}/credit", credit, methods=["POST"]),
        *admin_routes("/accounts/{account_id}/rotate-key", new_key, methods=["POST"]),
        *admin_routes("/carriers", carriers, methods=["GET"]),
        *admin_routes("/carriers/{carrier_id}", put_carrier, methods=["PUT"]),
    ]
