"""Pure rules behind the back-office: keyset pages, log-in locks, session refresh, links, paths."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from stockgate.domain.admins import (
    LOCK_AFTER_FAILURES,
    LOCK_DURATION,
    SESSION_LIFETIME,
    after_failure,
    is_locked,
    needs_refresh,
)
from stockgate.domain.errors import InvalidInput
from stockgate.http.backoffice.pages import local_path
from stockgate.http.backoffice.rendering import web_link
from stockgate.services.backoffice_queries import day_bounds
from stockgate.services.paging import Page, Window, page_of

NOW = datetime(2025, 3, 30, 12, 0, tzinfo=UTC)


def keys(page: Page[int]) -> tuple[list[int], int | None, int | None]:
    return page.items, page.previous, page.next


def test_first_page_has_no_previous_and_a_next_when_more_rows_came() -> None:
    assert keys(page_of([9, 8, 7], Window(size=2), lambda k: k)) == ([9, 8], None, 8)
    assert keys(page_of([9, 8], Window(size=2), lambda k: k)) == ([9, 8], None, None)
    assert keys(page_of([], Window(size=2), lambda k: k)) == ([], None, None)


def test_a_page_after_a_key_links_back() -> None:
    assert keys(page_of([7, 6, 5], Window(after=8, size=2), lambda k: k)) == ([7, 6], 7, 6)
    assert keys(page_of([7], Window(after=8, size=2), lambda k: k)) == ([7], 7, None)


def test_a_page_before_a_key_is_read_backwards_and_put_in_order() -> None:
    # Rows arrive nearest-first (ascending towards the front of a newest-first list).
    assert keys(page_of([8, 9, 10], Window(before=7, size=2), lambda k: k)) == ([9, 8], 9, 8)
    assert keys(page_of([8, 9], Window(before=7, size=2), lambda k: k)) == ([9, 8], None, 8)


def test_windows_refuse_nonsense() -> None:
    with pytest.raises(InvalidInput):
        Window(size=0)
    with pytest.raises(InvalidInput):
        Window(size=501)
    with pytest.raises(InvalidInput):
        Window(after=1, before=2)


def test_failures_lock_at_the_limit_and_then_start_again() -> None:
    failed = 0
    for _ in range(LOCK_AFTER_FAILURES - 1):
        outcome = after_failure(failed, NOW)
        failed = outcome.failed_logins
        assert outcome.locked_until is None
    last = after_failure(failed, NOW)
    assert last.locked_until == NOW + LOCK_DURATION and last.failed_logins == 0
    assert is_locked(last.locked_until, NOW + LOCK_DURATION - timedelta(seconds=1))
    assert not is_locked(last.locked_until, NOW + LOCK_DURATION)
    assert not is_locked(None, NOW)


def test_sessions_are_extended_at_most_every_few_minutes() -> None:
    assert not needs_refresh(NOW + SESSION_LIFETIME, NOW)
    assert not needs_refresh(NOW + SESSION_LIFETIME - timedelta(minutes=9), NOW)
    assert needs_refresh(NOW + SESSION_LIFETIME - timedelta(minutes=11), NOW)


def test_days_follow_the_supplier_s_clock() -> None:
    rome = ZoneInfo("Europe/Rome")
    start, end = day_bounds(date(2025, 3, 30), rome)  # clocks go forward: a 23-hour day
    assert start == datetime(2025, 3, 29, 23, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=23)


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("/admin/orders?status=2", "/admin/orders?status=2"),
        ("/admin", "/admin"),
        ("https://evil.example/admin/", "/admin/"),
        ("//evil.example/admin/", "/admin/"),
        ("/elsewhere", "/admin/"),
        ("", "/admin/"),
        ("javascript:alert(1)", "/admin/"),
    ],
)
def test_redirects_stay_in_the_back_office(candidate: str, expected: str) -> None:
    assert local_path(candidate) == expected


def test_only_web_addresses_become_links() -> None:
    assert web_link("https://track.example/1")
    assert web_link("HTTP://track.example/1")
    assert not web_link("javascript:alert(1)")
    assert not web_link("data:text/html,x")
    assert not web_link(None)
