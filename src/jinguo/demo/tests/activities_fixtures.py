"""The demo activities on top of the demo, for test_activities_demo.py (a plugin it requires).

`demo_activities` loads `jinguo.demo.activities` once for that module, after the package's
`demo` fixture (conftest.py), in a savepoint that is rolled back after the module's last test,
so that the other modules of the package see the demo as the loader leaves it. Once the loader
loads the activities itself, `load` finds them there and does nothing.

The package's first test (test_loader.py) needs the empty database, before anything asks for
`demo`; test_activities_demo.py sorts before it, so its tests are moved to just after
test_loader.py's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from jinguo.demo import activities
from jinguo.demo.loader import LoadResult

HERE = Path(__file__).parent
MODULE = "test_activities_demo.py"
AFTER = "test_loader.py"


@pytest.fixture(scope="module")
def demo_activities(
    demo: LoadResult, django_db_blocker: Any
) -> Iterator[activities.ActivitiesResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        result = activities.load()
        yield result
        transaction.set_rollback(True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the activities tests after test_loader.py's, not before its first one."""
    mine = [item for item in items if item.path.parent == HERE and item.path.name == MODULE]
    if not mine:
        return
    moved = {id(item) for item in mine}
    rest = [item for item in items if id(item) not in moved]
    after = [
        index
        for index, item in enumerate(rest)
        if item.path.parent == HERE and item.path.name == AFTER
    ]
    if after:
        items[:] = [*rest[: after[-1] + 1], *mine, *rest[after[-1] + 1 :]]
