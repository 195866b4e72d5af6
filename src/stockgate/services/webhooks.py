"""Managing webhook endpoints and their deliveries (the CLI, admin API and back-office call these)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from stockgate.domain.dates import utc_now
from stockgate.domain.errors import InvalidInput, NotFound
from stockgate.domain.webhook_signature import MIN_SECRET_LENGTH, new_secret
from stockgate.domain.webhook_urls import check_url
from stockgate.domain.webhooks import EVENT_TYPES, PING, join_events, parse_event_types
from stockgate.services.accounts import find_account_row
from stockgate.services.outbox import Notice, publish
from stockgate.services.unit_of_work import Database, Tx
from stockgate.services.webhook_ports import Delivery, DeliveryFilter, Endpoint

DELIVERY_STATES = ("pending", "delivered", "failed")
MAX_PAGE = 500
MAX_SECRET_LENGTH = 200
MAX_DESCRIPTION = 200
MAX_ROW_ID = 2**63 - 1  # ids are 64-bit integers on PostgreSQL
MAX_EVENT_ID = 40


@dataclass(frozen=True, slots=True)
class NewEndpoint:
    endpoint: Endpoint
    secret: str  # shown once: list and show give only its first characters


def _check_secret(secret: str) -> str:
    if not MIN_SECRET_LENGTH <= len(secret) <= MAX_SECRET_LENGTH or not secret.isprintable():
        raise InvalidInput(
            "secret",
            f"a webhook secret has {MIN_SECRET_LENGTH} to {MAX_SECRET_LENGTH} printable characters",
        )
    return secret


def _check_description(description: str) -> str:
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput("description", f"description is longer than {MAX_DESCRIPTION} characters")
    if not description.isprintable():
        raise InvalidInput("description", "description must not contain control characters")
    return description


def _known_id(value: int | None, what: str) -> int | None:
    """An id as given, or NotFound when no row could have it (the database would refuse to compare)."""
    if value is not None and not 0 < value <= MAX_ROW_ID:
        raise NotFound(what, value)
    return value


def _position(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_ROW_ID:
        raise InvalidInput("cursor", "cursor is not one this API handed out")
    return value


def _refresh_account(tx: Tx, account_id: int) -> None:
    """Write on the account row which event types its enabled endpoints want (see AccountRow)."""
    wanted = {t for s in tx.webhooks.subscriptions(account_id) for t in s.events}
    tx.accounts.update(account_id, {"webhook_events": join_events(t for t in EVENT_TYPES if t in wanted)})


def _locked_endpoint(tx: Tx, endpoint_id: int) -> Endpoint:
    """The endpoint, with its account row locked first (the lock order of every writer)."""
    found = _endpoint(tx, endpoint_id)
    tx.accounts.lock(found.account_id)
    return found


def _endpoint(tx: Tx, endpoint_id: int) -> Endpoint:
    _known_id(endpoint_id, "webhook endpoint")
    found = tx.webhooks.endpoint(endpoint_id)
    if found is None:
        raise NotFound("webhook endpoint", endpoint_id)
    return found


def add_endpoint(
    db: Database,
    *,
    email: str,
    url: str,
    events: Iterable[str] = (),
    secret: str | None = None,
    description: str = "",
    enabled: bool = True,
    allow_private: bool = False,
) -> NewEndpoint:
    """Register a webhook URL for an account; a secret is generated unless one is given."""
    values: dict[str, Any] = {
        "url": check_url(url, allow_private=allow_private),
        "events": join_events(parse_event_types(events)),
        "secret": _check_secret(secret) if secret is not None else new_secret(),
        "description": _check_description(description),
        "enabled": enabled,
    }

    def work(tx: Tx) -> NewEndpoint:
        account = tx.accounts.lock(find_account_row(tx, email).id)
        endpoint_id = tx.webhooks.add_endpoint({**values, "account_id": account.id, "created_at": utc_now()})
        _refresh_account(tx, account.id)
        return NewEndpoint(_endpoint(tx, endpoint_id), values["secret"])

    return db.write(work)


def list_endpoints(
    db: Database, *, email: str | None = None, after_id: int | None = None, limit: int = 1000
) -> list[Endpoint]:
    """Endpoints (every account's or one's) in id order after `after_id`, with their pending and failed
    delivery counts."""
    if not 1 <= limit <= 1000:
        raise InvalidInput("limit", "limit must be between 1 and 1000")

    def work(tx: Tx) -> list[Endpoint]:
        account_id = find_account_row(tx, email).id if email else None
        return tx.webhooks.endpoints(account_id, _position(after_id), limit)

    return db.read(work)


def show_endpoint(db: Database, *, endpoint_id: int) -> Endpoint:
    return db.read(lambda tx: _endpoint(tx, endpoint_id))


def update_endpoint(
    db: Database,
    *,
    endpoint_id: int,
    url: str | None = None,
    events: Sequence[str] | None = None,
    enabled: bool | None = None,
    description: str | None = None,
    allow_private: bool = False,
) -> Endpoint:
    """Change an endpoint's URL, event types, description or enabled flag (only those given).

    A disabled endpoint gets no new events, and its pending deliveries wait until it is enabled again.
    """
    values: dict[str, Any] = {}
    if url is not None:
        values["url"] = check_url(url, allow_private=allow_private)
    if events is not None:
        values["events"] = join_events(parse_event_types(events))
    if enabled is not None:
        values["enabled"] = enabled
    if description is not None:
        values["description"] = _check_description(description)

    def work(tx: Tx) -> Endpoint:
        found = _locked_endpoint(tx, endpoint_id)
        if values:
            tx.webhooks.update_endpoint(endpoint_id, values)
            _refresh_account(tx, found.account_id)
        return _endpoint(tx, endpoint_id)

    return db.write(work)


def rotate_secret(db: Database, *, endpoint_id: int, secret: str | None = None) -> str:
    """Give the endpoint a new secret (generated unless given); deliveries sign with it from now on."""
    new = _check_secret(secret) if secret is not None else new_secret()

    def work(tx: Tx) -> str:
        _endpoint(tx, endpoint_id)
        tx.webhooks.update_endpoint(endpoint_id, {"secret": new})
        return new

    return db.write(work)


def remove_endpoint(db: Database, *, endpoint_id: int) -> Endpoint:
    """Delete an endpoint and its deliveries (pending ones are dropped). Answers what was removed."""

    def work(tx: Tx) -> Endpoint:
        found = _locked_endpoint(tx, endpoint_id)
        tx.webhooks.remove_endpoint(endpoint_id)
        _refresh_account(tx, found.account_id)
        return found

    return db.write(work)


def ping_endpoint(db: Database, *, endpoint_id: int) -> str:
    """Queue a `ping` event to one endpoint, whatever it subscribes to. Answers the event id."""

    def work(tx: Tx) -> str:
        found = _endpoint(tx, endpoint_id)
        notice = Notice(
            found.account_id, PING, f"ping:{endpoint_id}", {"endpoint_id": endpoint_id}, (found.id,)
        )
        return publish(tx, [notice])[0]

    return db.write(work)


def _filter(
    tx: Tx,
    *,
    state: str | None,
    endpoint_id: int | None,
    email: str | None,
    event_id: str | None,
    ids: Sequence[int] | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> DeliveryFilter:
    if state is not None and state not in DELIVERY_STATES:
        raise InvalidInput("state", f"state must be one of {', '.join(DELIVERY_STATES)}")
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("limit", f"limit must be between 1 and {MAX_PAGE}")
    if endpoint_id is not None:
        _endpoint(tx, endpoint_id)
    if event_id is not None and (len(event_id) > MAX_EVENT_ID or not event_id.isprintable()):
        raise InvalidInput("event", "event must be an event id such as evt_3f0c...")
    account_id = find_account_row(tx, email).id if email else None
    for delivery_id in ids or ():
        _known_id(delivery_id, "delivery")
    chosen = None if ids is None else tuple(sorted(set(ids)))
    return DeliveryFilter(state, endpoint_id, account_id, event_id, chosen, _position(before_id), limit)


def list_deliveries(
    db: Database,
    *,
    state: str | None = None,
    endpoint_id: int | None = None,
    email: str | None = None,
    event_id: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[Delivery]:
    """Deliveries newest first, with attempts, next attempt and last error; one page."""

    def work(tx: Tx) -> list[Delivery]:
        where = _filter(
            tx,
            state=state,
            endpoint_id=endpoint_id,
            email=email,
            event_id=event_id,
            before_id=before_id,
            limit=limit,
        )
        return tx.webhooks.deliveries(where)

    return db.read(work)


def redeliver(
    db: Database,
    *,
    delivery_ids: Sequence[int] | None = None,
    state: str | None = None,
    endpoint_id: int | None = None,
    email: str | None = None,
) -> int:
    """Queue deliveries again, at once and with a fresh retry window: the ids given, else those
    matching the filter (e.g. every failed one of an endpoint). Answers how many were queued."""
    if delivery_ids is None and state is None and endpoint_id is None and email is None:
        raise InvalidInput("delivery_ids", "name deliveries, or a state, endpoint or account to redeliver")

    def work(tx: Tx) -> int:
        where = _filter(
            tx, state=state, endpoint_id=endpoint_id, email=email, event_id=None, ids=delivery_ids
        )
        if where.ids is not None:
            named = DeliveryFilter(ids=where.ids, limit=len(where.ids))
            known = {x.id for x in tx.webhooks.deliveries(named)}
            for missing in sorted(set(where.ids) - known):
                raise NotFound("delivery", missing)
        return tx.webhooks.redeliver(where, utc_now())

    return db.write(work)


def prune_deliveries(db: Database, *, days: int = 30) -> int:
    """Forget deliveries delivered more than `days` ago (failed and pending ones are kept)."""
    if days < 0:
        raise InvalidInput("days", "days cannot be negative")
    before = utc_now() - timedelta(days=days)
    return db.write(lambda tx: tx.webhooks.prune(before))
