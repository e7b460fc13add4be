"""The demo, loaded once for the whole package.

Loading it (tree, users, people and programmes) takes a few minutes on SQLite, so it is loaded
once for all the modules here, inside an outer transaction that is rolled back after the
package's last test (audit entries cannot be deleted, only rolled back). Each test's own
transaction is a savepoint inside it. The first test of test_loader.py runs before anything
asks for `demo`, on an empty database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from jinguo.accounts.models import User
from jinguo.demo import places
from jinguo.demo.loader import LoadResult, load_demo
from jinguo.orgunits.models import OrgUnit


@pytest.fixture(scope="package")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[LoadResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        result = load_demo()
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def banner(demo: LoadResult, db: None) -> OrgUnit:
    return OrgUnit.objects.get(code=places.COUNTY_CODE)


@pytest.fixture
def admin(banner: OrgUnit) -> User:
    return User.objects.get(username="admin")  # the demo's county administrator
