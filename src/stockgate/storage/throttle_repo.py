"""Failed-authentication counters and the shared rate-limit buckets (domain/throttle.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    delete,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from stockgate.domain.throttle import RateLimit
from stockgate.services.access_ports import Bucket, FailureCounter, Gate, LockedOutKey
from stockgate.services.account_ports import Credentials
from stockgate.storage.account_tables import accounts
from stockgate.storage.prepared import Prepared
from stockgate.storage.throttle_tables import auth_failures, rate_buckets


def _insert(connection: Connection, table: Any) -> Any:
    return (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(table)


class SqlAuthThrottle:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def gate(self, api_key_hash: str, address: str) -> Gate:
        """The key's credentials and the later lockout of key and address, in one statement."""
        # One row always (an outer join from a one-row probe), of the driver's own values.
        ((account_id, password_hash, enabled, reservation_id, locked_until_ms),) = _GATE.tuples(
            self._c, {"key_hash": api_key_hash, "address": address}
        )
        if account_id is None:
            return None, locked_until_ms
        return Credentials(account_id, password_hash, bool(enabled), reservation_id), locked_until_ms

    def counters(self, subjects: Sequence[FailureCounter]) -> list[FailureCounter]:
        """The subjects' counters, created when missing and locked until the transaction ends."""
        found = []
        for subject in subjects:
            statement = _insert(self._c, auth_failures).values(
                scope=subject.scope, subject=subject.name, account_id=subject.account_id
            )
            # A no-op update: on PostgreSQL ON CONFLICT DO UPDATE takes the row lock, which is the point.
            statement = statement.on_conflict_do_update(
                index_elements=["scope", "subject"], set_={"failures": auth_failures.c.failures}
            ).returning(
                auth_failures.c.account_id,
                auth_failures.c.failures,
                auth_failures.c.last_failure_ms,
                auth_failures.c.locked_until_ms,
            )
            account_id, failures, last, until = self._c.execute(statement).one()
            found.append(
                FailureCounter(
                    subject.scope,
                    subject.name,
                    subject.account_id if account_id is None else int(account_id),
                    int(failures),
                    int(last),
                    int(until),
                )
            )
        return found

    def save(self, counter: FailureCounter) -> None:
        values = asdict(counter)
        scope, name = values.pop("scope"), values.pop("name")
        self._c.execute(update(auth_failures).where(_is(auth_failures.c, scope, name)).values(**values))

    def release(self, scope: str, name: str) -> int:
        result = self._c.execute(delete(auth_failures).where(_is(auth_failures.c, scope, name)))
        return int(result.rowcount)

    def release_account(self, account_id: int) -> int:
        f = auth_failures.c
        result = self._c.execute(delete(auth_failures).where(f.scope == "key", f.account_id == account_id))
        return int(result.rowcount)

    def locked_out_keys(self, now_ms: int) -> list[LockedOutKey]:
        f = auth_failures.c
        rows = self._c.execute(
            select(f.subject, f.account_id, accounts.c.email, f.failures, f.locked_until_ms)
            .select_from(auth_failures.outerjoin(accounts, accounts.c.id == f.account_id))
            .where(f.scope == "key", f.locked_until_ms > now_ms)
            .order_by(f.locked_until_ms.desc(), f.subject)
        ).all()
        return [
            LockedOutKey(str(r[0]), None if r[1] is None else int(r[1]), r[2], int(r[3]), int(r[4]))
            for r in rows
        ]

    def forget_stale(self, before_ms: int) -> int:
        f = auth_failures.c
        result = self._c.execute(
            delete(auth_failures).where(f.last_failure_ms < before_ms, f.locked_until_ms < before_ms)
        )
        return int(result.rowcount)


def _is(columns: Any, scope: str, name: str) -> ColumnElement[bool]:
    return and_(columns.scope == scope, columns.subject == name)


def _gate() -> Any:
    f = auth_failures.c
    key_hash = bindparam("key_hash", type_=accounts.c.api_key_hash.type)
    address = bindparam("address", type_=f.subject.type)
    # The fixed values are written into the SQL, not bound: the statement takes only the caller's
    # three parameters (binding four more cost 2% of an E4 request, bench/README.md).
    key: ColumnElement[str] = literal_column("'key'")
    addr: ColumnElement[str] = literal_column("'addr'")
    locked = (
        select(func.coalesce(func.max(f.locked_until_ms), literal_column("0")))
        .where(or_(and_(f.scope == key, f.subject == key_hash), and_(f.scope == addr, f.subject == address)))
        .scalar_subquery()
    )
    # Outer join from a one-row probe: an unknown key still answers its lockout in the same round trip.
    probe = select(literal_column("1").label("one")).subquery("probe")
    # `enabled` is read as the driver answers it (SQLite: 0 or 1) and made a bool by the caller: a
    # column that needs converting costs every row a named tuple and a Python loop (storage/prepared.py).
    enabled = type_coerce(accounts.c.enabled, Integer)
    return select(
        accounts.c.id, accounts.c.password_hash, enabled, accounts.c.reservation_id, locked
    ).select_from(probe.outerjoin(accounts, accounts.c.api_key_hash == key_hash))


# Every request runs it: built once (building it cost more than running it, bench/README.md).
_GATE = Prepared(_gate())


class SqlRateBuckets:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def locked(self, account_id: int, full_milli: int, now_ms: int) -> Bucket:
        """The account's bucket, locked until the transaction ends (created full when missing).

        The row lock (SQLite: the write transaction) is what keeps the bucket exact when several
        processes take tokens at once: each reads the figure the previous one wrote.
        """
        b = rate_buckets.c
        query = (
            select(b.tokens_milli, b.refreshed_ms, b.burst, b.per_second_milli)
            .where(b.account_id == account_id)
            .with_for_update()
        )
        row = self._c.execute(query).first()
        if row is None:
            self._c.execute(
                _insert(self._c, rate_buckets)
                .values(account_id=account_id, tokens_milli=full_milli, refreshed_ms=now_ms)
                .on_conflict_do_nothing(index_elements=["account_id"])
            )
            row = self._c.execute(query).one()
        limit = None
        if row[2] is not None:
            limit = RateLimit(int(row[2]), int(row[3] or 0) / 1000)
        return Bucket(int(row[0]), int(row[1]), limit)

    def save(self, account_id: int, tokens_milli: int, refreshed_ms: int) -> None:
        self._c.execute(
            update(rate_buckets)
            .where(rate_buckets.c.account_id == account_id)
            .values(tokens_milli=tokens_milli, refreshed_ms=refreshed_ms)
        )

    def configure(self, account_id: int, limit: RateLimit | None) -> None:
        values: dict[str, Any] = {"burst": None, "per_second_milli": None}
        if limit is not None:
            values = {"burst": limit.burst, "per_second_milli": limit.per_second_milli or None}
        statement = _insert(self._c, rate_buckets).values(account_id=account_id, **values)
        self._c.execute(statement.on_conflict_do_update(index_elements=["account_id"], set_=values))

    def configured(self, account_id: int) -> RateLimit | None:
        row = self._c.execute(
            select(rate_buckets.c.burst, rate_buckets.c.per_second_milli).where(
                rate_buckets.c.account_id == account_id
            )
        ).first()
        if row is None or row[0] is None:
            return None
        return RateLimit(int(row[0]), int(row[1] or 0) / 1000)
