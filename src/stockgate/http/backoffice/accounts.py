"""Dropshipper accounts: list, open, credit, settings, key rotation, own carrier lists."""

from __future__ import annotations

from decimal import Decimal

from starlette.responses import Response

from stockgate.http.backoffice.forms import checkbox, optional_amount, required_amount
from stockgate.http.backoffice.pages import AdminCall
from stockgate.services.account_carriers import set_own_carriers
from stockgate.services.accounts import create_account, credit_account, rotate_key, set_account
from stockgate.services.backoffice_queries import account_overview, account_summary, browse_accounts
from stockgate.services.carriers import list_carriers


def listing(call: AdminCall) -> Response:
    text = call.query.get("q", "").strip()
    page = browse_accounts(call.db, window=call.window(), text=text)
    previous, following = call.pages(page)
    return call.render(
        "accounts.html", title="Accounts", page=page, q=text, previous=previous, following=following
    )


def create(call: AdminCall) -> Response:
    new = create_account(
        call.db,
        email=call.field("email"),
        password=call.raw("password"),
        ecredit=optional_amount(call.field("ecredit"), "opening e-credit") or Decimal(0),
        auto_confirm=checkbox(call.field("auto_confirm")),
        name=call.field("name"),
        address=call.field("address") or None,
        actor=call.actor,
    )
    return call.done(
        f"/admin/accounts/{new.id}",
        f"Account {new.email} opened. Its API key is shown only now:",
        secret=new.api_key,
    )


def detail(call: AdminCall) -> Response:
    found = account_overview(call.db, account_id=call.path_id())
    return call.render(
        "account.html",
        title=found.summary.email,
        summary=found.summary,
        account=found.account,
        carriers=found.carriers,
        own=found.own,
    )


def _email(call: AdminCall) -> str:
    return account_summary(call.db, account_id=call.path_id()).email


def _page(call: AdminCall) -> str:
    return call.back(f"/admin/accounts/{call.path_id()}")


def credit(call: AdminCall) -> Response:
    email = _email(call)
    amount = required_amount(call.field("amount"), "amount")
    balance = credit_account(call.db, email=email, amount=amount, note=call.field("note"), actor=call.actor)
    verb = "added to" if amount > 0 else "removed from"
    return call.done(_page(call), f"{abs(amount):,.2f} {verb} {email}; e-credit now {balance:,.2f}.")


def settings(call: AdminCall) -> Response:
    email = _email(call)
    set_account(
        call.db,
        email=email,
        auto_confirm=checkbox(call.field("auto_confirm")),
        enabled=checkbox(call.field("enabled")),
        name=call.field("name"),
        address=call.field("address") or None,
    )
    return call.done(_page(call), f"Settings of {email} saved.")


def rotate(call: AdminCall) -> Response:
    email = _email(call)
    key = rotate_key(call.db, email=email)
    return call.done(
        _page(call),
        f"New API key for {email}; the old one no longer works. Shown only now:",
        secret=key,
    )


def carriers(call: AdminCall) -> Response:
    email = _email(call)
    chosen: dict[int, Decimal | None] = {}
    for carrier in list_carriers(call.db):
        if checkbox(call.field(f"carrier_{carrier.id}")):
            chosen[carrier.id] = optional_amount(call.field(f"cost_{carrier.id}"), f"cost of {carrier.name}")
    set_own_carriers(call.db, email=email, carriers=chosen)
    text = "may use every carrier" if not chosen else f"may use {len(chosen)} carrier(s)"
    return call.done(_page(call), f"{email} {text}.")
