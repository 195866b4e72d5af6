"""Adapters to the database: tables, repositories, the unit of work, migrations."""
