"""Writing many rows of one model at once, without building a model instance per row.

A bulk change of thousands of units (the organiser's import: 353,500 values and as many audit
entries) spends most of its time in `bulk_create`'s and `bulk_update`'s per-value compilation
and in `Model.__init__`. `insert_rows` and `update_rows` take plain rows (column attnames to
Python values) and send them with the driver's `executemany` (on PostgreSQL an insert with COPY,
an update with COPY into a temporary table and one `UPDATE … FROM` it), each value made ready
for the database by its field's own `get_db_prep_save`, except NULL, a JSON value (the
connection's `adapt_json_value`, what that comes to) and the values a field passes on as they
are (a `str` for a text column, an `int` for an integer or a key, a `bool`), which skip it. A
row is a tuple of values, not an instance: a tenth of the time; the values are converted a
column at a time (a comprehension, not a call per value), a JSON text, number or flag once per
chunk however often it repeats.

What the ORM would fill in on an insert is filled in once per call: `auto_now`/`auto_now_add`
columns take the same `timezone.now()`, a column a row does not name takes its field's default.
No signal is sent (as with `bulk_create`); the primary keys are not read back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from itertools import islice
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

CHUNK = 2000
"""Rows sent in one `executemany` (memory stays flat however many rows are written)."""

_SCALARS = frozenset({str, int, bool})
"""JSON values converted once each per chunk (hashable, and equal only when their JSON is: not a
float, whose -0.0 equals 0.0)."""
_PLAIN: tuple[tuple[type[models.Field], type], ...] = (  # type: ignore[type-arg]
    (models.CharField, str),
    (models.TextField, str),
    (models.BooleanField, bool),
    (models.IntegerField, int),
)


Column = list[Any]
"""One column's values in a chunk of rows (rows are converted column by column: a loop in a
comprehension, not a function call per value)."""


def _converter(field: models.Field, connection: BaseDatabaseWrapper) -> Callable[[Column], Column]:  # type: ignore[type-arg]
    """How one column's Python values become its database values."""
    if isinstance(field, models.JSONField):
        return _json_converter(field, connection)
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    prepare = field.get_db_prep_save
    plain = next((kind for base, kind in _PLAIN if isinstance(target, base)), None)
    if plain is None:  # a NULL stays NULL in every field
        return lambda values: [None if v is None else prepare(v, connection) for v in values]
    return lambda values: [v if v is None or type(v) is plain else prepare(v, connection) for v in values]


def _json_converter(field: models.JSONField, connection: BaseDatabaseWrapper) -> Callable[[Column], Column]:
    """What a JSON column's `get_db_prep_save` comes to for a plain value (`None` is SQL NULL, not
    JSON null), a text, number or flag adapted once per chunk however often it repeats (an
    import's audit entries say "có" thousands of times)."""
    adapt, encoder = connection.ops.adapt_json_value, field.encoder

    def convert(values: Column) -> Column:
        seen: dict[tuple[type, object], object] = {}  # by type too: True == 1, but not in JSON
        out: Column = []
        for value in values:
            if value is None:
                out.append(None)
            elif type(value) in _SCALARS:
                key = (type(value), value)
                adapted = seen.get(key)
                if adapted is None:
                    adapted = seen[key] = adapt(value, encoder)
                out.append(adapted)
            else:
                out.append(adapt(value, encoder))
        return out

    return convert


def _field(model: type[models.Model], attname: str) -> models.Field:  # type: ignore[type-arg]
    """The concrete field of `model` stored in the column `attname`."""
    try:
        field = model._meta.get_field(attname)
    except FieldDoesNotExist:
        field = None
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{model.__name__} has no column {attname}")
    return field


def _filled(model: type[models.Model], named: Sequence[str]) -> dict[str, object]:
    """The columns no row names, with what the ORM would put there (once for the whole call)."""
    now = timezone.now()
    filled: dict[str, object] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in named:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            filled[field.attname] = now
        else:
            filled[field.attname] = field.get_default()
    return filled


def insert_rows(model: type[models.Model], rows: Iterable[Mapping[str, object]]) -> int:
    """Insert `rows` (each a mapping of the same attnames to values) into `model`'s table; how many."""
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    rows = iter(rows)
    batch = list(islice(rows, CHUNK))
    if not batch:
        return 0
    named = list(batch[0])
    filled = _filled(model, named)
    fields = [_field(model, name) for name in [*named, *filled]]
    pairs = [(_converter(field, connection), name) for field, name in zip(fields, named, strict=False)]
    constants = [f.get_db_prep_save(v, connection) for f, v in zip(fields[len(named) :], filled.values(), strict=True)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"
    count = 0
    with connection.cursor() as cursor:
        while batch:
            values = [convert([row[name] for row in batch]) for convert, name in pairs]
            values += [[constant] * len(batch) for constant in constants]
            params: list[Any] = list(zip(*values, strict=True))
            if connection.vendor == "postgresql":  # COPY: a fraction of executemany's time on PostgreSQL
                _copy(cursor, f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN", params)
            else:
                cursor.executemany(sql, params)
            count += len(batch)
            batch = list(islice(rows, CHUNK))
    return count


def update_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Set `columns` (attnames) of each row `(value, …, primary key)`, and nothing else (an
    `auto_now` column only when named, as `QuerySet.update`); how many."""
    connection = connections[router.db_for_write(model)]
    fields = [_field(model, name) for name in columns]
    convert = [_converter(field, connection) for field in fields]
    rows = iter(rows)
    batch = list(islice(rows, CHUNK))
    if not batch:
        return 0
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
    names = [quote(str(field.column)) for field in fields]
    count = 0
    if connection.vendor == "postgresql":  # one UPDATE … FROM the rows copied into a temporary table
        temporary = quote(f"dti_rows_{model._meta.db_table}")
        copy_sql = f"COPY {temporary} ({', '.join(names)}, {pk}) FROM STDIN"
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {temporary} AS SELECT {pk}, {', '.join(names)} FROM {table} WITH NO DATA"
            )
            while batch:
                _copy(cursor, copy_sql, _update_params(convert, batch))
                count += len(batch)
                batch = list(islice(rows, CHUNK))
            sets = ", ".join(f"{name} = given.{name}" for name in names)
            cursor.execute(f"UPDATE {table} SET {sets} FROM {temporary} AS given WHERE {table}.{pk} = given.{pk}")
            cursor.execute(f"DROP TABLE {temporary}")
        return count
    sets = ", ".join(f"{name} = %s" for name in names)
    sql = f"UPDATE {table} SET {sets} WHERE {pk} = %s"
    with connection.cursor() as cursor:
        while batch:
            cursor.executemany(sql, _update_params(convert, batch))
            count += len(batch)
            batch = list(islice(rows, CHUNK))
    return count


def _update_params(convert: Sequence[Callable[[Column], Column]], batch: Sequence[Sequence[object]]) -> list[Any]:
    """A chunk of `update_rows`'s rows as the database takes them: the values, then the key."""
    values = [c([row[i] for row in batch]) for i, c in enumerate(convert)]
    return list(zip(*values, [row[-1] for row in batch], strict=True))


def _copy(cursor: Any, sql: str, params: Sequence[Sequence[object]]) -> None:
    """PostgreSQL's COPY … FROM STDIN of `params`, logged as Django logs a query, when it does
    (query-count tests see it)."""
    logged = getattr(cursor, "debug_sql", None)
    with logged(sql, params, many=True) if logged else nullcontext(), cursor.cursor.copy(sql) as copy:
        for row_values in params:
            copy.write_row(row_values)
