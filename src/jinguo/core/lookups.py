"""`path__within=prefix`: rows whose materialised path starts with `prefix`, using an index.

Django's ``startswith`` cannot use an index on SQLite (it emits ``LIKE … ESCAPE``, which
SQLite never optimises), so a subtree filter would scan the whole table. This lookup emits a
half-open range there instead — every string starting with P lies in [P, P with its last
character incremented) under SQLite's binary collation — and ``LIKE 'P%'`` on PostgreSQL,
where the ``varchar_pattern_ops`` index serves it in any locale.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup


def _upper_bound(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


@CharField.register_lookup
class Within(Lookup[str]):
    lookup_name = "within"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = str(self.rhs)
        if not prefix:
            return "1 = 1", []
        return (
            f"({lhs} >= %s AND {lhs} < %s)",
            [*lhs_params, prefix, *lhs_params, _upper_bound(prefix)],
        )

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = str(self.rhs)
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{lhs} LIKE %s", [*lhs_params, f"{escaped}%"]


@CharField.register_lookup
class Prefix(Within):
    """The same index-friendly prefix match, named for text that is not a tree path
    (``name_pinyin__prefix="wangf"``). Case-sensitive: store and search one case."""

    lookup_name = "prefix"
