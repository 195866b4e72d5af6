"""The schema, as SQLAlchemy Core tables. Migrations (storage/migrations) create exactly this.

The tables live by business area in the *_tables.py modules, all on the one `metadata` of
storage/metadata.py; importing this module imports every area, so `metadata` here is the whole
schema. Import it wherever all the tables are needed at once (migrations/env.py).

Invariants that must survive any bug above this layer live in the tables as CHECK constraints.
"""

from __future__ import annotations

from stockgate.storage import (  # noqa: F401  imported for the tables they register on `metadata`
    account_tables,
    backoffice_tables,
    catalog_tables,
    order_tables,
    supplier_tables,
    throttle_tables,
    webhook_tables,
)
from stockgate.storage.metadata import metadata

__all__ = ["metadata"]
