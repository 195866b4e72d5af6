"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 06:40:17.731129
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "accounts",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("api_key_hash", sa.String(length=64), nullable=False),
        sa.Column("api_key_hint", sa.String(length=8), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("ecredit", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("auto_confirm", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("reservation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("street_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("address_number", sa.String(length=50), server_default="", nullable=False),
        sa.Column("zip", sa.String(length=20), server_default="", nullable=False),
        sa.Column("city", sa.String(length=100), server_default="", nullable=False),
        sa.Column("province", sa.String(length=100), server_default="", nullable=False),
        sa.Column("countrycode", sa.String(length=2), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ecredit >= 0", name=op.f("ck_accounts_ecredit_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("api_key_hash", name=op.f("uq_accounts_api_key_hash")),
        sa.UniqueConstraint("email", name=op.f("uq_accounts_email")),
    )
    op.create_table(
        "carriers",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("countries", sa.String(length=1000), server_default="", nullable=False),
        sa.Column("max_weight", sa.BigInteger(), nullable=True),
        sa.Column("is_default", sa.Boolean(), server_default="0", nullable=False),
        sa.CheckConstraint("cost >= 0", name=op.f("ck_carriers_cost_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_carriers")),
    )
    op.create_table(
        "ledger",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), server_default="", nullable=False),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("stock_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("on_hand_delta", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_delta", sa.Integer(), server_default="0", nullable=False),
        sa.Column("credit_delta", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger")),
    )
    with op.batch_alter_table("ledger", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_account_id", ["account_id"], unique=False)
        batch_op.create_index("ix_ledger_order_id", ["order_id"], unique=False)
        batch_op.create_index("ix_ledger_stock_id", ["stock_id"], unique=False)

    op.create_table(
        "locales",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_locales")),
    )
    op.create_table(
        "products",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("code", sa.String(length=100), server_default="", nullable=False),
        sa.Column("name", sa.String(length=300), server_default="", nullable=False),
        sa.Column("street_price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("suggested_price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("taxable", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("best_taxable", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False),
        sa.Column("weight", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("madein", sa.String(length=100), server_default="", nullable=False),
        sa.Column("hs", sa.String(length=30), server_default="", nullable=False),
        sa.Column("online", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("intangible", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("localizations", sa.Text(), server_default="{}", nullable=False),
        sa.Column("pictures", sa.Text(), server_default="[]", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index("ix_products_code", ["code"], unique=False)
        batch_op.create_index("ix_products_updated_at", ["updated_at"], unique=False)

    op.create_table(
        "account_carriers",
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("carrier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("cost", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_carriers_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["carrier_id"],
            ["carriers.id"],
            name=op.f("fk_account_carriers_carrier_id_carriers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "carrier_id", name=op.f("pk_account_carriers")),
    )
    op.create_table(
        "models",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=False, nullable=False
        ),
        sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("model", sa.String(length=200), server_default="", nullable=False),
        sa.Column("code", sa.String(length=100), server_default="", nullable=False),
        sa.Column("barcode", sa.String(length=100), server_default="", nullable=False),
        sa.Column("color", sa.String(length=100), server_default="", nullable=False),
        sa.Column("size", sa.String(length=50), server_default="", nullable=False),
        sa.Column("street_price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("suggested_price", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("taxable", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("best_taxable", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("currency", sa.String(length=3), server_default="EUR", nullable=False),
        sa.Column("weight", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("backorder", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("on_hand", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("locked >= 0 AND locked <= on_hand", name=op.f("ck_models_locked_within_on_hand")),
        sa.CheckConstraint("on_hand >= 0", name=op.f("ck_models_on_hand_not_negative")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_models_product_id_products"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_models")),
    )
    with op.batch_alter_table("models", schema=None) as batch_op:
        batch_op.create_index("ix_models_code", ["code"], unique=False)
        batch_op.create_index("ix_models_product_id", ["product_id"], unique=False)

    op.create_table(
        "orders",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("substatus", sa.Integer(), nullable=True),
        sa.Column("order_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("carrier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("carrier_name", sa.String(length=100), nullable=True),
        sa.Column("carrier_cost", sa.BigInteger(), nullable=True),
        sa.Column("total", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("paid", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=True),
        sa.Column("careof", sa.String(length=200), nullable=True),
        sa.Column("cfpiva", sa.String(length=50), nullable=True),
        sa.Column("customer_key", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("street_type", sa.String(length=50), nullable=True),
        sa.Column("street_name", sa.String(length=200), nullable=True),
        sa.Column("address_number", sa.String(length=50), nullable=True),
        sa.Column("zip", sa.String(length=20), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("province", sa.String(length=100), nullable=True),
        sa.Column("countrycode", sa.String(length=2), nullable=True),
        sa.Column("phone_prefix", sa.String(length=20), nullable=True),
        sa.Column("phone_number", sa.String(length=50), nullable=True),
        sa.Column("tracking_code", sa.String(length=100), nullable=True),
        sa.Column("tracking_url", sa.String(length=500), nullable=True),
        sa.Column("tracking_carrier", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_update", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "total >= 0 AND paid >= 0 AND paid <= total", name=op.f("ck_orders_money_consistent")
        ),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_orders_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("account_id", "key", name="uq_orders_account_key"),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_account_created", ["account_id", "created_at"], unique=False)
        batch_op.create_index("ix_orders_status_created", ["status", "created_at"], unique=False)

    op.create_table(
        "product_tags",
        sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("locale_values", sa.Text(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_tags_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "tag_id", name=op.f("pk_product_tags")),
    )
    with op.batch_alter_table("product_tags", schema=None) as batch_op:
        batch_op.create_index("ix_product_tags_filter", ["tag_id", "value"], unique=False)

    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("stock_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("from_lock", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "quantity > 0 AND from_lock >= 0 AND from_lock <= quantity",
            name=op.f("ck_order_lines_quantity_sane"),
        ),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders")),
        sa.ForeignKeyConstraint(["stock_id"], ["models.id"], name=op.f("fk_order_lines_stock_id_models")),
        sa.PrimaryKeyConstraint("order_id", "stock_id", name=op.f("pk_order_lines")),
    )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index("ix_order_lines_stock_id", ["stock_id"], unique=False)

    op.create_table(
        "reservation_lines",
        sa.Column("account_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("stock_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_reservation_lines_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_reservation_lines_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["stock_id"], ["models.id"], name=op.f("fk_reservation_lines_stock_id_models")
        ),
        sa.PrimaryKeyConstraint("account_id", "stock_id", name=op.f("pk_reservation_lines")),
    )
    with op.batch_alter_table("reservation_lines", schema=None) as batch_op:
        batch_op.create_index("ix_reservation_lines_stock_id", ["stock_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("reservation_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_reservation_lines_stock_id")

    op.drop_table("reservation_lines")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_order_lines_stock_id")

    op.drop_table("order_lines")
    with op.batch_alter_table("product_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_product_tags_filter")

    op.drop_table("product_tags")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_status_created")
        batch_op.drop_index("ix_orders_account_created")

    op.drop_table("orders")
    with op.batch_alter_table("models", schema=None) as batch_op:
        batch_op.drop_index("ix_models_product_id")
        batch_op.drop_index("ix_models_code")

    op.drop_table("models")
    op.drop_table("account_carriers")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_updated_at")
        batch_op.drop_index("ix_products_code")

    op.drop_table("products")
    op.drop_table("locales")
    with op.batch_alter_table("ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_stock_id")
        batch_op.drop_index("ix_ledger_order_id")
        batch_op.drop_index("ix_ledger_account_id")

    op.drop_table("ledger")
    op.drop_table("carriers")
    op.drop_table("accounts")
