# ruff: noqa: S608  (SQL is assembled from catalogue names and the callers' constants)
"""Tables written whole, then attached as partitions (claim lines of a first import, the
bed-day ranges of a computation): the table made from a query in the shape of its parent."""

from __future__ import annotations


def create_table_as(  # type: ignore[no-untyped-def]
    cursor,
    *,
    parent: str,
    name: str,
    columns: list[str],
    select: str,
    bound: str,
    params: dict | None = None,
) -> int:
    """A new table ``name`` shaped as ``parent`` (its column types and collations, NOT NULLs
    and CHECK constraints, so it can be attached) holding the rows of ``select`` (its columns
    in the order of ``columns``), plus the CHECK ``bound``. ``CREATE TABLE AS`` writes through
    PostgreSQL's bulk path (at 5M lines the two bed-day range tables: 1.25 + 2.17 s with the
    constraints' scan, against 1.35 + 2.62 s by ``INSERT ... SELECT`` into a table made with
    ``LIKE``). The constraints are then checked in one scan. Returns the rows written."""
    cursor.execute(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod),
               CASE WHEN a.attcollation <> t.typcollation THEN quote_ident(c.collname) END,
               a.attnotnull
        FROM pg_attribute a
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_collation c ON c.oid = a.attcollation
        WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """,
        [parent],
    )
    shape = cursor.fetchall()
    if sorted(column for column, *_ in shape) != sorted(columns):
        raise ValueError(f"{name}: the columns {columns} are not those of {parent}")
    picks = ", ".join(
        f"s.{column}::{type_}" + (f" COLLATE {collation}" if collation else "") + f" AS {column}"
        for column, type_, collation, _not_null in shape
    )
    cursor.execute(
        f"CREATE TABLE {name} AS SELECT {picks} FROM ({select}) AS s ({', '.join(columns)})",
        params,
    )
    written = cursor.rowcount
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'c'",
        [parent],
    )
    checks = [f"ADD CONSTRAINT {check} {definition}" for check, definition in cursor.fetchall()]
    not_nulls = [
        f"ALTER COLUMN {column} SET NOT NULL" for column, *_, not_null in shape if not_null
    ]
    cursor.execute(
        f"ALTER TABLE {name} "
        + ", ".join([*not_nulls, *checks, f"ADD CONSTRAINT {name}_bound CHECK ({bound})"])
    )
    return written
