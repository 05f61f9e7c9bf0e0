"""The database layer: mapped tables, enums, engine and sessions, Alembic migrations.

Knows columns and constraints, never service-desk rules.
"""
