"""The catalog: search by stock_id, product id, barcode, code or name; edit a model's stock; import a file."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from starlette.responses import Response

from stockgate.domain.catalog import ImportCounts, ImportRejected
from stockgate.domain.errors import InvalidInput
from stockgate.http.admin_catalog import open_upload, read_upload
from stockgate.http.backoffice.forms import checkbox, optional_int, required_int
from stockgate.http.backoffice.pages import AdminCall
from stockgate.services.backoffice_queries import search_catalog
from stockgate.services.catalog_import import import_catalog
from stockgate.services.supplier_stock import set_stock

PRODUCTS_PER_PAGE = 25
UPLOAD_LIMIT = 512 * 1024 * 1024
MAX_PROBLEMS_SHOWN = 200


def search(call: AdminCall) -> Response:
    text = call.query.get("q", "").strip()
    error = ""
    page = None
    raw_free = call.query.get("max_free", "").strip()
    try:
        max_free = optional_int(raw_free, "max free", minimum=0)
        page = search_catalog(call.db, window=call.window(PRODUCTS_PER_PAGE), text=text, max_free=max_free)
    except InvalidInput as problem:
        error = problem.message
    previous, following = call.pages(page) if page else (None, None)
    return call.render(
        "catalog.html",
        title="Catalog",
        page=page,
        q=text,
        max_free=raw_free,
        error=error,
        previous=previous,
        following=following,
    )


def edit_stock(call: AdminCall) -> Response:
    stock_id = required_int(call.field("stock_id"), "stock_id")
    quantity = required_int(call.field("quantity"), "quantity", minimum=0)
    before = set_stock(
        call.db, stock_id=stock_id, quantity=quantity, actor=call.actor, reason=call.field("reason")
    )
    return call.done(call.back("/admin/catalog"), f"stock_id {stock_id}: on hand {before} → {quantity}.")


def import_form(call: AdminCall) -> Response:
    return call.render("catalog_import.html", title="Import a catalog", report=None)


def import_file(call: AdminCall) -> Response:
    """Import an uploaded TEAL XML or CSV file (optionally gzipped) and show what happened."""
    upload = call.upload("file")
    if upload is None:
        raise InvalidInput("file", "choose a catalog file to import")
    strict = checkbox(call.field("strict"))
    with tempfile.TemporaryDirectory(prefix="stockgate-import-") as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as target:
            upload.file.seek(0)
            shutil.copyfileobj(upload.file, target)
        name = upload.filename or ""
        kind = _format(call.field("format"), name, path)
        started = time.monotonic()
        try:
            counts = import_catalog(
                call.db, items=lambda: read_upload(path, kind), actor=call.actor, strict=strict
            )
        except ImportRejected as rejected:
            report = ImportReport(
                upload.filename or "", kind, strict, None, rejected.problems, rejected.count
            )
        else:
            report = ImportReport(upload.filename or "", kind, strict, counts, counts.errors, counts.skipped)
        report.seconds = time.monotonic() - started
    return call.render("catalog_import.html", title="Import a catalog", report=report)


@dataclass
class ImportReport:
    filename: str
    kind: str
    strict: bool
    counts: ImportCounts | None  # None: a strict import refused the file
    problems: list[str]
    broken: int
    seconds: float = 0.0

    @property
    def shown_problems(self) -> list[str]:
        return self.problems[:MAX_PROBLEMS_SHOWN]


def _format(given: str, filename: str, path: Path) -> str:
    """xml or csv: as chosen, else from the file's name, else from its first byte."""
    if given in ("xml", "csv"):
        return given
    if given:
        raise InvalidInput("format", "format must be xml or csv")
    name = filename.lower().removesuffix(".gz")
    if name.endswith(".xml"):
        return "xml"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    with open_upload(path) as source:
        start = source.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "xml" if start.startswith(b"<") else "csv"
