"""Helpers for back-office tests: an admin, a logged-in HTTP client, orders to look at."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from starlette.testclient import TestClient

from stockgate.domain.orders import Address, DropshipOrderRequest, Recipient
from stockgate.services.auth import Principal
from stockgate.services.dropship import place_dropship_orders
from stockgate.services.passwords import api_key_hash
from stockgate.services.unit_of_work import Database

ADMIN_EMAIL = "boss@example.com"
ADMIN_PASSWORD = "warehouse password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_in(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def log_in(client: TestClient, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> str:
    """Log `client` in through the form; answers the session's CSRF token."""
    form = client.get("/admin/login")
    answer = client.post(
        "/admin/login",
        data={"csrf_token": csrf_in(form.text), "email": email, "password": password, "next": "/admin/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_in(client.get("/admin/").text)


class Office:
    """A logged-in back-office client: GET pages, POST forms with the session's CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = log_in(client)

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params=params or None)

    def post(self, path: str, data: dict[str, Any] | None = None, *, back: str | None = None) -> Any:
        """POST a form and follow the redirect to the page that shows the outcome."""
        fields = {"csrf_token": self.csrf, **(data or {})}
        if back:
            fields["back"] = back
        return self.client.post(path, data=fields)


def principal(db: Database, account_id: int, api_key: str) -> Principal:
    return Principal(account_id, None, api_key_hash(api_key))


def dropship(
    db: Database,
    who: Principal,
    key: str,
    lines: dict[int, int],
    *,
    recipient: str = "Mario Rossi",
    country: str = "IT",
    auto_confirm: bool = True,
) -> int:
    """Place one dropshipping order; answers its order_id."""
    request = DropshipOrderRequest(
        key=key,
        date=datetime(2024, 5, 6, 10, 11, 12, tzinfo=UTC),
        recipient=Recipient(
            recipient=recipient,
            address=Address(street_name="Via Roma", zip="10100", city="Torino", countrycode=country),
        ),
        lines=lines,
        carrier_id=None,
        auto_confirm=auto_confirm,
    )
    return place_dropship_orders(db, principal=who, requests=[request], actor="test").order_ids[0]
