"""The one `metadata` every table registers on, with its naming convention, and the column types the
tables share.

It holds only the tables imported so far: whoever needs all of them (the migrations' env.py) imports
storage/schema.py, which imports every area's tables.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData

from stockgate.storage.types import UtcInstant

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Instant = UtcInstant()
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Id = BigInteger().with_variant(Integer(), "sqlite")
