"""back-office: admin users and sessions; indexes for its paginated lists and searches

Revision ID: 0002_backoffice
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_backoffice"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NAME_WORDS_CONFIG = "'simple'::regconfig"  # storage/catalog_search.py matches this expression exactly
# An FTS5 index over products.name, kept in step by triggers whatever writes the products.
SQLITE_NAME_WORDS = [
    "CREATE VIRTUAL TABLE products_name_words USING fts5("
    "name, content='products', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER products_name_words_insert AFTER INSERT ON products BEGIN "
    "INSERT INTO products_name_words(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER products_name_words_delete AFTER DELETE ON products BEGIN "
    "INSERT INTO products_name_words(products_name_words, rowid, name) "
    "VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER products_name_words_update AFTER UPDATE OF name ON products BEGIN "
    "INSERT INTO products_name_words(products_name_words, rowid, name) "
    "VALUES ('delete', old.id, old.name); "
    "INSERT INTO products_name_words(rowid, name) VALUES (new.id, new.name); END",
    "INSERT INTO products_name_words(products_name_words) VALUES ('rebuild')",
]
Instant = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "admins",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", Instant, nullable=True),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("last_login_at", Instant, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admins")),
        sa.UniqueConstraint("email", name=op.f("uq_admins_email")),
    )
    op.create_table(
        "admin_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("admin_id", Id, nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("expires_at", Instant, nullable=False),
        sa.Column("flash", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["admin_id"], ["admins.id"], name=op.f("fk_admin_sessions_admin_id_admins"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_admin_sessions")),
    )
    op.create_index("ix_admin_sessions_admin_id", "admin_sessions", ["admin_id"])
    op.create_index("ix_admin_sessions_expires_at", "admin_sessions", ["expires_at"])

    op.create_index("ix_orders_status_id", "orders", ["status", "id"])
    op.create_index("ix_orders_account_id_id", "orders", ["account_id", "id"])
    op.create_index("ix_orders_key", "orders", ["key"])
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_orders_status_last_update", "orders", ["status", "last_update"])
    op.create_index("ix_models_free", "models", [sa.text("(on_hand - locked)"), "id"])
    op.create_index("ix_models_barcode", "models", ["barcode"])
    postgres = op.get_bind().dialect.name == "postgresql"
    # PostgreSQL uses an index for LIKE 'prefix%' only with the pattern operator class (or the C
    # collation); SQLite's binary ordering serves the equivalent range query as it is.
    pattern_ops = " text_pattern_ops" if postgres else ""
    op.create_index("ix_models_code_folded", "models", [sa.text(f"lower(code){pattern_ops}")])
    op.create_index("ix_products_code_folded", "products", [sa.text(f"lower(code){pattern_ops}")])
    # Words of product names: scanning 100,000 names with LIKE takes a third of a second, so each
    # engine keeps a word index of its own (built-in: no extension to install).
    if postgres:
        op.create_index(
            "ix_products_name_words",
            "products",
            [sa.text(f"to_tsvector({NAME_WORDS_CONFIG}, name)")],
            postgresql_using="gin",
        )
    else:
        for statement in SQLITE_NAME_WORDS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_products_name_words", table_name="products")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER products_name_words_{trigger}")
        op.execute("DROP TABLE products_name_words")
    for name, table in [
        ("ix_products_code_folded", "products"),
        ("ix_models_code_folded", "models"),
        ("ix_models_barcode", "models"),
        ("ix_models_free", "models"),
        ("ix_orders_status_last_update", "orders"),
        ("ix_orders_created_at", "orders"),
        ("ix_orders_key", "orders"),
        ("ix_orders_account_id_id", "orders"),
        ("ix_orders_status_id", "orders"),
    ]:
        op.drop_index(name, table_name=table)
    op.drop_table("admin_sessions")
    op.drop_table("admins")
