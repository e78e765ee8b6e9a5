"""Reads whose SQL the ORM writes once, for pages that run the same few queries for everyone.

Home runs seven small queries. Building and compiling them took about as long as the database
took to answer them (9 of 24 ms on the benchmark's data), although their SQL differs from one
person to the next only by that person's id. A `PersonQuery` asks the ORM for its statement
once per connection object (each thread has its own, and keeps it across reconnections), and
afterwards only puts the person's id where a stand-in's was. Rules stay written once, as
querysets; only the compiling is shared.

What may differ between people must therefore reach the SQL as the person's id, passed as a
value, and nothing else: team membership and roles as subqueries (`team_ids_of`,
`roles.reviewer_exists`), never as values read in Python. Whether a person is staff changes a
rule's shape, so it is part of the key, as are the extra arguments a query takes (a date, say).
The statement is written twice, for two stand-ins, and must come out the same but for values
equal to the stand-ins' ids: a query that writes the id into its text, or turns it into some
other value (inside a JSON document, say), is refused rather than run for the wrong person.

Default database only; the queryset must be a plain `values_list`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.query import ValuesListIterable

# Stand in for the person's id while the ORM writes the statement: negative, so nobody's, and
# within a 32-bit integer column's range, or the ORM would drop a lookup of it as impossible.
STAND_INS = (-2_000_000_011, -2_000_000_017)
# Where a connection keeps its statements, and how many before it starts again (each day's date
# in a key adds one per query).
CACHE_ATTR = "_person_query_statements"
CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class _Statement:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]  # positions in params that hold the person's id
    columns: int
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


class PersonQuery:
    """A read built by `build(person, *args)`, a values_list queryset, run as plain tuples."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self.build = build

    def rows(self, person: User, *args: Hashable) -> list[tuple[Any, ...]]:
        connection = connections[DEFAULT_DB_ALIAS]
        statements: dict[Hashable, _Statement | None] = connection.__dict__.setdefault(
            CACHE_ATTR, {}
        )
        key = (self, person.is_staff, *args)
        if key not in statements:
            if len(statements) >= CACHE_SIZE:
                statements.clear()
            statements[key] = self._compile(connection, person.is_staff, args)
        statement = statements[key]
        if statement is None:
            return []  # the ORM found that nothing can match, whoever asks
        params = list(statement.params)
        for slot in statement.slots:
            params[slot] = person.pk
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            rows = cursor.fetchall()
        columns = statement.columns or None
        if not statement.converters:
            return [tuple(row[:columns]) for row in rows]
        converted = []
        for row in rows:
            values = list(row[:columns])
            for position, converters, expression in statement.converters:
                for converter in converters:
                    values[position] = converter(values[position], expression, connection)
            converted.append(tuple(values))
        return converted

    def _compile(
        self, connection: BaseDatabaseWrapper, is_staff: bool, args: tuple[Hashable, ...]
    ) -> _Statement | None:
        written = []
        for stand_in in STAND_INS:
            queryset = self.build(User(pk=stand_in, is_staff=is_staff), *args)
            plain_rows = queryset._iterable_class is ValuesListIterable
            if queryset.db != DEFAULT_DB_ALIAS or not plain_rows:
                raise ImproperlyConfigured("A person query reads plain values_list rows.")
            compiler = queryset.query.get_compiler(connection=connection)
            try:
                written.append((compiler, *compiler.as_sql()))
            except EmptyResultSet:
                return None
        (compiler, sql, params), (_, other_sql, other_params) = written
        same_shape = sql == other_sql and len(params) == len(other_params)
        pairs = list(zip(params, other_params, strict=True)) if same_shape else []
        slots = tuple(i for i, (one, other) in enumerate(pairs) if one != other)
        if not same_shape or any(pairs[i] != STAND_INS for i in slots):
            # The id was written into the text, or into some other value: it cannot be bound.
            raise ImproperlyConfigured(f"A person query uses the id other than as a value: {sql}")
        # As the ORM reads its own rows: its converters (dates on SQLite, say), extra ordering
        # columns left off.
        selected = [column for column, _, _ in compiler.select]
        converters = compiler.get_converters(selected[: compiler.col_count])
        return _Statement(
            sql=sql,
            params=tuple(params),
            slots=slots,
            columns=compiler.col_count if compiler.has_extra_select else 0,
            converters=tuple(
                (position, tuple(functions), expression)
                for position, (functions, expression) in converters.items()
            ),
        )
