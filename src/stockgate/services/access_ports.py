"""What use cases need from storage to guard access: admin API tokens, lockouts after failed
authentications, and the accounts' rate-limit buckets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from stockgate.domain.throttle import RateLimit
from stockgate.services.account_ports import Credentials


@dataclass(frozen=True, slots=True)
class AdminTokenRow:
    id: int
    name: str
    token_hint: str
    created_at: datetime
    revoked_at: datetime | None


class AdminTokens(Protocol):
    def create_token(self, name: str, token_hash: str, hint: str) -> int: ...
    def token(self, token_hash: str) -> AdminTokenRow | None: ...
    def tokens(self) -> list[AdminTokenRow]: ...
    def revoke_token(self, name: str) -> bool: ...


# What authentication reads in one statement: the key's credentials (None: no such key), and the
# later lockout of the key and the client address in epoch milliseconds (0: none). A plain pair,
# unpacked at once: a named tuple cost 2,900 instructions on every ghost request (bench/README.md).
Gate = tuple[Credentials | None, int]


@dataclass(frozen=True, slots=True)
class FailureCounter:
    """Failed authentications counted against one subject: an API key (scope "key", name: the key's
    SHA-256) or a client address (scope "addr")."""

    scope: str
    name: str
    account_id: int | None = None
    failures: int = 0
    last_failure_ms: int = 0
    locked_until_ms: int = 0


@dataclass(frozen=True, slots=True)
class LockedOutKey:
    api_key_hash: str
    account_id: int | None
    email: str | None
    failures: int
    locked_until_ms: int


@dataclass(frozen=True, slots=True)
class Bucket:
    """An account's shared token bucket as stored, with its own limit when it has one."""

    tokens_milli: int
    refreshed_ms: int
    limit: RateLimit | None  # None: the server's default


class AuthThrottle(Protocol):
    def gate(self, api_key_hash: str, address: str) -> Gate: ...
    def counters(self, subjects: Sequence[FailureCounter]) -> list[FailureCounter]: ...
    def save(self, counter: FailureCounter) -> None: ...
    def release(self, scope: str, name: str) -> int: ...
    def release_account(self, account_id: int) -> int: ...
    def locked_out_keys(self, now_ms: int) -> list[LockedOutKey]: ...
    def forget_stale(self, before_ms: int) -> int: ...


class RateBuckets(Protocol):
    def locked(self, account_id: int, full_milli: int, now_ms: int) -> Bucket: ...
    def save(self, account_id: int, tokens_milli: int, refreshed_ms: int) -> None: ...
    def configure(self, account_id: int, limit: RateLimit | None) -> None: ...
    def configured(self, account_id: int) -> RateLimit | None: ...
