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

Values that vary too much to key a statement each (the log's search words, a team's id, a date
range) can be bound the same way, as keyword arguments: the key holds only their names and
types. The builder may test whether such a value was given, never what it is: its stand-in has
to stand for every value.

The statement is written twice, for two sets of stand-ins, and must come out the same but for
values equal to the stand-ins (as the database driver receives them: a date as SQLite's text,
say): a query that writes one into its text, or turns it into some other value (inside a JSON
document, or a search word inside a LIKE pattern), is refused rather than run for the wrong
person or the wrong filter.

Default database only; the queryset must be a plain `values_list`.
"""

from __future__ import annotations

import datetime as dt
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
# The types a bound value may have. Exact types: a bool is not an int here, nor a datetime a date.
Bound = int | str | dt.date
# Where a connection keeps its statements, and how many before it starts again (each day's date
# in a key adds one per query).
CACHE_ATTR = "_person_query_statements"
CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class _Statement:
    sql: str
    params: tuple[Any, ...]
    # Positions in params that take the person's id (None) or a bound value (its name).
    slots: tuple[tuple[int, str | None], ...]
    columns: int
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]


class PersonQuery:
    """A read built by `build(person, *args, **bound)`, a values_list queryset, run as plain
    tuples."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self.build = build

    def rows(self, person: User, *args: Hashable, **bound: Bound) -> list[tuple[Any, ...]]:
        """The rows of `build(person, *args, **bound)`. A statement is kept for each staff flag,
        each `args` and each set of bound names and types; `bound` reaches it as values."""
        connection = connections[DEFAULT_DB_ALIAS]
        statements: dict[Hashable, _Statement | None] = connection.__dict__.setdefault(
            CACHE_ATTR, {}
        )
        kinds = tuple(sorted((name, type(value)) for name, value in bound.items()))
        key = (self, person.is_staff, *args, kinds)
        if key not in statements:
            if len(statements) >= CACHE_SIZE:
                statements.clear()
            statements[key] = self._compile(connection, person.is_staff, args, kinds)
        statement = statements[key]
        if statement is None:
            return []  # the ORM found that nothing can match, whoever asks
        params = list(statement.params)
        for slot, name in statement.slots:
            params[slot] = person.pk if name is None else _as_sent(connection, bound[name])
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
        self,
        connection: BaseDatabaseWrapper,
        is_staff: bool,
        args: tuple[Hashable, ...],
        kinds: tuple[tuple[str, type], ...],
    ) -> _Statement | None:
        written = []
        # What each writing sends for the person (None) and for each bound value (its name).
        sent: list[list[tuple[Any, str | None]]] = []
        for round_, stand_in in enumerate(STAND_INS):
            values = {
                name: _stand_in(kind, position, round_)
                for position, (name, kind) in enumerate(kinds, start=1)
            }
            sent.append(
                [(stand_in, None), *((_as_sent(connection, v), n) for n, v in values.items())]
            )
            queryset = self.build(User(pk=stand_in, is_staff=is_staff), *args, **values)
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
        slots: list[tuple[int, str | None]] = []
        for i, (one, other) in enumerate(pairs):
            if one != other:
                # Both writings must send the same stand-in's value here, just as it was given.
                name = _standing_for(one, sent[0])
                slots.append((i, name if _standing_for(other, sent[1]) == name else ""))
        reached = {name for _, name in slots}
        if not same_shape or "" in reached or not {name for name, _ in kinds} <= reached:
            # A value was written into the text, turned into some other value, or dropped: it
            # cannot be bound.
            raise ImproperlyConfigured(
                f"A person query uses the id or a bound value other than as a value: {sql}"
            )
        # As the ORM reads its own rows: its converters (dates on SQLite, say), extra ordering
        # columns left off.
        selected = [column for column, _, _ in compiler.select]
        converters = compiler.get_converters(selected[: compiler.col_count])
        return _Statement(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            columns=compiler.col_count if compiler.has_extra_select else 0,
            converters=tuple(
                (position, tuple(functions), expression)
                for position, (functions, expression) in converters.items()
            ),
        )


def _stand_in(kind: type, position: int, round_: int) -> Bound:
    """The value bound to the `position`th name in the first or second writing: apart from
    the person's stand-ins and from each other, and nobody's real value."""
    if kind is int:
        return STAND_INS[round_] - 100 * position
    if kind is str:
        return f"stand-in-{position}-{round_}"
    if kind is dt.date:
        return dt.date(1000 + position, 1, 1 + round_)
    raise TypeError(f"A person query binds int, str and date values, not {kind.__name__}.")


def _as_sent(connection: BaseDatabaseWrapper, value: Bound) -> Any:
    """The value as the ORM hands it to the database driver (SQLite takes dates as text)."""
    if type(value) is dt.date:
        return connection.ops.adapt_datefield_value(value)
    return value


def _standing_for(param: Any, sent: list[tuple[Any, str | None]]) -> str | None:
    """Which stand-in a parameter is ("" for none of them). By equality, as parameters can be
    lists or documents, and by type, as a string is never a date's stand-in."""
    for value, name in sent:
        if type(param) is type(value) and param == value:
            return name
    return ""
