"""The hot statements, compiled once per database and run straight through the driver's cursor.

`connection.execute(statement, params)` costs 60-200 us of SQLAlchemy's own work per statement here
(cache key, parameter and result processing, execution context, result object) against 3-90 us for the
driver and the database together; an order runs eleven statements (bench/README.md has the figures).
A `Prepared` statement is compiled once per dialect (and per length of each IN list) into the SQL text,
the order of its parameters with each one's bind processor, and the result columns with their result
processors, so Money, instants and the rest read and write exactly as through Core (our own column
types give one function each instead of SQLAlchemy's wrapper around two: storage/types.py).

What still goes through SQLAlchemy: the transaction (the statement runs on the connection of the open
`begin()`), the `before_cursor_execute` / `after_cursor_execute` events (the SQL counts of the tests and
the benchmark's recording see these statements as they see any other; listeners on the engine or on
the Engine class, since a listener on one connection alone is not asked), and errors, which are wrapped
by the connection's own handler into the same `sqlalchemy.exc` classes (so retries and the unique
constraint checks behave alike). Outside a transaction it falls back to `connection.execute`, except
on the single-statement connections of `SqlDatabase.glance` (the driver is in autocommit mode there,
and a lone statement is its own transaction).

It leans on three non-public parts of SQLAlchemy 2.1 (`_result_columns`, `_cached_*_processor`,
`Connection._handle_dbapi_exception`); the tests of every repository, on both databases, cover them.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import Executable

from stockgate.storage.engine import SINGLE_STATEMENT_OPTION

Processor = Callable[[Any], Any] | None
Params = Mapping[str, Any]


class _Slot(NamedTuple):
    """Where one parameter of the SQL text comes from, and how the driver wants it."""

    source: str | None  # the caller's parameter, or None for a value fixed in the statement
    position: int | None  # in an IN list's values
    constant: Any
    processor: Processor


class _Context:
    """What the execution events are given as context: the parameter names of positional SQL."""

    def __init__(self, names: list[str]) -> None:
        self.compiled = self
        self.positiontup = names


@dataclass(frozen=True)
class _Plan:
    sql: str
    positional: bool
    names: tuple[str, ...]  # of the parameters, as the SQL text (pyformat) or the events know them
    fetch: tuple[_Slot, ...]
    row: Callable[[Iterable[Any]], tuple[Any, ...]] | None  # a row from its values; None: no rows
    context: _Context
    # Without an IN list every parameter is the caller's or fixed: one C-level itemgetter over both
    # picks them all (a loop over the slots cost a tenth of the E4 sign-in, bench/README.md).
    pick: Callable[[Params], tuple[Any, ...]] | None
    fixed: dict[Any, Any]  # the fixed values, under keys no caller's parameter can have
    bound: tuple[tuple[int, Callable[[Any], Any]], ...]  # the parameters with a bind processor
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]  # the columns with a result processor

    def arguments(self, params: Params) -> Any:
        if self.pick is not None:
            picked = self.pick({**params, **self.fixed} if self.fixed else params)
            if self.positional and not self.bound:  # SQLite's usual case: the tuple is the arguments
                return picked
            values = list(picked)
            for i, bind in self.bound:
                values[i] = bind(values[i])
        else:
            values = []
            for source, position, constant, processor in self.fetch:
                if source is None:
                    value = constant
                elif position is None:
                    value = params[source]
                else:
                    value = params[source][position]
                values.append(value if processor is None else processor(value))
        return tuple(values) if self.positional else dict(zip(self.names, values, strict=True))

    def shape(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        assert self.row is not None
        values = list(raw)
        for i, convert in self.converted:
            values[i] = convert(values[i])
        return self.row(values)

    def shape_all(self, fetched: list[Any]) -> list[Any]:
        if self.row is None:
            return []
        if not self.converted:  # integers and text: the driver's values are the row's
            return list(map(self.row, fetched))
        return [self.shape(raw) for raw in fetched]


class Prepared:
    """A Core statement (built once, at import) run through the driver; see the module docstring."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        # An INSERT without explicit values is compiled for the columns a call gives, as Core does.
        self._by_columns = isinstance(statement, Insert)
        # Per dialect, INSERT columns and executemany: the compiled statement and its IN lists.
        self._compiled: dict[tuple[str, tuple[str, ...], bool], tuple[SQLCompiler, tuple[str, ...]]] = {}
        self._plans: dict[tuple[str, tuple[str, ...], bool, tuple[int, ...]], _Plan] = {}
        # Per dialect, the plan of a statement run one row at a time with no IN list: the one it has.
        self._only: dict[str, _Plan] = {}

    def rows(self, connection: Connection, params: Params) -> list[Any]:
        """Every row the statement answers (tuples that also name their columns)."""
        plan, fetched = self._fetch(connection, params)
        return fetched if plan is None else plan.shape_all(fetched)

    def tuples(self, connection: Connection, params: Params) -> list[Any]:
        """The rows as tuples, for hot reads that unpack them at once: the driver's own when no column
        needs converting (no names to build), named rows otherwise."""
        plan, fetched = self._fetch(connection, params)
        if plan is None:
            return [tuple(row) for row in fetched]
        return fetched if not plan.converted else plan.shape_all(fetched)

    def _fetch(self, connection: Connection, params: Params) -> tuple[_Plan | None, list[Any]]:
        """The driver's rows and the plan to shape them (None: Core ran it, its rows are shaped)."""
        if not connection.in_transaction() and not _single_statement(connection):
            return None, list(connection.execute(self.statement, dict(params)))
        dialect = connection.dialect
        plan = self._only.get(dialect.name) or self._plan(dialect, params, many=False)
        return plan, self._execute(connection, plan, plan.arguments(params), many=False)

    def first(self, connection: Connection, params: Params) -> Any | None:
        found = self.rows(connection, params)
        return found[0] if found else None

    def run(self, connection: Connection, params: Params) -> None:
        """Execute a statement that answers nothing."""
        self.rows(connection, params)

    def many(self, connection: Connection, rows: Sequence[Params]) -> None:
        """Execute once per row (executemany); every row carries the same keys and IN list lengths."""
        if not rows:
            return
        if not connection.in_transaction():
            connection.execute(self.statement, [dict(row) for row in rows])
            return
        plan = self._plan(connection.dialect, rows[0], many=True)
        self._execute(connection, plan, [plan.arguments(row) for row in rows], many=True)

    def _execute(self, connection: Connection, plan: _Plan, arguments: Any, *, many: bool) -> list[Any]:
        # The driver's own cursor: the pool's proxy adds a Python call with *args and **kwargs.
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            # The engine's listeners decide (a connection's own would be missed); asking the
            # connection walks its joined events: twice the instructions (bench/README.md).
            listening = connection.engine.dispatch
            dispatch = connection.dispatch
            if listening.before_cursor_execute:
                dispatch.before_cursor_execute(connection, cursor, plan.sql, arguments, plan.context, many)
            if many:
                cursor.executemany(plan.sql, arguments)
            else:
                cursor.execute(plan.sql, arguments)
            fetched = list(cursor.fetchall()) if plan.row is not None else []
            if listening.after_cursor_execute:
                dispatch.after_cursor_execute(connection, cursor, plan.sql, arguments, plan.context, many)
            return fetched
        except Exception as error:  # the connection's own handler wraps it (and may invalidate)
            connection._handle_dbapi_exception(error, plan.sql, arguments, cursor, None)
        finally:
            cursor.close()

    def _plan(self, dialect: Dialect, params: Params, *, many: bool) -> _Plan:
        columns = tuple(params) if self._by_columns else ()
        entry = self._compiled.get((dialect.name, columns, many))
        if entry is None:
            # for_executemany: no implicit RETURNING of the new id (PostgreSQL adds one otherwise).
            made = self.statement.compile(  # type: ignore[attr-defined]
                dialect=dialect, column_keys=list(columns) or None, for_executemany=many
            )
            expanding = tuple(name for name, bind in made.binds.items() if bind.expanding)
            entry = self._compiled[(dialect.name, columns, many)] = (made, expanding)
        compiled, expanding = entry
        lengths = tuple(len(params[name]) for name in expanding) if expanding else ()
        key = (dialect.name, columns, many, lengths)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _make_plan(compiled, dialect, params)
            if not many and not self._by_columns and not expanding:
                self._only[dialect.name] = plan
        return plan


def _single_statement(connection: Connection) -> bool:
    """A connection of `SqlDatabase.glance`, whose driver commits each statement itself."""
    return bool(connection.get_execution_options().get(SINGLE_STATEMENT_OPTION))


def _make_plan(compiled: SQLCompiler, dialect: Dialect, params: Params) -> _Plan:
    state = compiled.construct_expanded_state(dict(params))
    positional = bool(compiled.positional)
    names = list(state.positiontup or ()) if positional else list(state.parameters)
    origin = {
        expanded: (base, index)
        for base, found in state.parameter_expansion.items()
        for index, expanded in enumerate(found)
    }
    slots = []
    for name in names:
        base, index = origin.get(name, (name, None))
        bind = compiled.binds[base]
        given = base in params
        processor = _bind_processor(bind.type, dialect)
        slots.append(
            _Slot(base if given else None, index, None if given else state.parameters[name], processor)
        )
    columns = compiled._result_columns
    row = None
    results: tuple[Processor, ...] = ()
    if columns:
        row = _named_rows([c.keyname for c in columns])
        results = tuple(_result_processor(c.type, dialect) for c in columns)
    pick = None
    fixed = {}
    if all(slot.position is None for slot in slots):
        keys = [(_FIXED, i) if slot.source is None else slot.source for i, slot in enumerate(slots)]
        fixed = {(_FIXED, i): slot.constant for i, slot in enumerate(slots) if slot.source is None}
        pick = _picker(keys)
    return _Plan(
        sql=state.statement,
        positional=positional,
        names=tuple(names),
        fetch=tuple(slots),
        row=row,
        context=_Context(names),
        pick=pick,
        fixed=fixed,
        bound=tuple((i, slot.processor) for i, slot in enumerate(slots) if slot.processor is not None),
        converted=tuple((i, f) for i, f in enumerate(results) if f is not None),
    )


_FIXED = object()  # marks the keys of a plan's fixed values


def _picker(keys: list[Any]) -> Callable[[Params], tuple[Any, ...]]:
    """The values under `keys`, as a tuple (itemgetter answers a lone value bare)."""
    if not keys:
        return lambda _params: ()
    if len(keys) == 1:
        (only,) = keys
        return lambda params: (params[only],)
    return itemgetter(*keys)


def _bind_processor(type_: Any, dialect: Dialect) -> Processor:
    """Our column types' own single function (storage/types.py), else SQLAlchemy's processor."""
    fused = getattr(type_, "prepared_bind", None)
    made: Processor = fused(dialect) if fused is not None else type_._cached_bind_processor(dialect)
    return made


def _result_processor(type_: Any, dialect: Dialect) -> Processor:
    fused = getattr(type_, "prepared_result", None)
    made: Processor = fused(dialect) if fused is not None else type_._cached_result_processor(dialect, None)
    return made


def _named_rows(names: list[str]) -> Callable[[Iterable[Any]], tuple[Any, ...]]:
    """Rows from their values, as tuples that also answer by column name like Core's rows do (made
    by tuple.__new__ directly: the class's own __new__ and _make are Python frames)."""
    return partial(tuple.__new__, namedtuple("Row", names, rename=True))
