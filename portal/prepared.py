"""ORM queries compiled once per process, then run with each request's values.

Building a queryset (every ``filter`` clones it, and modeltranslation rewrites
the field names of each) and compiling it to SQL cost a public page several
times what running its SQL costs. A ``Prepared`` query is built by a function of
named values; it is built and compiled once per database, language and shape,
with a sentinel where each value goes, and later runs reuse that SQL with the
request's values in the sentinels' places. The rows are loaded as the ORM
loads them (converters, ``select_related``, annotations), so the queryset
stays the one definition of what is asked.

A build function that takes ``shape`` is given the ``shape`` each run names (any
hashable: a page's bounds, which filters apply): one compiled query per shape,
and a run may leave out the values its shape does not use. Shapes are kept up
to ``MAX_SHAPES`` per query, then forgotten all at once.

Kinds of values: ``"datetime"`` (aware, compared with a ``DateTimeField``),
``"int"``, ``"str"``, ``"contains"`` (a string looked for by a ``__contains``
lookup: the ORM turns it into a ``LIKE`` pattern), and ``"ids"``: a sequence of
integers, one compiled query per length; an empty one means no rows.
"""

import datetime
import itertools
import operator
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    QuerySet,
    ValuesListIterable,
    get_related_populators,
)
from django.utils import translation
from modeltranslation.manager import FallbackFlatValuesListIterable, FallbackValuesListIterable

KINDS = ("datetime", "int", "str", "contains", "ids")
MAX_SHAPES = 512
_SENTINEL_BASE = -(10**12)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple  # (name, index in the value's sequence or None, positions in params)
    compiler: object
    load: Callable


class Prepared:
    """``build(**values)`` → a queryset; ``run(**values)`` → its rows, compiled once per shape.

    The queryset may return model instances, ``values_list`` tuples or flat values.
    """

    def __init__(self, build: Callable[..., QuerySet], *, using: str = DEFAULT_DB_ALIAS, **kinds: str):
        unknown = {name: kind for name, kind in kinds.items() if kind not in KINDS}
        if unknown:
            raise ImproperlyConfigured(f"Prepared query {build.__qualname__}: unknown kinds {unknown}")
        self.build, self.kinds, self.using = build, kinds, using
        self._compiled: dict[tuple, _Compiled] = {}

    def run(self, shape=None, **values) -> list:
        given = set(values)
        if not (given <= set(self.kinds) if shape is not None else given == set(self.kinds)):
            raise TypeError(f"{self.build.__qualname__} takes {sorted(self.kinds)}, given {sorted(values)}")
        values = {name: _distinct(value) if self.kinds[name] == "ids" else value for name, value in values.items()}
        if any(self.kinds[name] == "ids" and not value for name, value in values.items()):
            return []
        names = tuple(name for name in self.kinds if name in values)
        lengths = tuple(len(values[name]) for name in names if self.kinds[name] == "ids")
        key = (translation.get_language(), names, lengths, shape)
        compiled = self._compiled.get(key) or self._compile(key, names, lengths, shape)
        if compiled.sql is None:
            return []
        connection = connections[self.using]
        params = list(compiled.params)
        for name, index, positions in compiled.slots:
            value = _adapted(connection, self.kinds[name], values[name] if index is None else values[name][index])
            for position in positions:
                params[position] = value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return compiled.load(compiled.compiler, rows)

    def queryset(self, shape=None, **values) -> QuerySet:
        """The queryset itself, built with these values (what ``run`` must agree with)."""
        return self.build(**values) if shape is None else self.build(shape=shape, **values)

    def _compile(self, key: tuple, names: tuple, lengths: tuple, shape) -> _Compiled:
        sentinels, counter, lengths_left = {}, itertools.count(1), iter(lengths)
        for name in names:
            kind = self.kinds[name]
            if kind == "ids":
                sentinels[name] = [_SENTINEL_BASE - next(counter) for _ in range(next(lengths_left))]
            else:
                sentinels[name] = _sentinel(kind, name, next(counter))
        queryset = self.queryset(shape, **sentinels)
        if queryset.db != self.using:
            raise ImproperlyConfigured(f"{self.build.__qualname__} reads {queryset.db}, prepared for {self.using}")
        compiler = queryset.query.get_compiler(using=self.using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # this shape selects nothing whatever the values (an empty slice)
            self._compiled[key] = _Compiled(None, (), (), compiler, None)
            return self._compiled[key]
        slots = []
        for name in names:
            kind = self.kinds[name]
            for index, sentinel in _indexed(sentinels[name], kind):
                wanted = _adapted(connections[self.using], kind, sentinel)
                positions = tuple(i for i, got in enumerate(params) if type(got) is type(wanted) and got == wanted)
                if not positions:
                    raise ImproperlyConfigured(
                        f"Prepared query {self.build.__qualname__}: the value {name!r} is not a parameter of its SQL"
                    )
                slots.append((name, index, positions))
        compiled = _Compiled(sql, tuple(params), tuple(slots), compiler, _loader(queryset, compiler))
        if len(self._compiled) >= MAX_SHAPES:
            self._compiled.clear()
        self._compiled[key] = compiled
        return compiled


def _adapted(connection, kind: str, value):
    """``value`` as the ORM passes it to the database for a value of this kind."""
    if kind == "datetime":
        return connection.ops.adapt_datetimefield_value(value)
    if kind == "contains":
        return f"%{connection.ops.prep_for_like_query(value)}%"
    return value


def _distinct(ids) -> list:
    """As the ORM passes ``__in`` values: without repeats or ``None``, in their order."""
    return list(dict.fromkeys(pk for pk in ids if pk is not None))


def _sentinel(kind: str, name: str, number: int):
    if kind == "datetime":
        return datetime.datetime(1901, 1, 1, microsecond=number, tzinfo=datetime.UTC)
    if kind == "int":
        return _SENTINEL_BASE - number
    return f"\x1fprepared:{name}:{number}\x1f"


def _indexed(sentinel, kind: str):
    return enumerate(sentinel) if kind == "ids" else [(None, sentinel)]


def _loader(queryset: QuerySet, compiler) -> Callable:
    iterable = queryset._iterable_class
    if iterable is ModelIterable:
        return _instances
    aliases = [column[2] for column in compiler.select]
    # modeltranslation keeps the fields asked apart, and selects them in another order.
    asked = getattr(queryset, "original_fields", None) or queryset._fields
    if asked is not None and set(asked) <= set(aliases):
        positions = [aliases.index(name) for name in asked]
        if issubclass(iterable, (FlatValuesListIterable, FallbackFlatValuesListIterable)):
            pick = operator.itemgetter(positions[0])
            return lambda compiler, rows: list(map(pick, _tuples(compiler, rows)))
        if issubclass(iterable, (ValuesListIterable, FallbackValuesListIterable)):
            if positions == list(range(len(aliases))):
                return _tuples
            pick = operator.itemgetter(*positions) if len(positions) > 1 else lambda row: (row[positions[0]],)
            return lambda compiler, rows: list(map(pick, _tuples(compiler, rows)))
    raise ImproperlyConfigured(f"Prepared queries return instances or values_list rows, not {iterable.__name__}")


def _tuples(compiler, rows) -> list[tuple]:
    return list(compiler.results_iter(results=[rows], tuple_expected=True))


def _instances(compiler, rows) -> list:
    """Model instances as ``ModelIterable`` makes them (without a related manager's known objects)."""
    select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    db = compiler.using
    populators = get_related_populators(klass_info, select, db)
    found = []
    for row in compiler.results_iter(results=[rows]):
        obj = model_cls.from_db(db, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for attr_name, position in (annotation_col_map or {}).items():
            setattr(obj, attr_name, row[position])
        found.append(obj)
    return found
