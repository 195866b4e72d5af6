"""Logging in to the back-office, the sessions that follow, and the one-time messages they carry.

The browser holds a random session token; the database keeps only its SHA-256, so a copy of the
database opens no session. Each session has its own CSRF token, which every form must send back.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache

from stockgate.domain.admins import SESSION_LIFETIME, after_failure, is_locked, needs_refresh
from stockgate.domain.dates import utc_now
from stockgate.domain.errors import AuthenticationFailed, LoginLocked
from stockgate.services.backoffice_ports import ActiveSession, AdminRow
from stockgate.services.passwords import hash_password, verify_password
from stockgate.services.unit_of_work import Database, Tx


@cache
def _dummy_hash() -> str:
    # Verified when the e-mail is unknown, so a wrong address costs the same time as a wrong password.
    return hash_password(secrets.token_urlsafe(16))


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # for the cookie; never stored
    csrf_token: str
    email: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Flash:
    """A message for the next page; `secret` (a new API key) is shown once and then forgotten."""

    kind: str  # ok | error
    text: str
    secret: str | None = None

    def encode(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def decode(cls, text: str | None) -> Flash | None:
        if not text:
            return None
        data = json.loads(text)
        return cls(str(data["kind"]), str(data["text"]), data.get("secret"))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_in(db: Database, *, email: str, password: str, now: datetime | None = None) -> NewSession:
    """Check the admin's password and open a session; AuthenticationFailed or LoginLocked otherwise."""
    now = now or utc_now()
    admin: AdminRow | None = db.read(lambda tx: tx.admins.by_email(email))
    if admin is not None and is_locked(admin.locked_until, now):
        raise LoginLocked(admin.locked_until)
    # Verified outside any transaction: argon2 is slow on purpose and must not hold a write lock.
    good = verify_password(admin.password_hash if admin else _dummy_hash(), password)
    if admin is None or not admin.enabled:
        raise AuthenticationFailed
    admin_id = admin.id
    if not good:
        outcome = after_failure(admin.failed_logins, now)
        db.write(lambda tx: tx.admins.update(admin_id, asdict(outcome)))
        if outcome.locked_until is not None:
            raise LoginLocked(outcome.locked_until)
        raise AuthenticationFailed
    session = NewSession(
        secrets.token_urlsafe(32), secrets.token_urlsafe(32), admin.email, now + SESSION_LIFETIME
    )

    def work(tx: Tx) -> None:
        tx.admin_sessions.purge(now)
        tx.admins.update(admin_id, {"failed_logins": 0, "locked_until": None, "last_login_at": now})
        tx.admin_sessions.open(token_hash(session.token), admin_id, session.csrf_token, session.expires_at)

    db.write(work)
    return session


def session_for(db: Database, *, token: str, now: datetime | None = None) -> ActiveSession | None:
    """The live session of a cookie's token (extended when due), or None."""
    now = now or utc_now()
    hashed = token_hash(token)
    found = db.read(lambda tx: tx.admin_sessions.find(hashed, now))
    if found is not None and needs_refresh(found.expires_at, now):
        db.write(lambda tx: tx.admin_sessions.extend(hashed, now + SESSION_LIFETIME))
    return found


def log_out(db: Database, *, session: ActiveSession) -> None:
    db.write(lambda tx: tx.admin_sessions.close(session.token_hash))


def leave_flash(db: Database, *, session: ActiveSession, flash: Flash) -> None:
    """Keep `flash` for the session's next page."""
    db.write(lambda tx: tx.admin_sessions.set_flash(session.token_hash, flash.encode()))


def take_flash(db: Database, *, session: ActiveSession) -> Flash | None:
    """The session's pending message, forgotten as it is handed over."""
    if session.flash is None:
        return None
    db.write(lambda tx: tx.admin_sessions.set_flash(session.token_hash, None))
    return Flash.decode(session.flash)
