"""E14: the printable return manifest, a real PDF (fpdf2) to put in the parcel and on its outside.

It shows where the parcel goes (the supplier's name and address), the return code in large type and as
a Code 39 barcode for the warehouse scanner, the order, who pays the shipping, and one row per unit.
The built-in PDF fonts cover Latin-1 only; other characters are printed as '?' rather than failing.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

from stockgate.domain.returns import REASON_CODES
from stockgate.services.return_ports import ManifestFacts


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The supplier as printed on manifests (configured at start-up)."""

    name: str = "stockgate supplier"
    address: tuple[str, ...] = ()


def _latin1(text: object) -> str:
    return str(text).encode("latin-1", "replace").decode("latin-1")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Cut `text` so that it fits `width` millimetres in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text + "..."


def render_manifest(facts: ManifestFacts, letterhead: Letterhead) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"Return {facts.return_code}"))
    pdf.set_author(_latin1(letterhead.name))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(width, 10, "RETURN MANIFEST", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(width, 6, "Return to:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 12)
    for address_line in (letterhead.name, *letterhead.address):
        pdf.cell(width, 6, _latin1(address_line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(width, 9, _latin1(f"Return code: {facts.return_code}"), new_x="LMARGIN", new_y="NEXT")
    pdf.code39(f"*{facts.return_code}*", x=pdf.l_margin, y=pdf.get_y() + 1, w=1, h=14)
    pdf.set_y(pdf.get_y() + 18)

    pdf.set_font("Helvetica", "", 11)
    reference = f" (your reference {facts.order_key})" if facts.order_key else ""
    details = [
        f"Order: {facts.order_id}{reference}",
        f"From: {facts.account_name or facts.account_email}",
        f"Return shipping paid by: {facts.paid_by or '-'}",
    ]
    if facts.authorised_at is not None:
        details.append(f"Authorised: {facts.authorised_at:%Y-%m-%d %H:%M} UTC")
    details.append(f"Units: {len(facts.lines)}")
    for text in details:
        pdf.cell(width, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    columns = (("Line", 16), ("Stock id", 24), ("Product", 70), ("Code / size / colour", 40), ("Reason", 30))
    pdf.set_font("Helvetica", "B", 10)
    for title, size in columns:
        pdf.cell(size, 7, title, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for line in facts.lines:
        variant = " / ".join(v for v in (line.model_code, line.size, line.color) if v)
        cells = (
            str(line.return_id),
            str(line.stock_id),
            line.product_name,
            variant,
            REASON_CODES.get(line.reason_code, str(line.reason_code)),
        )
        for (_, size), value in zip(columns, cells, strict=True):
            pdf.cell(size, 6, _fit(pdf, _latin1(value), size - 2), border=1)
        pdf.ln()
    pdf.ln(6)
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(
        width,
        5,
        "Put this sheet inside the parcel and write the return code on the outside. "
        "Parcels without a return code may be refused.",
    )
    return bytes(pdf.output())
