"""What the supplier sees of failed-authentication lockouts, and how to lift one."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from stockgate.services.accounts import find_account_row
from stockgate.services.passwords import api_key_hash
from stockgate.services.unit_of_work import Database, Tx


@dataclass(frozen=True, slots=True)
class LockedOutKeyView:
    """An API key refused for now after too many failed authentications."""

    key_hash_prefix: str  # enough to tell keys apart; the hash itself is not a credential either
    account_id: int | None  # None: a key no account has (someone guessing keys)
    email: str | None
    failures: int
    locked_until: datetime


def locked_out_keys(db: Database, *, now: float | None = None) -> list[LockedOutKeyView]:
    """Every API key locked out right now, the latest lockout first."""
    now_ms = int((time.time() if now is None else now) * 1000)
    rows = db.read(lambda tx: tx.throttle.locked_out_keys(now_ms))
    return [
        LockedOutKeyView(
            r.api_key_hash[:12],
            r.account_id,
            r.email,
            r.failures,
            datetime.fromtimestamp(r.locked_until_ms / 1000, UTC),
        )
        for r in rows
    ]


def release_lockout(db: Database, *, email: str | None = None, api_key: str | None = None) -> int:
    """Forget the failed authentications of an account's key (by e-mail) or of a given key."""

    def work(tx: Tx) -> int:
        if api_key is not None:
            return tx.throttle.release("key", api_key_hash(api_key))
        if email is None:
            return 0
        return tx.throttle.release_account(find_account_row(tx, email).id)

    return db.write(work)
