"""Supplier-side account management: open, credit, configure, rotate keys, list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from stockgate.domain.accounts import normalise_email, parse_address
from stockgate.domain.errors import Conflict, InvalidInput, NotFound
from stockgate.services.account_ports import AccountRow
from stockgate.services.passwords import api_key_hash, hash_password, new_api_key
from stockgate.services.stock_ports import LedgerEntry
from stockgate.services.unit_of_work import Database, Tx

MIN_PASSWORD = 8


@dataclass(frozen=True, slots=True)
class NewAccount:
    id: int
    email: str
    api_key: str  # shown once: only its hash is stored


def find_account_row(tx: Tx, email: str) -> AccountRow:
    found = tx.accounts.by_email(normalise_email(email))
    if found is None:
        raise NotFound("account", email)
    return found


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"password must have at least {MIN_PASSWORD} characters")
    return hash_password(password)


def create_account(
    db: Database,
    *,
    email: str,
    password: str,
    ecredit: Decimal = Decimal(0),
    auto_confirm: bool = False,
    name: str = "",
    address: str | None = None,
    actor: str,
    api_key: str | None = None,
) -> NewAccount:
    """Open a dropshipper account with an optional opening e-credit (written to the ledger)."""
    email = normalise_email(email)
    if ecredit < 0:
        raise InvalidInput("ecredit", "opening e-credit cannot be negative")
    values: dict[str, Any] = {
        "email": email,
        "name": name.strip(),
        "password_hash": _check_password(password),
        "auto_confirm": auto_confirm,
        **(parse_address(address) if address else {}),
    }
    key = api_key or new_api_key()
    values["api_key_hash"] = api_key_hash(key)
    values["api_key_hint"] = key[:8]

    def work(tx: Tx) -> NewAccount:
        if tx.accounts.by_email(email) is not None:
            raise Conflict(f"an account with e-mail {email} already exists")
        account_id = tx.accounts.create(values)
        if ecredit:
            tx.accounts.add_credit(account_id, ecredit)
            tx.ledger.append(
                [
                    LedgerEntry(
                        "credit", actor, "opening e-credit", account_id=account_id, credit_delta=ecredit
                    )
                ]
            )
        return NewAccount(account_id, email, key)

    return db.write(work)


def credit_account(db: Database, *, email: str, amount: Decimal, note: str = "", actor: str) -> Decimal:
    """Add (or, negative, remove) e-credit; the balance never goes below zero. Answers the balance."""
    if not amount:
        raise InvalidInput("amount", "amount must not be zero")

    def work(tx: Tx) -> Decimal:
        account = tx.accounts.lock(find_account_row(tx, email).id)
        if account.ecredit + amount < 0:
            raise Conflict(f"account {account.email} has {account.ecredit} e-credit; cannot remove {-amount}")
        balance = tx.accounts.add_credit(account.id, amount)
        tx.ledger.append(
            [
                LedgerEntry(
                    "credit", actor, note or "manual credit", account_id=account.id, credit_delta=amount
                )
            ]
        )
        return balance

    return db.write(work)


def set_account(
    db: Database,
    *,
    email: str,
    auto_confirm: bool | None = None,
    enabled: bool | None = None,
    password: str | None = None,
    name: str | None = None,
    address: str | None = None,
) -> AccountRow:
    """Change an account's settings; only the ones given."""
    values: dict[str, Any] = {}
    if auto_confirm is not None:
        values["auto_confirm"] = auto_confirm
    if enabled is not None:
        values["enabled"] = enabled
    if password is not None:
        values["password_hash"] = _check_password(password)
    if name is not None:
        values["name"] = name.strip()
    if address is not None:
        values.update(parse_address(address))
    return _update(db, email, values)


def rotate_key(db: Database, *, email: str) -> str:
    """Give the account a new API key; the old one stops working at once."""
    key = new_api_key()
    _update(db, email, {"api_key_hash": api_key_hash(key), "api_key_hint": key[:8]})
    return key


def _update(db: Database, email: str, values: Mapping[str, Any]) -> AccountRow:
    def work(tx: Tx) -> AccountRow:
        account = find_account_row(tx, email)
        if values:
            tx.accounts.update(account.id, values)
        return tx.accounts.lock(account.id)

    return db.write(work)


def list_accounts(db: Database) -> list[tuple[AccountRow, int]]:
    """Every account with the number of units it holds locked."""
    return db.read(lambda tx: tx.accounts.listing())


def find_account(db: Database, *, email: str) -> AccountRow:
    return db.read(lambda tx: find_account_row(tx, email))


def account_by_id(db: Database, *, account_id: int) -> AccountRow:
    found = db.read(lambda tx: tx.accounts.by_id(account_id))
    if found is None:
        raise NotFound("account", account_id)
    return found


def accounts_page(
    db: Database, *, after_id: int | None = None, limit: int = 100
) -> list[tuple[AccountRow, int]]:
    """Accounts in id order after `after_id`, with the units each holds locked."""
    if not 1 <= limit <= 1000:
        raise InvalidInput("limit", "limit must be between 1 and 1000")
    return db.read(lambda tx: tx.accounts.page(after_id=after_id, limit=limit))
