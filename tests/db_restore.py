"""Put the test database back to what the migrations left, after a transactional test, by copy.

Django's way (flush every table, then, at the next transactional test, re-save each serialized row
through the ORM) cost about a second per live-server test, most of the suite's tests. Here the rows
the migrations made are copied out once per session (PostgreSQL ``COPY … TO STDOUT``) and, when a
transactional test ends, only the tables that hold rows are emptied (DELETE) and the copy is loaded back in
one transaction. Every test then starts from the same rows, whatever ran before it on that database
(with two pytest-xdist workers, a worker runs database and transactional tests in any order).
Sequences are not reset: an id is never given twice in a session.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Snapshot:
    """The rows of every non-empty table, as COPY text, and the tables Django flushes."""

    tables: list[str]
    rows: dict[str, bytes] = field(default_factory=dict)


_SNAPSHOTS: dict[str, Snapshot] = {}


def _quote(connection, table: str) -> str:
    return connection.ops.quote_name(table)


def _tables_with_rows(connection, tables: list[str]) -> list[str]:
    """One query says which tables hold at least one row."""
    if not tables:
        return []
    parts = [f"(SELECT {i} AS n FROM {_quote(connection, t)} LIMIT 1)" for i, t in enumerate(tables)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return [tables[row[0]] for row in cursor.fetchall()]


def take(connection) -> Snapshot | None:
    """Copy out the rows the migrations made (called once, right after the test database is built);
    None on a database other than PostgreSQL (the SQLite runs keep Django's flush)."""
    if connection.vendor != "postgresql":
        return None
    tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
    snap = Snapshot(tables=tables)
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        for table in _tables_with_rows(connection, tables):
            data = bytearray()
            with cursor.copy(f"COPY {_quote(connection, table)} TO STDOUT") as copy:
                for chunk in copy:
                    data += chunk
            snap.rows[table] = bytes(data)
    _SNAPSHOTS[connection.alias] = snap
    return snap


def restore(connection) -> bool:
    """Empty the tables that hold rows and load the snapshot back; False when none was taken."""
    from django.db import transaction

    snap = _SNAPSHOTS.get(connection.alias)
    if snap is None:
        return False
    dirty = _tables_with_rows(connection, snap.tables)
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            # DELETE, not TRUNCATE: a few dozen small tables empty faster row by row than by new files,
            # and Django's foreign keys are checked at commit, when the copy is back in.
            for table in dirty:
                cursor.execute(f"DELETE FROM {_quote(connection, table)}")
            raw = cursor.cursor
            for table, data in snap.rows.items():
                with raw.copy(f"COPY {_quote(connection, table)} FROM STDIN") as copy:
                    copy.write(data)
    return True
