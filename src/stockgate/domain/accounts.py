"""Account rules that need no database: e-mail and address forms."""

from __future__ import annotations

import re

from stockgate.domain.countries import country_code
from stockgate.domain.errors import InvalidInput

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ADDRESS_FIELDS = ("street_name", "address_number", "zip", "city", "province", "countrycode")


def normalise_email(text: str) -> str:
    email = text.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise InvalidInput("email", f"{text!r} is not an e-mail address")
    return email


def parse_address(text: str) -> dict[str, str]:
    """`"street, number, zip, city, province, CC"` into the account's address fields."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != len(ADDRESS_FIELDS):
        raise InvalidInput("address", "address must be 'street, number, zip, city, province, CC' (six parts)")
    fields = dict(zip(ADDRESS_FIELDS, parts, strict=True))
    fields["countrycode"] = country_code(fields["countrycode"], "address country code")
    return fields
