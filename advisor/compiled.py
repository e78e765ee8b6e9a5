"""Reads whose SQL the ORM writes once, for pages that run the same few queries for everyone.

Home runs seven small queries. Building and compiling them took about as long as the database
took to answer them (9 of 24 ms on the benchmark's data), although their SQL differs from one
person to the next only by that person's id. A `PersonQuery` asks the ORM for its statement once
per database connection, for a stand-in person, and afterwards only puts the real id where the
stand-in's was. Rules stay written once, as querysets; only the compiling is shared.

What may differ between people must therefore reach the SQL as the person's id and nothing else:
team membership and roles as subqueries (`team_ids_of`, `roles.reviewer_exists`), never as
values read in Python. Whether a person is staff changes a rule's shape, so it is part of the
key, as are the extra arguments a query takes (a date, say).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet

# Stands in for the person's id while the ORM writes the statement: no table holds a negative
# id, and no constant of a query is this number.
STAND_IN_ID = -7_301_947_223
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
        statements: dict[Hashable, _Statement] = connection.__dict__.setdefault(CACHE_ATTR, {})
        key = (self, person.is_staff, *args)
        statement = statements.get(key)
        if statement is None:
            if len(statements) >= CACHE_SIZE:
                statements.clear()
            statement = statements[key] = self._compile(connection, person.is_staff, args)
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
    ) -> _Statement:
        stand_in = User(pk=STAND_IN_ID, is_staff=is_staff)
        compiler = self.build(stand_in, *args).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if str(STAND_IN_ID) in sql:
            # Written into the text rather than passed as a value: it could not be replaced.
            raise ImproperlyConfigured(f"A person query wrote the id into its SQL: {sql}")
        # As the ORM reads its own rows: its converters (dates on SQLite, say), extra ordering
        # columns left off.
        selected = [column for column, _, _ in compiler.select]
        converters = compiler.get_converters(selected[: compiler.col_count])
        return _Statement(
            sql=sql,
            params=tuple(params),
            slots=tuple(i for i, value in enumerate(params) if value == STAND_IN_ID),
            columns=compiler.col_count if compiler.has_extra_select else 0,
            converters=tuple(
                (position, tuple(functions), expression)
                for position, (functions, expression) in converters.items()
            ),
        )
