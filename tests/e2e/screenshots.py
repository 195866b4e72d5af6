"""Screenshots of every back-office page, on a laptop and on a phone, for a reviewer to look at.

    uv run python -m tests.e2e.screenshots OUTDIR

Seeds a throwaway SQLite database, starts `stockgate serve` on it, drives headless Chromium through
the pages and writes OUTDIR/NN-page-{laptop,phone}.png.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from stockgate.bootstrap import Config, start
from tests.support.backoffice import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.backoffice_seed import SHOPS, seed
from tests.support.chromium import launch_chromium
from tests.support.server_process import running_stockgate

SCREENS = {"laptop": {"width": 1366, "height": 860}, "phone": {"width": 390, "height": 844}}

Step = Callable[[Page], None]


def _go(path: str) -> Step:
    return lambda page: page.goto(path) and None


def _rotate_key(page: Page) -> None:
    page.goto("/admin/accounts")
    page.get_by_role("link", name=SHOPS[1][0]).click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Rotate API key").click()


def _credit_error(page: Page) -> None:
    page.goto("/admin/accounts")
    page.get_by_role("link", name=SHOPS[2][0]).click()
    page.get_by_label("Amount (negative to remove)").fill("-50")
    page.get_by_role("button", name="Apply").click()


def _stock_saved(page: Page) -> None:
    page.goto("/admin/catalog?q=hanami")
    row = page.locator("table#catalog tbody tr[id]").first
    row.locator("input[name=quantity]").fill("25")
    row.get_by_role("button", name="Save").click()


def _first_reservation(page: Page) -> None:
    page.goto("/admin/reservations")
    page.locator("#reservations tbody a").first.click()


def _first_order(page: Page) -> None:
    page.goto("/admin/orders?status=2")
    page.locator("#orders tbody a").first.click()


def _dispatched_order(page: Page) -> None:
    page.goto("/admin/orders?status=3")
    page.locator("#orders tbody a").first.click()


def _import_report(page: Page) -> None:
    page.goto("/admin/catalog/import")
    sheet = "product_id;name;street_price;stock_id;availability\n7;Sciarpa;12,50;70;4\n8;Guanti;x;80;2\n"
    page.locator("input[type=file]").set_input_files(
        {"name": "sheet.csv", "mimeType": "text/csv", "buffer": sheet.encode()}
    )
    page.get_by_role("button", name="Import").click()


PAGES: list[tuple[str, Step]] = [
    ("dashboard", _go("/admin/")),
    ("orders", _go("/admin/orders")),
    ("orders-filtered", _go("/admin/orders?status=5")),
    ("order-to-dispatch", _first_order),
    ("order-dispatched", _dispatched_order),
    ("returns", _go("/admin/returns")),
    ("accounts", _go("/admin/accounts")),
    ("account-new-key", _rotate_key),
    ("account-error", _credit_error),
    ("catalog", _go("/admin/catalog")),
    ("catalog-search-saved", _stock_saved),
    ("catalog-low-stock", _go("/admin/catalog?max_free=1")),
    ("catalog-import-report", _import_report),
    ("reservations", _go("/admin/reservations")),
    ("reservation", _first_reservation),
    ("carriers", _go("/admin/carriers")),
    ("not-found", _go("/admin/orders/999999")),
]


def _log_in(page: Page) -> None:
    page.goto("/admin/login")
    page.get_by_label("E-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def shoot(browser: Browser, base: str, out: Path) -> list[Path]:
    written = []
    for screen, viewport in SCREENS.items():
        context = browser.new_context(base_url=base, viewport=viewport, is_mobile=screen == "phone")  # type: ignore[arg-type]
        page = context.new_page()
        page.goto("/admin/login")
        written.append(out / f"00-login-{screen}.png")
        page.screenshot(path=written[-1], full_page=True)
        _log_in(page)
        for number, (name, step) in enumerate(PAGES, start=1):
            step(page)
            page.wait_for_load_state("networkidle")
            written.append(out / f"{number:02d}-{name}-{screen}.png")
            page.screenshot(path=written[-1], full_page=True)
        context.close()
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.e2e.screenshots OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stockgate-shots-") as scratch:
        url = f"sqlite:///{scratch}/stockgate.db"
        runtime = start(Config(database_url=url))
        seed(runtime.db)
        runtime.close()
        with running_stockgate(url) as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            written = shoot(browser, server.base_url, out)
            browser.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
