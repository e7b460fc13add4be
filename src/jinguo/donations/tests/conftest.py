"""Fixtures shared with the people and programme tests."""

from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures
    far_village,
    make_person,
    village,
)
from jinguo.programmes.tests.conftest import make_programme  # noqa: F401 - fixture
